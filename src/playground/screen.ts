/**
 * What one person sees in the playground right now, rendered: the channel they are in (with
 * their own ephemeral messages), a thread, their open modal, their App Home, and the sandbox's
 * outbox. Built from the emulator's state on each request; the page draws it as it comes.
 */
import type { SandboxPost } from '../platforms/sandbox/publisher.js';
import { blocksToHtml, type RenderContext } from './render/blocks.js';
import { escapeHtml } from './render/html.js';
import { mrkdwnToHtml, type MentionNames } from './render/mrkdwn.js';
import type { FakeSlackApi, FakeView } from './slack-emulator/index.js';
import { CHANNELS, MANAGERS_GROUP, type PlaygroundPerson } from './workspace-seed.js';

export interface RenderedMessage {
  ts: string;
  time: string;
  html: string;
  replies: number;
  /** Only this person sees it (Slack's ephemeral messages). */
  ephemeral: boolean;
  edited: boolean;
}

export interface Screen {
  me: { id: string; name: string; tz: string; role: string };
  people: Array<{ id: string; name: string; tz: string; role: string }>;
  channels: Array<{ id: string; name: string; kind: 'channel' | 'dm' }>;
  channel: { id: string; name: string; messages: RenderedMessage[] };
  thread: { parentTs: string; parent: RenderedMessage; replies: RenderedMessage[] } | null;
  tab: 'messages' | 'home';
  home: { viewId: string; html: string } | null;
  modal: { viewId: string; title: string; submit: string | null; close: string; html: string; depth: number } | null;
  notices: string[];
  outbox: Array<{
    network: string;
    postId: number | null;
    publicationId: number;
    text: string;
    characters: number;
    images: Array<{ alt: string | null }>;
    at: string;
  }>;
}

export interface ScreenInput {
  emulator: FakeSlackApi;
  people: readonly PlaygroundPerson[];
  me: PlaygroundPerson;
  channel: string;
  thread: string | undefined;
  tab: 'messages' | 'home';
  stack: readonly string[];
  viewErrors: ReadonlyMap<string, Record<string, string>>;
  notices: ReadonlyArray<{ text: string }>;
  outbox: readonly SandboxPost[];
}

/** The DM channel between Greenlight and a person, as the emulator knows it. */
export const dmOf = (emulator: FakeSlackApi, userId: string): string => emulator.state.dms.get(userId) ?? `D${userId.slice(1)}`;

const plain = (text: unknown): string =>
  text && typeof text === 'object' && typeof (text as { text?: unknown }).text === 'string' ? (text as { text: string }).text : '';

export function renderScreen(input: ScreenInput): Screen {
  const { emulator, me } = input;
  const names: MentionNames = {
    user: (id) => input.people.find((p) => p.id === id)?.realName ?? (id === emulator.workspace.botUserId ? 'Greenlight' : id),
    group: (id) => (id === MANAGERS_GROUP.id ? MANAGERS_GROUP.handle : id),
    channel: (id) => CHANNELS.find((c) => c.id === id)?.name ?? id,
  };
  const ctx: RenderContext = { names, zone: me.tz };
  const dm = dmOf(emulator, me.id);
  const channels: Screen['channels'] = [
    ...CHANNELS.map((c) => ({ id: c.id, name: c.name, kind: 'channel' as const })),
    { id: dm, name: 'Greenlight', kind: 'dm' },
  ];
  const current = channels.find((c) => c.id === input.channel) ?? channels[0]!;
  const clock = new Intl.DateTimeFormat('en-GB', { timeZone: me.tz, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const time = (ts: string) => clock.format(new Date(Number(ts) * 1000));

  const render = (
    m: { ts: string; text?: string; blocks?: unknown[]; files?: Array<{ id: string; name: string; mimetype: string }>; edited?: unknown },
    ephemeral: boolean,
    replies = 0,
  ): RenderedMessage => {
    const body = m.blocks?.length ? blocksToHtml(m.blocks, ctx) : `<div class="sk-section-text">${mrkdwnToHtml(m.text ?? '', names)}</div>`;
    const files = (m.files ?? [])
      .map((f) =>
        f.mimetype.startsWith('image/')
          ? `<figure class="sk-file-image"><img src="/playground/files/${encodeURIComponent(f.id)}" alt="${escapeHtml(f.name)}"><figcaption>${escapeHtml(f.name)}</figcaption></figure>`
          : `<div class="sk-file-other">📎 ${escapeHtml(f.name)}</div>`,
      )
      .join('');
    return { ts: m.ts, time: time(m.ts), html: body + files, replies, ephemeral, edited: Boolean(m.edited) };
  };

  const mine = (thread: string | undefined) =>
    emulator.state
      .ephemeralsFor(me.id)
      .filter((e) => e.channel === current.id && e.thread_ts === thread)
      .map((e) => render({ ts: e.message_ts, ...(e.text ? { text: e.text } : {}), ...(e.blocks ? { blocks: e.blocks } : {}) }, true));
  const byTs = (a: RenderedMessage, b: RenderedMessage) => Number(a.ts) - Number(b.ts);

  const messages = [
    ...emulator.state.messagesIn(current.id).map((m) => render(m, false, emulator.state.thread(current.id, m.ts).length)),
    ...mine(undefined),
  ].sort(byTs);

  let thread: Screen['thread'] = null;
  const parent = input.thread ? emulator.state.message(current.id, input.thread) : undefined;
  if (parent) {
    thread = {
      parentTs: parent.ts,
      parent: render(parent, false),
      replies: [...emulator.state.thread(current.id, parent.ts).map((m) => render(m, false)), ...mine(parent.ts)].sort(byTs),
    };
  }

  const homeView = emulator.state.homes.get(me.id);
  const top = input.stack.length ? emulator.state.views.get(input.stack.at(-1)!) : undefined;
  const modal = (view: FakeView) => ({
    viewId: view.id,
    title: plain(view.title) || 'Greenlight',
    submit: plain(view.submit) || null,
    close: plain(view.close) || 'Cancel',
    html: blocksToHtml(view.blocks, { ...ctx, errors: input.viewErrors.get(view.id) ?? {} }),
    depth: input.stack.length,
  });

  return {
    me: { id: me.id, name: me.realName, tz: me.tz, role: me.role },
    people: input.people.map((p) => ({ id: p.id, name: p.realName, tz: p.tz, role: p.role })),
    channels,
    channel: { id: current.id, name: current.name, messages },
    thread,
    tab: input.tab,
    home: homeView ? { viewId: homeView.id, html: blocksToHtml(homeView.blocks, ctx) } : null,
    modal: top ? modal(top) : null,
    notices: input.notices.map((n) => n.text),
    outbox: [...input.outbox].reverse().map((p) => ({
      network: 'sandbox',
      postId: p.postId ?? null,
      publicationId: p.publicationId,
      text: p.text,
      characters: Array.from(p.text).length,
      images: p.images.map((i) => ({ alt: i.alt })),
      at: p.at.toISOString(),
    })),
  };
}
