/**
 * The playground: Greenlight's own Slack front end, driven from a page in the browser instead
 * of a Slack workspace. An in-process Slack emulator answers the Web API calls Greenlight
 * makes; the page's clicks and entries become the signed requests Slack would send to
 * `/slack/events` (slash commands with a response_url, block_actions, view_submission,
 * view_closed, app_home_opened). Only SLACK_API_URL and the signing secret differ from
 * production. Like Slack, it reaches Greenlight only through those requests; it reads what
 * the sandbox network "published" and asks for the demo's "publish now" through the two
 * callbacks the composition root hands it.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type http from 'node:http';
import { createRequire } from 'node:module';
import { z } from 'zod';
import type { SlackConfig, TeamsConfig } from '../config.js';
import { detectImageType } from '../domain/image-format.js';
import { isValidTimeZone } from '../domain/time.js';
import type { Logger } from '../observability/logger.js';
import type { SandboxPost } from '../platforms/sandbox/publisher.js';
import { BodyReadError, readBody } from '../server/request-body.js';
import { sendJson, type Route } from '../server/http-server.js';
import { playgroundAssets } from './assets.js';
import { instantFromLocal } from './render/zone.js';
import { renderScreen, type Screen } from './screen.js';
import {
  appHomeOpened,
  blockActionsFromHome,
  blockActionsFromMessage,
  blockActionsFromView,
  postSigned,
  slashCommand,
  viewClosed,
  viewSubmission,
  type InputValues,
  type SignedResponse,
} from './slack-emulator/requests.js';
import { mintTriggerId, startFakeSlackApi, type FakeSlackApi } from './slack-emulator/index.js';
import { startTeamsSide, TeamsSideError, type TeamsSide } from './teams-side.js';
import { readSaved, StateKeeper } from './workspace-file.js';
import {
  APPROVALS_CHANNEL,
  APPROVERS,
  CHANNELS,
  DIGEST_CHANNEL,
  MANAGERS_GROUP,
  SEEDED_PEOPLE,
  type PlaygroundPerson,
} from './workspace-seed.js';

/** The slash commands the manifest declares, with their hints, as the composer offers them. */
export const SLASH_COMMANDS = [
  { command: '/draft', hint: '[text of the post]', description: 'Draft a social post for approval' },
  { command: '/queue', hint: '', description: 'Your drafts, what waits for approval and what is scheduled' },
  { command: '/digest', hint: '', description: 'The engagement digest for the last 24 hours' },
] as const;

/** What the Teams app's command menu offers (appPackage/manifest.json). */
export const TEAMS_COMMANDS = [
  { command: 'draft', hint: '[text of the post]', description: 'Draft a social post for approval' },
  { command: 'queue', hint: '', description: 'Your drafts, what waits for approval and what is scheduled' },
  { command: 'digest', hint: '', description: 'The engagement digest for the last 24 hours' },
  { command: 'help', hint: '', description: 'What Greenlight can do and how to ask' },
  { command: 'timezone', hint: 'Europe/Berlin', description: 'Set the time zone your publish times are in' },
] as const;

export interface PlaygroundOptions {
  logger: Logger;
  /** What the sandbox network "published", newest last. */
  outbox: () => readonly SandboxPost[];
  /** The demo's "no waiting": the next scheduled post goes out now. Says what happened. */
  publishNext: () => Promise<string>;
  /**
   * Where the workspace (conversations, Home tabs, charts, people added) is kept across
   * restarts, beside the database: the posts in the database point at its messages.
   * Absent: in memory only.
   */
  stateFile?: string;
  /** Also play Teams (Greenlight's Teams front end in local mode): when no Teams is configured. */
  teams?: boolean;
}

export interface Playground {
  /** The Slack front end's configuration: the emulator's API and this playground's secrets. */
  readonly slack: SlackConfig;
  /** The Teams front end's configuration (local mode), when the playground plays Teams too. */
  readonly teams: TeamsConfig | undefined;
  readonly routes: Record<string, Route>;
  readonly emulator: FakeSlackApi;
  /** Greenlight is listening: requests go to `${appUrl}/slack/events`. */
  connect(appUrl: string): Promise<void>;
  /** Ends the pages' event streams (they would hold the HTTP server open). */
  closePages(): void;
  /** Closes the emulator: after the Slack front end has stopped. */
  stop(): Promise<void>;
}

