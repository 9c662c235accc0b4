import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { placeholdersIn, renderManifest, substitutePlaceholders, TemplateError } from '../../../scripts/teams/manifest-template.js';
import {
  checkPackageContents,
  fieldOf,
  manifestSchemaPath,
  validateAgainstSchema,
  validateAppPackage,
  type ManifestProblem,
} from '../../../scripts/teams/manifest-validation.js';
import type { PackageSettings } from '../../../scripts/teams/package-settings.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const template = readFileSync(`${root}appPackage/manifest.json`, 'utf8');
const icons = new Map<string, Uint8Array>([
  ['color.png', readFileSync(`${root}appPackage/color.png`)],
  ['outline.png', readFileSync(`${root}appPackage/outline.png`)],
]);
const settings: PackageSettings = {
  appId: '8f0c2a4e-1b2c-4d5e-8f90-123456789abc',
  publicHost: 'greenlight.contoso.com',
  appVersion: '0.1.0',
};

// Tests poke at the manifest freely, mistakes included, so its shape is left open.
type Json = Record<string, any>;
const manifest = (): Json => renderManifest(template, settings);
const problemAt = (problems: ManifestProblem[], field: string) => problems.filter((p) => p.field === field);

describe('appPackage/manifest.json (the template)', () => {
  it('uses exactly three placeholders: the app id, the public host and the version', () => {
    expect(placeholdersIn(template).sort()).toEqual(['APP_VERSION', 'MICROSOFT_APP_ID', 'PUBLIC_HOST']);
  });

  it('names the 1.25 schema, which ships offline in @microsoft/app-manifest', () => {
    const m = manifest();
    expect(m.$schema).toBe('https://developer.microsoft.com/json-schemas/teams/v1.25/MicrosoftTeams.schema.json');
    expect(m.manifestVersion).toBe('1.25');
    const schema = JSON.parse(readFileSync(manifestSchemaPath('1.25'), 'utf8'));
    expect(schema.properties.manifestVersion.const).toBe('1.25');
  });

  it('filled in, validates against the 1.25 schema and the package rules with no problems', () => {
    expect(validateAgainstSchema(manifest())).toEqual([]);
    expect(validateAppPackage(manifest(), icons)).toEqual([]);
  });

  it('one id throughout: the app, the bot and the message extension are the Azure Bot', () => {
    const m = manifest();
    expect([m.id, m.bots[0].botId, m.composeExtensions[0].botId]).toEqual([settings.appId, settings.appId, settings.appId]);
    expect(m.version).toBe('0.1.0');
    expect(m.validDomains).toEqual(['greenlight.contoso.com']);
  });

  it('describes Greenlight in the words of the Slack app and the README', () => {
    const slack = parse(readFileSync(`${root}manifest.yml`, 'utf8'));
    const m = manifest();
    expect(m.name.short).toBe('Greenlight');
    expect(m.description.short).toBe(slack.display_information.description);
    expect(m.description.full).toContain('exactly once and exactly as approved');
    expect(m.accentColor.toLowerCase()).toBe(slack.display_information.background_color);
    expect(m.developer.websiteUrl).toMatch(/^https:\/\/example\.com\//); // a placeholder, visibly
  });

  it('one bot in personal, team and group chats, with a command menu per scope', () => {
    const bot = manifest().bots[0];
    expect(bot.scopes).toEqual(['personal', 'team', 'groupChat']);
    // Image files attached in the 1:1 chat reach the bot (file.download.info) only with this.
    expect(bot.supportsFiles).toBe(true);
    const menus = Object.fromEntries(bot.commandLists.map((l: Json) => [l.scopes.join(), l.commands.map((c: Json) => c.title)]));
    const everywhere = ['draft', 'queue', 'digest', 'help', 'timezone'];
    expect(menus).toEqual({
      personal: everywhere,
      team: [...everywhere, 'use this channel for approvals', 'use this channel for the digest'],
      groupChat: everywhere,
    });
    for (const list of bot.commandLists) for (const c of list.commands) expect(c.description.length, c.title).toBeGreaterThan(15);
  });

  it('the draftPost action command opens a dialog from the message box, the command box and a message', () => {
    const extension = manifest().composeExtensions;
    expect(extension).toHaveLength(1);
    expect(extension[0].commands).toEqual([
      {
        id: 'draftPost',
        type: 'action',
        title: 'Draft a post',
        description: expect.any(String),
        fetchTask: true,
        context: ['compose', 'commandBox', 'message'],
      },
    ]);
  });

  it('asks for identity and messageTeamMembers, with the two icons', () => {
    const m = manifest();
    expect(m.permissions).toEqual(['identity', 'messageTeamMembers']);
    expect(m.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
  });
});

describe('placeholders', () => {
  it('values are escaped for the JSON string they land in', () => {
    const out = substitutePlaceholders('{"a":"${{X}} and ${{X}}"}', { X: 'say "hi"\\' });
    expect(JSON.parse(out)).toEqual({ a: 'say "hi"\\ and say "hi"\\' });
  });

  it('a placeholder with no value is an error naming it', () => {
    expect(() => substitutePlaceholders('{"a":"${{X}}","b":"${{Y}}"}', { X: 'x' })).toThrow(TemplateError);
    expect(() => substitutePlaceholders('{"a":"${{X}}","b":"${{Y}}"}', { X: 'x' })).toThrow('no value for ${{Y}}');
  });
});

describe('a manifest with a mistake fails with a message naming the field', () => {
  it('the unfilled template: every placeholder is reported where it sits', () => {
    const problems = validateAppPackage(JSON.parse(template), icons);
    expect(problemAt(problems, 'id')).toEqual([
      { field: 'id', message: 'must be a GUID like 00000000-0000-0000-0000-000000000000 (got "${{MICROSOFT_APP_ID}}")' },
      { field: 'id', message: 'still holds the placeholder ${{MICROSOFT_APP_ID}}; package with npm run teams:package' },
    ]);
    expect(problemAt(problems, 'bots[0].botId')).toHaveLength(2);
    expect(problemAt(problems, 'validDomains[0]').map((p) => p.message)).toContain(
      'still holds the placeholder ${{PUBLIC_HOST}}; package with npm run teams:package',
    );
  });

  it('a message extension command id with a space', () => {
    const m = manifest();
    m.composeExtensions[0].commands[0].id = 'draft post';
    expect(validateAppPackage(m, icons)).toEqual([
      { field: 'composeExtensions[0].commands[0].id', message: '"draft post" must be letters, digits, "-" or "_" only' },
    ]);
  });

  it('an icon the manifest names but the package lacks', () => {
    const problems = validateAppPackage(manifest(), new Map([['color.png', icons.get('color.png')!]]));
    expect(problems).toEqual([{ field: 'icons.outline', message: expect.stringMatching(/^outline\.png is not in the package/) }]);
  });

  it('no outline icon in the manifest at all', () => {
    const m = manifest();
    delete m.icons.outline;
    expect(validateAppPackage(m, icons)).toEqual([{ field: 'icons.outline', message: 'is required' }]);
  });

  it('icons of the wrong size or without transparency', () => {
    const m = manifest();
    m.icons = { color: 'outline.png', outline: 'color.png' };
    expect(checkPackageContents(m, icons)).toEqual([
      { field: 'icons.color', message: 'outline.png must be 192×192 pixels (it is 32×32)' },
      { field: 'icons.outline', message: 'color.png must be 32×32 pixels (it is 192×192)' },
      { field: 'icons.outline', message: 'color.png must have an alpha channel (the outline icon (white on transparent))' },
    ]);
    expect(checkPackageContents(manifest(), new Map([...icons, ['outline.png', Buffer.from('not a png')]]))).toEqual([
      { field: 'icons.outline', message: 'outline.png is not a PNG' },
    ]);
  });

  it('a scope that does not exist, a misspelt property, a too-long title, a bad colour', () => {
    const m = manifest();
    m.bots[0].scopes = ['personal', 'channel'];
    m.bots[0].botID = m.bots[0].botId;
    m.composeExtensions[0].commands[0].title = 'Draft a post for approval by the team';
    m.accentColor = 'green';
    expect(validateAgainstSchema(m)).toEqual(
      expect.arrayContaining([
        { field: 'bots[0].scopes[1]', message: 'must be one of "team", "personal", "groupChat", "copilot" (got "channel")' },
        { field: 'bots[0].botID', message: 'is not a property the 1.25 schema allows here' },
        { field: 'composeExtensions[0].commands[0].title', message: 'must be at most 32 characters (it has 37)' },
        { field: 'accentColor', message: 'must be a colour like #1F7A3D (got "green")' },
      ]),
    );
  });

  it('package rules: command lists for scopes the bot lacks, a second bot id, a URL as a domain', () => {
    const m = manifest();
    m.bots[0].scopes = ['personal', 'team'];
    m.bots[0].commandLists[0].commands.push({ title: 'draft', description: 'again' });
    m.composeExtensions[0].botId = '00000000-0000-0000-0000-000000000000';
    m.validDomains = ['https://greenlight.contoso.com/api'];
    expect(checkPackageContents(m, icons)).toEqual([
      { field: 'bots[0].commandLists[0].commands[5].title', message: '"draft" is listed twice' },
      { field: 'bots[0].commandLists[2].scopes', message: '"groupChat" is not one of the bot\'s scopes' },
      { field: 'composeExtensions[0].botId', message: expect.stringMatching(/^must be the bot's id \(bots\[0\]\.botId\)/) },
      { field: 'validDomains[0]', message: '"https://greenlight.contoso.com/api" must be a host name, without https:// or a path' },
    ]);
  });

  it('field paths read like property access', () => {
    expect(fieldOf('/bots/0/commandLists/1/commands/2/title')).toBe('bots[0].commandLists[1].commands[2].title');
    expect(fieldOf('', 'icons')).toBe('icons');
    expect(fieldOf('')).toBe('(manifest)');
    expect(fieldOf('/a~1b/c~0d')).toBe('a/b.c~d');
  });
});
