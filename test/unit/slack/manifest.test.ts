import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const manifest = parse(fs.readFileSync(path.join(root, 'manifest.yml'), 'utf8'));

function sources(dir: string): string {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), 'utf8'))
    .join('\n');
}
const code = sources(path.join(root, 'src/bots/slack'));

/**
 * Bot scopes each Web API method needs (Slack's method reference); `null` means none. The
 * history methods need one scope per kind of conversation they read: the approvals and digest
 * channels may be public or private, and DMs are read to find notes already sent.
 */
const HISTORY = ['channels:history', 'groups:history', 'im:history'];
const METHOD_SCOPES: Record<string, string | string[] | null> = {
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'chat.postEphemeral': 'chat:write',
  'chat.getPermalink': null,
  'conversations.open': 'im:write',
  'users.info': 'users:read',
  'usergroups.users.list': 'usergroups:read',
  'views.open': null,
  'views.update': null,
  'views.publish': null,
  'views.push': null,
  'files.uploadV2': 'files:write',
  'files.info': 'files:read',
  'conversations.history': HISTORY,
  'conversations.replies': HISTORY,
};

describe('manifest.yml', () => {
  const called = [...new Set([...code.matchAll(/(?:client|news)\.((?:[a-z]+\.)+[a-zA-Z0-9]+)\(/g)].map((m) => m[1]!))].sort();
  const commands = [...code.matchAll(/listeners\.command\('([^']+)'/g)].map((m) => m[1]!).sort();
  const events = [...code.matchAll(/app\.event\('([^']+)'/g)].map((m) => m[1]!).sort();

  it('knows the scope of every Web API method the bot calls', () => {
    expect(called.length).toBeGreaterThan(5);
    for (const method of called) expect(Object.keys(METHOD_SCOPES), method).toContain(method);
  });

  it('asks for exactly the bot scopes the code uses', () => {
    const needed = new Set(called.flatMap((m) => METHOD_SCOPES[m] ?? []));
    if (commands.length) needed.add('commands');
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });

  it('declares every slash command the bot handles, with a description', () => {
    expect(manifest.features.slash_commands.map((c: { command: string }) => c.command).sort()).toEqual(commands);
    for (const c of manifest.features.slash_commands) {
      expect(c.description.length).toBeGreaterThan(10);
      expect(c.url).toMatch(/\/slack\/events$/);
    }
  });

  it('subscribes to exactly the events the bot listens to, with interactivity and App Home on', () => {
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual(events);
    expect(manifest.settings.event_subscriptions.request_url).toMatch(/\/slack\/events$/);
    expect(manifest.settings.interactivity).toEqual({ is_enabled: true, request_url: expect.stringMatching(/\/slack\/events$/) });
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.features.bot_user.display_name).toBe('Greenlight');
    expect(manifest.display_information.long_description.length).toBeGreaterThanOrEqual(174);
  });
});