const Command = z.object({ user: z.string(), channel: z.string(), text: z.string().max(4000) });
const Values = z.record(z.string(), z.record(z.string(), z.unknown()));
const Action = z.object({
  user: z.string(),
  actionId: z.string(),
  blockId: z.string().optional(),
  selected: z.union([z.string(), z.array(z.string())]).optional(),
  channel: z.string().optional(),
  ts: z.string().optional(),
  viewId: z.string().optional(),
  home: z.boolean().optional(),
  values: Values.optional(),
});
const Submit = z.object({ user: z.string(), viewId: z.string(), values: Values });
const Close = z.object({ user: z.string(), viewId: z.string() });
const Person = z.object({ name: z.string().trim().min(1).max(80), tz: z.string().min(1), manager: z.boolean().optional() });
const Upload = z.object({
  user: z.string(),
  name: z.string().min(1).max(200),
  type: z.string().max(100),
  data: z.string().max(40 * 1024 * 1024),
});

export async function startPlayground(options: PlaygroundOptions): Promise<Playground> {
  const { logger } = options;
  const botToken = `xoxb-playground-${randomBytes(12).toString('hex')}`;
  const signingSecret = randomBytes(16).toString('hex');
  const people: PlaygroundPerson[] = SEEDED_PEOPLE.map((p) => ({ ...p }));
  const emulator = await startFakeSlackApi({
    botToken,
    users: people,
    userGroups: { [MANAGERS_GROUP.id]: people.filter((p) => p.role === 'approver through @managers').map((p) => p.id) },
    channels: CHANNELS.map((c) => c.id),
    // A person reads and clicks: the 3 s a trigger lives is for apps, so give the page room.
    triggerTtlMs: 60_000,
  });
  const saved = options.stateFile ? readSaved(options.stateFile, logger) : undefined;
  if (saved) {
    for (const p of saved.people)
      if (!people.some((q) => q.id === p.id)) {
        people.push(p);
        emulator.addUser(p, p.role === 'approver through @managers' ? [MANAGERS_GROUP.id] : []);
      }
    emulator.restore(saved.workspace);
  }
  // Each person's DM with Greenlight exists from the start, as it does once the app is installed.
  for (const p of people) emulator.state.dms.set(p.id, `D${p.id.slice(1)}`);
  const teams: TeamsSide | undefined = options.teams ? await startTeamsSide(people, logger) : undefined;
  if (teams && saved?.teams) teams.restore(saved.teams);
  const keeper = options.stateFile
    ? new StateKeeper(
        options.stateFile,
        () => ({
          people: people.filter((p) => !SEEDED_PEOPLE.some((q) => q.id === p.id)),
          workspace: emulator.snapshot(),
          ...(teams ? { teams: teams.snapshot() } : {}),
        }),
        logger,
      )
    : undefined;
  let eventsUrl = '';
  /** Which person's interaction opened each modal stack (by root view id). */
  const stackOwners = new Map<string, string>();
  /** Errors shown under inputs, by view id (a view_submission answered with `errors`). */
  const viewErrors = new Map<string, Record<string, string>>();
  /** Notices for a person that Slack shows in its own chrome (a failed command, an invalid answer). */
  const notices: Array<{ user: string; text: string; at: number }> = [];
  const triggers = new Map<string, string>();

  // Know whose modal each new stack is: views.open exchanges a trigger minted for one person.
  const unsubscribe = emulator.subscribe((call) => {
    if (call.method === 'views.open' && call.response.ok) {
      const owner = triggers.get(String(call.args.trigger_id));
      const view = call.response.view as { id: string } | undefined;
      if (owner && view) stackOwners.set(view.id, owner);
    }
  });

  const trigger = (user: string) => {
    const id = mintTriggerId();
    triggers.set(id, user);
    if (triggers.size > 500) triggers.delete(triggers.keys().next().value!);
    return id;
  };
  const person = (id: string) => {
    const found = people.find((p) => p.id === id);
    if (!found) throw new PlaygroundError(`No person ${id} in the playground`);
    return found;
  };
  const send = (body: Parameters<typeof postSigned>[1]): Promise<SignedResponse> => {
    if (!eventsUrl) throw new PlaygroundError('Greenlight is still starting');
    return postSigned(eventsUrl, body, { signingSecret });
  };
  const notify = (user: string, text: string) => {
    notices.push({ user, text, at: Date.now() });
    if (notices.length > 200) notices.shift();
    changed();
  };
  /** Slack shows an ack's text (or a failure) to the person who typed the command. */
  const showAck = (user: string, channel: string, response: SignedResponse, command: string) => {
    if (response.status !== 200) return notify(user, `${command} failed with the error "dispatch_failed"`);
    const body = response.json as { text?: string; blocks?: unknown[] } | undefined;
    if (body && (body.text || body.blocks))
      emulator.state.addEphemeral({
        channel,
        user,
        message_ts: `${Date.now() / 1000}`,
        ...(body.text ? { text: body.text } : {}),
        ...(body.blocks ? { blocks: body.blocks } : {}),
      });
    changed();
  };

  // The page hears of every change and asks for its screen again.
  const listeners = new Set<http.ServerResponse>();
  let pending: NodeJS.Timeout | undefined;
  function changed() {
    pending ??= setTimeout(() => {
      pending = undefined;
      for (const res of listeners) res.write('event: changed\ndata: {}\n\n');
    }, 30);
  }
  const onChange = () => {
    changed();
    keeper?.soon();
  };
  const unsubscribeChanges = emulator.subscribe(onChange);
  const unsubscribeTeams = teams?.emulator.subscribe(onChange);

  const stackOf = (user: string) => emulator.state.modalStacks.find((stack) => stackOwners.get(stack[0]!) === user);
  const ownsView = (user: string, viewId: string) => stackOf(user)?.includes(viewId) === true;

  /** Shorthand values from the page → Slack's state values (times typed in the person's zone). */
  function inputValues(user: string, raw: Record<string, Record<string, unknown>>): InputValues {
    const zone = person(user).tz;
    const out: InputValues = {};
    for (const [blockId, byAction] of Object.entries(raw)) {
      for (const [actionId, value] of Object.entries(byAction)) {
        let v: unknown = value;
        if (value && typeof value === 'object' && !Array.isArray(value) && 'date' in value) {
          const { date, time } = value as { date: string; time: string };
          const at = date && time ? instantFromLocal(date, time, zone) : undefined;
          v = at ? Math.floor(at.getTime() / 1000) : null;
        }
        out[blockId] = { ...out[blockId], [actionId]: v as InputValues[string][string] };
      }
    }
    return out;
  }

  const api =
    (handler: (body: unknown) => Promise<unknown>): Route =>
    async (req, res) => {
      try {
        const raw = await readBody(req, { maxBytes: 48 * 1024 * 1024, deadlineMs: 60_000 });
        const result = await handler(raw.length ? JSON.parse(raw.toString('utf8')) : {});
        sendJson(res, 200, result ?? { ok: true });
      } catch (error) {
        const known = error instanceof PlaygroundError || error instanceof TeamsSideError;
        // A body that is not JSON, or not the shape asked for, is the page's mistake, not a fault here.
        const malformed = error instanceof z.ZodError || error instanceof SyntaxError || error instanceof BodyReadError;
        const message = malformed
          ? 'That request is not one the playground understands.'
          : known
            ? (error as Error).message
            : 'Something went wrong in the playground.';
        if (!known && !malformed) logger.error('playground request failed', { error });
        sendJson(res, known || malformed ? 400 : 500, { ok: false, error: message });
      }
    };

  const routes: Record<string, Route> = {
    ...playgroundAssets(),
    'GET /playground/api/screen': (req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const user = url.searchParams.get('user') ?? people[0]!.id;
      const screen: Screen = renderScreen({
        emulator,
        people,
        me: people.find((p) => p.id === user) ?? people[0]!,
        channel: url.searchParams.get('channel') ?? APPROVALS_CHANNEL,
        thread: url.searchParams.get('thread') ?? undefined,
        tab: url.searchParams.get('tab') === 'home' ? 'home' : 'messages',
        stack: stackOf(user) ?? [],
        viewErrors,
        notices: notices.filter((n) => n.user === user),
        outbox: options.outbox(),
      });
      res.setHeader('cache-control', 'no-store');
      sendJson(res, 200, { ...screen, commands: SLASH_COMMANDS, teams: Boolean(teams) });
    },
    'GET /playground/api/events': (req, res) => {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
      res.write('event: changed\ndata: {}\n\n');
      listeners.add(res);
      const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
      req.on('close', () => {
        clearInterval(ping);
        listeners.delete(res);
      });
    },
    'GET /playground/files/*': (req, res) => {
      const id = decodeURIComponent((req.url ?? '').split('?')[0]!.split('/').pop() ?? '');
      const file = emulator.state.files.get(id);
      if (!file?.bytes) return sendJson(res, 404, { error: 'not found' });
      res.writeHead(200, {
        'content-type': file.mimetype ?? detectImageType(file.bytes) ?? guessType(file.filename),
        'content-length': file.bytes.length,
        'cache-control': 'private, max-age=3600',
        'x-content-type-options': 'nosniff',
      });
      res.end(file.bytes);
    },
    'POST /playground/api/command': api(async (body) => {
      const { user, channel, text } = Command.parse(body);
      const match = /^\s*(\/[a-z-]+)\s*([\s\S]*)$/.exec(text);
      if (!match) throw new PlaygroundError('Type a slash command, such as /draft or /digest.');
      const [, command, rest] = match as unknown as [string, string, string];
      if (!SLASH_COMMANDS.some((c) => c.command === command)) {
        notify(user, `${command} is not a valid command. In Slack, all messages that start with "/" are interpreted as commands.`);
        return { ok: true };
      }
      person(user);
      const channelName = CHANNELS.find((c) => c.id === channel)?.name ?? 'directmessage';
      const response = await send(
        slashCommand({
          command,
          text: rest.trim(),
          userId: user,
          userName: person(user).displayName,
          channelId: channel,
          channelName,
          responseUrl: emulator.responseUrl({ channel, user }),
          triggerId: trigger(user),
        }),
      );
      showAck(user, channel, response, command);
      return { ok: true };
    }),
    'POST /playground/api/action': api(async (body) => {
      const input = Action.parse(body);
      person(input.user);
      const common = {
        userId: input.user,
        userName: person(input.user).displayName,
        actionId: input.actionId,
        ...(input.blockId !== undefined ? { blockId: input.blockId } : {}),
        triggerId: trigger(input.user),
        ...(input.selected !== undefined ? { selected: input.selected } : {}),
      };
      if (input.home) {
        const view = emulator.state.homes.get(input.user);
        if (!view) throw new PlaygroundError('Open the Home tab first.');
        await send(blockActionsFromHome({ ...common, view }));
      } else if (input.viewId) {
        if (!ownsView(input.user, input.viewId)) throw new PlaygroundError('That dialog is not open for this person.');
        const view = emulator.state.views.get(input.viewId)!;
        await send(blockActionsFromView({ ...common, view, values: inputValues(input.user, input.values ?? {}) }));
      } else {
        const channel = input.channel ?? '';
        const message = emulator.state.message(channel, input.ts ?? '') ?? ephemeralAsMessage(input.user, channel, input.ts ?? '');
        if (!message) throw new PlaygroundError('That message is gone.');
        await send(
          blockActionsFromMessage({
            ...common,
            message: { ...message, channel },
            channelId: channel,
            responseUrl: emulator.responseUrl({ channel, user: input.user, messageTs: message.ts }),
          }),
        );
      }
      changed();
      return { ok: true };
    }),
    'POST /playground/api/submit': api(async (body) => {
      const { user, viewId, values } = Submit.parse(body);
      if (!ownsView(user, viewId)) throw new PlaygroundError('That dialog is not open for this person.');
      const view = emulator.state.views.get(viewId)!;
      const response = await send(
        viewSubmission({ userId: user, userName: person(user).displayName, view, values: inputValues(user, values) }),
      );
      if (response.status !== 200) {
        notify(user, 'We had some trouble connecting. Try again?');
        return { ok: false };
      }
      const answer = (response.json ?? {}) as Parameters<FakeSlackApi['answerSubmission']>[1];
      const outcome = emulator.answerSubmission(viewId, answer);
      if (outcome.invalid) notify(user, `Greenlight answered the dialog with something Slack would refuse (${outcome.invalid}).`);
      if (outcome.errors) viewErrors.set(viewId, outcome.errors);
      else viewErrors.delete(viewId);
      changed();
      return { ok: true, errors: outcome.errors ?? null };
    }),
    'POST /playground/api/close': api(async (body) => {
      const { user, viewId } = Close.parse(body);
      if (!ownsView(user, viewId)) return { ok: true };
      const view = emulator.state.views.get(viewId)!;
      emulator.closeView(viewId);
      viewErrors.delete(viewId);
      if (view.notify_on_close) await send(viewClosed({ userId: user, view }));
      return { ok: true };
    }),
    'POST /playground/api/home': api(async (body) => {
      const { user } = z.object({ user: z.string() }).parse(body);
      person(user);
      await send(appHomeOpened({ userId: user, ...(emulator.state.homes.get(user) ? { view: emulator.state.homes.get(user)! } : {}) }));
      return { ok: true };
    }),
    'POST /playground/api/upload': api(async (body) => {
      const { user, name, type, data } = Upload.parse(body);
      person(user);
      // What Slack keeps for a file picked in a dialog: private to the person and the app.
      return { ok: true, file: emulator.userFile(user, { name, mimetype: type || guessType(name), bytes: Buffer.from(data, 'base64') }) };
    }),
    'POST /playground/api/people': api(async (body) => {
      const input = Person.parse(body);
      if (!isValidTimeZone(input.tz)) throw new PlaygroundError(`${input.tz} is not a time zone (try Europe/Paris or America/Chicago).`);
      const id = `U0P${String(people.length + 1).padStart(3, '0')}${randomBytes(2).toString('hex').toUpperCase()}`;
      const added: PlaygroundPerson = {
        id,
        realName: input.name,
        displayName: input.name.split(/\s+/)[0]!.toLowerCase(),
        tz: input.tz,
        role: input.manager ? 'approver through @managers' : 'colleague',
      };
      people.push(added);
      emulator.addUser(added, input.manager ? [MANAGERS_GROUP.id] : []);
      emulator.state.dms.set(id, `D${id.slice(1)}`);
      keeper?.soon();
      changed();
      return { ok: true, id };
    }),
    ...(teams ? teamsRoutes(teams) : {}),
    'POST /playground/api/publish-next': api(async () => {
      const said = await options.publishNext();
      changed();
      return { ok: true, said };
    }),
  };

  function teamsRoutes(side: TeamsSide): Record<string, Route> {
    const Where = z.object({ user: z.string(), conversation: z.string() });
    const said = (user: string, text: string | undefined) => {
      if (text) notify(user, text);
      changed();
      return { ok: true };
    };
    const adaptiveCards = readFileSync(createRequire(import.meta.url).resolve('adaptivecards/dist/adaptivecards.min.js'));
    return {
      'GET /playground/assets/adaptivecards.js': (_req, res) => {
        res.writeHead(200, {
          'content-type': 'text/javascript; charset=utf-8',
          'content-length': adaptiveCards.length,
          'cache-control': 'public, max-age=86400',
          'x-content-type-options': 'nosniff',
        });
        res.end(adaptiveCards);
      },
      'GET /playground/api/teams/screen': (req, res) => {
        const url = new URL(req.url ?? '/', 'http://localhost');
        const me = people.find((p) => p.id === url.searchParams.get('user')) ?? people[0]!;
        res.setHeader('cache-control', 'no-store');
        sendJson(res, 200, {
          ...side.screen(me.id, url.searchParams.get('conversation') ?? undefined, me.tz, url.searchParams.get('thread') ?? undefined),
          me: { id: me.id, name: me.realName, tz: me.tz, role: me.role },
          people: people.map((p) => ({ id: p.id, name: p.realName, tz: p.tz, role: p.role })),
          notices: notices.filter((n) => n.user === me.id).map((n) => n.text),
          commands: TEAMS_COMMANDS,
        });
      },
      'POST /playground/api/teams/message': api(async (body) => {
        const { user, conversation, text } = Where.extend({ text: z.string().min(1).max(4000) }).parse(body);
        await side.message(user, conversation, text);
        return said(user, undefined);
      }),
      'POST /playground/api/teams/execute': api(async (body) => {
        const input = Where.extend({
          messageId: z.string(),
          verb: z.string(),
          data: z.record(z.string(), z.unknown()).default({}),
          trigger: z.enum(['manual', 'automatic']).default('manual'),
        }).parse(body);
        return said(input.user, await side.execute(input.user, input.conversation, input.messageId, input.verb, input.data, input.trigger));
      }),
      'POST /playground/api/teams/draft': api(async (body) => {
        const { user, conversation } = Where.parse(body);
        return said(user, await side.openDraft(user, conversation));
      }),
      'POST /playground/api/teams/task': api(async (body) => {
        const input = Where.extend({
          name: z.enum(['task/fetch', 'task/submit']),
          kind: z.enum(['task', 'compose']),
          data: z.record(z.string(), z.unknown()).default({}),
        }).parse(body);
        return said(input.user, await side.task(input.user, input.conversation, input.name, input.data, input.kind));
      }),
      'POST /playground/api/teams/close-dialog': api(async (body) => {
        const { user } = z.object({ user: z.string() }).parse(body);
        side.closeDialog(user);
        return said(user, undefined);
      }),
    };
  }

  function closePages() {
    clearTimeout(pending);
    for (const res of listeners) res.end();
    listeners.clear();
  }

  function ephemeralAsMessage(user: string, channel: string, ts: string) {
    const found = emulator.state.ephemeralsFor(user).find((e) => e.channel === channel && e.message_ts === ts);
    return (
      found && {
        ts: found.message_ts,
        channel,
        ...(found.text ? { text: found.text } : {}),
        ...(found.blocks ? { blocks: found.blocks } : {}),
      }
    );
  }

  return {
    slack: {
      mode: 'http',
      botToken,
      signingSecret,
      appToken: undefined,
      apiUrl: emulator.url,
      approvalChannel: APPROVALS_CHANNEL,
      digestChannel: DIGEST_CHANNEL,
      approvers: APPROVERS,
      filesOverHttp: true,
    },
    teams: teams?.config,
    routes,
    emulator,
    async connect(appUrl) {
      eventsUrl = `${appUrl}/slack/events`;
      await teams?.connect(appUrl);
    },
    closePages,
    async stop() {
      closePages();
      unsubscribe();
      unsubscribeChanges();
      unsubscribeTeams?.();
      keeper?.now();
      await emulator.close();
      await teams?.stop();
    },
  };
}

/** A problem the page shows as it is. */
export class PlaygroundError extends Error {}

function guessType(name: string): string {
  const ext = name.split('.').pop()?.toLowerCase();
  return (
    (
      {
        png: 'image/png',
        jpg: 'image/jpeg',
        jpeg: 'image/jpeg',
        gif: 'image/gif',
        webp: 'image/webp',
        mp4: 'video/mp4',
        m4v: 'video/mp4',
        mov: 'video/quicktime',
      } as Record<string, string>
    )[ext ?? ''] ?? 'application/octet-stream'
  );
}
