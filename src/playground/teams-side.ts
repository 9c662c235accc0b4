/**
 * The playground's Teams: Greenlight's own Teams front end in local mode (no app id, as with
 * Microsoft's Agents Playground), talking to the in-process Teams emulator. The page's
 * messages, card clicks and dialogs become the activities Teams posts to `/api/messages`;
 * what Greenlight sends lands in the emulator, and the page draws its Adaptive Cards with
 * Microsoft's own renderer. The same people as the Slack side, under their AAD object ids.
 */
import type { TeamsConfig } from '../config.js';
import type { Logger } from '../observability/logger.js';
import {
  adaptiveCardAction,
  channelMention,
  composeFetchTask,
  composeSubmitAction,
  personalMessage,
  postActivity,
  taskInvoke,
  teamsEnvironment,
  type TeamsActivity,
  type TeamsEnvironment,
} from './teams-emulator/activities.js';
import {
  adaptiveCardOf,
  startTeamsEmulator,
  type FakeTeamsMessage,
  type TeamsEmulator,
  type TeamsSnapshot,
} from './teams-emulator/index.js';
import type { PlaygroundPerson } from './workspace-seed.js';

/** Each seeded person's AAD object id: stable, so Greenlight knows them again after a restart. */
const AAD_IDS: Record<string, string> = {
  U0ANN: 'a3c1e5f7-2b4d-4e6f-8a1c-3e5f7a9b1d20',
  U0ALICE: 'b4d2f6a8-3c5e-4f7a-9b2d-4f6a8b0c2e31',
  U0CAROL: 'd6f4b8c0-5e7a-4b9c-9d4f-6b8c0d2e4a53',
  U0COLIN: 'e7a5c9d1-6f8b-4cad-8e5a-7c9d1e3f5b64',
};
const GENERAL = '19:5d1f0c3b7a2e4e0f9c8b6a4d2e1f3a5b@thread.tacv2';
const APPROVALS = '19:8e2a4c6d0b1f4a3c9e7d5b3a1c9e7f20@thread.tacv2';
const DIGEST = '19:1b3d5f7a9c0e4b2d8f6a4c2e0b8d6f31@thread.tacv2';

export interface TeamsDialog {
  kind: 'task' | 'compose';
  title: string;
  card: unknown;
  /** Where it was opened: its submit goes there too. */
  conversation: string;
}

export interface TeamsMessageView {
  id: string;
  time: string;
  author: string;
  text: string;
  card: unknown | null;
  fromBot: boolean;
  replies: number;
  edited: boolean;
  /** Teams would refresh this card for the viewer by itself (Universal Actions). */
  refreshFor: boolean;
}

export interface TeamsScreen {
  conversations: Array<{ id: string; name: string; kind: 'channel' | 'chat' }>;
  conversation: { id: string; name: string; kind: 'channel' | 'chat' };
  messages: TeamsMessageView[];
  /** The thread open on the side: its root and replies. */
  thread: { root: TeamsMessageView; replies: TeamsMessageView[] } | null;
  dialog: TeamsDialog | null;
}

export interface TeamsSide {
  readonly config: TeamsConfig;
  readonly emulator: TeamsEmulator;
  connect(appUrl: string): Promise<void>;
  screen(user: string, conversation: string | undefined, zone: string, thread?: string): TeamsScreen;
  message(user: string, conversation: string, text: string): Promise<void>;
  execute(
    user: string,
    conversation: string,
    messageId: string,
    verb: string,
    data: Record<string, unknown>,
    trigger: 'manual' | 'automatic',
  ): Promise<string | undefined>;
  openDraft(user: string, conversation: string): Promise<string | undefined>;
  task(
    user: string,
    conversation: string,
    name: 'task/fetch' | 'task/submit',
    data: Record<string, unknown>,
    kind: 'task' | 'compose',
  ): Promise<string | undefined>;
  closeDialog(user: string): void;
  snapshot(): TeamsSnapshot;
  restore(snapshot: TeamsSnapshot): void;
  stop(): Promise<void>;
}

type Invoke = { task?: { type: 'continue' | 'message'; value: unknown }; statusCode?: number; type?: string; value?: unknown };

