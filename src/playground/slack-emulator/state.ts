// FakeMessage and FakeView are type aliases (not interfaces) so they stay assignable to
// loose `{ [key: string]: unknown }` shapes, e.g. the signed-request builders' inputs.

/**
 * What a user would see in the fake workspace, for tests to assert on and for a
 * playground to render. Messages, views and ephemerals keep Slack's own field names.
 */
export type FakeMessage = {
  type: 'message';
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  /** Set on thread replies (pointing at the parent) and on parents that have replies. */
  thread_ts?: string;
  reply_count?: number;
  latest_reply?: string;
  user: string;
  bot_id: string;
  app_id: string;
  team: string;
  edited?: { user: string; ts: string };
  files?: FakeFileInfo[];
  metadata?: unknown;
};

export interface FakeEphemeral {
  channel: string;
  user: string;
  message_ts: string;
  text?: string;
  blocks?: unknown[];
  thread_ts?: string;
}

export type FakeView = {
  id: string;
  team_id: string;
  type: 'modal' | 'home';
  title?: unknown;
  submit?: unknown;
  close?: unknown;
  blocks: unknown[];
  private_metadata: string;
  callback_id: string;
  external_id: string;
  state: { values: Record<string, Record<string, unknown>> };
  hash: string;
  clear_on_close: boolean;
  notify_on_close: boolean;
  root_view_id: string;
  previous_view_id: string | null;
  app_id: string;
  app_installed_team_id: string;
  bot_id: string;
};

export interface FakeFileInfo {
  id: string;
  name: string;
  title: string;
  mimetype: string;
  size: number;
  permalink: string;
  url_private: string;
}

export interface FakeFile {
  id: string;
  filename: string;
  /** The length declared to files.getUploadURLExternal. */
  declaredLength: number;
  alt_text?: string;
  title?: string;
  /** Present once the bytes were posted to the upload URL. */
  bytes?: Buffer;
  /** True once files.completeUploadExternal finished it. */
  completed: boolean;
  channel?: string;
  thread_ts?: string;
  initial_comment?: string;
  /** A file a person uploaded (through a modal's file_input): who, and the type they claimed. */
  user?: string;
  mimetype?: string;
  /** How its private download answers instead of the bytes (a download failure). */
  serve?: { status: number; body?: string; contentType?: string };
}

/** What survives a restart of the playground: the conversations, Home tabs and shared files. */
export interface WorkspaceSnapshot {
  channels: Array<[string, FakeMessage[]]>;
  homes: Array<[string, FakeView]>;
  dms: Array<[string, string]>;
  /** Files shared in messages (the digest's charts), bytes in base64. */
  files: Array<[string, Omit<FakeFile, 'bytes'> & { bytes: string }]>;
}

export class FakeSlackState {
  /** Every message per channel in posting order, thread replies included. */
  readonly channels = new Map<string, FakeMessage[]>();
  /** Modal views by view id, as last opened, pushed or updated. */
  readonly views = new Map<string, FakeView>();
  /** Published App Home views by user id. */
  readonly homes = new Map<string, FakeView>();
  /** Ephemeral messages by the user who saw them. */
  readonly ephemerals = new Map<string, FakeEphemeral[]>();
  readonly files = new Map<string, FakeFile>();
  /** DM channel id per user, as conversations.open answers it. */
  readonly dms = new Map<string, string>();
  /** Open modal stacks (root first); views.push adds to the newest one. */
  readonly modalStacks: string[][] = [];
  readonly usedTriggerIds = new Set<string>();

  /** Top-level messages in a channel (thread replies excluded). */
  messagesIn(channel: string): FakeMessage[] {
    return (this.channels.get(channel) ?? []).filter((m) => m.thread_ts === undefined || m.thread_ts === m.ts);
  }

  /** Replies in the thread under `parentTs`, oldest first. */
  thread(channel: string, parentTs: string): FakeMessage[] {
    return (this.channels.get(channel) ?? []).filter((m) => m.thread_ts === parentTs && m.ts !== parentTs);
  }

  message(channel: string, ts: string): FakeMessage | undefined {
    return this.channels.get(channel)?.find((m) => m.ts === ts);
  }

  /** The most recent top-level message in a channel, the usual thing a test inspects. */
  lastMessage(channel: string): FakeMessage | undefined {
    return this.messagesIn(channel).at(-1);
  }

  ephemeralsFor(user: string): FakeEphemeral[] {
    return this.ephemerals.get(user) ?? [];
  }

  addMessage(message: FakeMessage): void {
    const list = this.channels.get(message.channel) ?? [];
    list.push(message);
    this.channels.set(message.channel, list);
  }

  addEphemeral(ephemeral: FakeEphemeral): void {
    this.ephemerals.set(ephemeral.user, [...this.ephemeralsFor(ephemeral.user), ephemeral]);
  }

  snapshot(): WorkspaceSnapshot {
    return {
      channels: [...this.channels],
      homes: [...this.homes],
      dms: [...this.dms],
      files: [...this.files]
        .filter(([, f]) => f.channel !== undefined && f.bytes !== undefined)
        .map(([id, f]) => [id, { ...f, bytes: f.bytes!.toString('base64') }]),
    };
  }

  restore(snapshot: WorkspaceSnapshot): void {
    for (const [id, messages] of snapshot.channels) this.channels.set(id, messages);
    for (const [user, view] of snapshot.homes) this.homes.set(user, view);
    for (const [user, channel] of snapshot.dms) this.dms.set(user, channel);
    for (const [id, file] of snapshot.files) this.files.set(id, { ...file, bytes: Buffer.from(file.bytes, 'base64') });
  }

  clear(): void {
    this.channels.clear();
    this.views.clear();
    this.homes.clear();
    this.ephemerals.clear();
    this.files.clear();
    this.dms.clear();
    this.modalStacks.length = 0;
    this.usedTriggerIds.clear();
  }
}