export async function startTeamsSide(people: readonly PlaygroundPerson[], logger: Logger): Promise<TeamsSide> {
  const seeded = people.filter((p) => AAD_IDS[p.id]);
  const emulator = await startTeamsEmulator({
    credentials: false,
    users: seeded.map((p) => ({
      aadObjectId: AAD_IDS[p.id]!,
      name: p.realName,
      email: p.email ?? `${p.displayName}@example.com`,
      userPrincipalName: p.email ?? `${p.displayName}@example.com`,
      timezone: p.tz,
    })),
    teams: [
      {
        id: GENERAL,
        name: 'Marketing',
        aadGroupId: 'f8b6d0e2-7a9c-4dbe-9f6b-8d0e2f4a6c75',
        channels: [{ id: GENERAL }, { id: APPROVALS, name: 'Social approvals' }, { id: DIGEST, name: 'Social digest' }],
      },
    ],
  });
  const env: TeamsEnvironment = teamsEnvironment(emulator);
  let messagesUrl = '';
  /** Cards as one person sees them (Universal Actions answer a click or a refresh with that person's card). */
  const personal = new Map<string, { card: unknown; version: number }>();
  const dialogs = new Map<string, TeamsDialog>();

  const aad = (user: string) => {
    const id = AAD_IDS[user];
    if (!id) throw new TeamsSideError('This person is only in the Slack workspace of the playground.');
    return id;
  };
  const send = async (activity: TeamsActivity) => {
    if (!messagesUrl) throw new TeamsSideError('Greenlight is still starting');
    return postActivity(messagesUrl, activity);
  };
  /** A person's own message shows in the conversation too (the connector only sees the bot's). */
  const said = (activity: TeamsActivity) => {
    const conversation = (activity.conversation as { id: string }).id.split(';messageid=')[0]!;
    const channel = emulator.directory.findChannel(conversation);
    emulator.state.add({
      id: String(activity.id),
      conversationId: conversation,
      threadRootId: channel ? ((activity.replyToId as string | undefined) ?? String(activity.id)) : undefined,
      activity: {
        id: String(activity.id),
        type: 'message',
        text: String(activity.text ?? '').replace(/^<at>[^<]*<\/at>\s*/, ''),
        from: activity.from,
      },
      history: [],
      deleted: false,
      fromId: (activity.from as { id: string }).id,
      at: Date.now(),
    });
    return send(activity);
  };
  const where = (conversation: string) => (emulator.directory.findChannel(conversation) ? { channel: conversation } : undefined);
  const dialogFrom = (user: string, answer: Invoke | undefined, kind: 'task' | 'compose', conversation: string): string | undefined => {
    const task = answer?.task;
    if (task?.type === 'continue') {
      const value = task.value as { title?: string; card?: { content?: unknown } };
      dialogs.set(user, { kind, title: value.title ?? 'Greenlight', card: value.card?.content ?? null, conversation });
      return undefined;
    }
    dialogs.delete(user);
    return task?.type === 'message' ? String(task.value) : undefined;
  };

  return {
    config: { mode: 'local', approvers: [AAD_IDS.U0ALICE!, AAD_IDS.U0CAROL!], playground: true },
    emulator,
    async connect(appUrl) {
      messagesUrl = `${appUrl}/api/messages`;
      // The first time only: an approver picks the channels for cards and for the digest, as a team does after installing.
      if (emulator.state.conversations.get(APPROVALS)?.length) return;
      try {
        await said(channelMention(env, { from: AAD_IDS.U0ALICE!, channel: APPROVALS, text: 'use this channel for approvals' }));
        await said(channelMention(env, { from: AAD_IDS.U0ALICE!, channel: DIGEST, text: 'use this channel for the digest' }));
      } catch (error) {
        logger.warn('playground: could not set up the Teams channels', { error });
      }
    },
    screen(user, conversation, zone, thread) {
      const me = AAD_IDS[user];
      const chat = me ? (emulator.state.personalChats.get(me) ?? emulator.directory.personalChatId(me)) : undefined;
      const conversations: TeamsScreen['conversations'] = [
        ...emulator.directory.teams[0]!.channels.map((c) => ({ id: c.id, name: c.name ?? 'General', kind: 'channel' as const })),
        ...(chat ? [{ id: chat, name: 'Greenlight', kind: 'chat' as const }] : []),
      ];
      const current = conversations.find((c) => c.id === conversation) ?? conversations.find((c) => c.id === APPROVALS)!;
      const clock = new Intl.DateTimeFormat('en-GB', { timeZone: zone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
      const view = (m: FakeTeamsMessage): TeamsMessageView => {
        const mine = personal.get(`${user}/${m.id}`);
        const posted = adaptiveCardOf(m) ?? null;
        const card = mine && mine.version === m.history.length ? mine.card : posted;
        const refresh = posted && (posted as { refresh?: { userIds?: string[] } }).refresh;
        const userId = me ? emulator.directory.findUser(me)?.id : undefined;
        return {
          id: m.id,
          time: clock.format(new Date(m.at)),
          author:
            m.fromId === emulator.directory.bot.id ? 'Greenlight' : (emulator.directory.findUser(String(m.fromId))?.name ?? 'Someone'),
          text: typeof m.activity.text === 'string' ? m.activity.text : '',
          card,
          fromBot: m.fromId === emulator.directory.bot.id,
          replies: current.kind === 'channel' ? emulator.state.thread(current.id, m.id).length : 0,
          edited: m.history.length > 0,
          // Teams refreshes a card by itself for the people it lists, once per version.
          refreshFor: Boolean(refresh && !mine && userId && (refresh.userIds ?? []).includes(userId)),
        };
      };
      return {
        conversations,
        conversation: current,
        messages: emulator.state.messagesIn(current.id).map(view),
        thread: (() => {
          const root = thread ? emulator.state.message(current.id, thread) : undefined;
          return root && current.kind === 'channel'
            ? { root: view(root), replies: emulator.state.thread(current.id, root.id).map(view) }
            : null;
        })(),
        dialog: dialogs.get(user) ?? null,
      };
    },
    async message(user, conversation, text) {
      const from = aad(user);
      const channel = where(conversation);
      await said(channel ? channelMention(env, { from, channel: channel.channel, text }) : personalMessage(env, { from, text }));
    },
    async execute(user, conversation, messageId, verb, data, trigger) {
      const message = emulator.state.message(conversation, messageId);
      if (!message) throw new TeamsSideError('That message is gone.');
      const response = await send(
        adaptiveCardAction(env, {
          from: aad(user),
          on: {
            id: message.id,
            conversationId: message.conversationId,
            ...(message.threadRootId ? { threadRootId: message.threadRootId } : {}),
          },
          verb,
          data,
          trigger,
        }),
      );
      const answer = response.json as Invoke | undefined;
      if (answer?.type === 'application/vnd.microsoft.card.adaptive') {
        personal.set(`${user}/${message.id}`, { card: answer.value, version: message.history.length });
        return undefined;
      }
      if (answer?.type === 'application/vnd.microsoft.error')
        return (answer.value as { message?: string })?.message ?? 'Greenlight refused that.';
      if (answer?.type === 'application/vnd.microsoft.activity.message') return String(answer.value);
      return response.status >= 400 ? 'Greenlight could not take that click.' : undefined;
    },
    async openDraft(user, conversation) {
      const channel = where(conversation);
      const response = await send(composeFetchTask(env, { from: aad(user), ...(channel ? { where: channel } : {}) }));
      return dialogFrom(user, response.json as Invoke | undefined, 'compose', conversation);
    },
    async task(user, conversation, name, data, kind) {
      const channel = where(conversation);
      const from = aad(user);
      const activity =
        kind === 'compose' && name === 'task/submit'
          ? composeSubmitAction(env, { from, data, ...(channel ? { where: channel } : {}) })
          : taskInvoke(env, { from, name, data, ...(channel ? { where: channel } : {}) });
      const response = await send(activity);
      return dialogFrom(user, response.json as Invoke | undefined, kind, conversation);
    },
    closeDialog(user) {
      dialogs.delete(user);
    },
    snapshot: () => emulator.state.snapshot(),
    restore: (snapshot) => emulator.state.restore(snapshot),
    stop: () => emulator.close(),
  };
}

export class TeamsSideError extends Error {}
