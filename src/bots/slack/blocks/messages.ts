/**
 * Lines of news (written once for every chat in src/bots/presentation) as Slack messages:
 * `{ text, blocks }` for chat.postMessage, buttons included.
 */
import type { Button, KnownBlock } from '@slack/types';
import type { Line, LineAction, LineActionKind } from '../../presentation/line.js';
import { ACTION, encodeRef } from '../ids.js';
import { actions, button, escapeMrkdwn, section } from './block-kit.js';

export interface Message {
  text: string;
  blocks: KnownBlock[];
}

/** Slack renders at most 50 blocks in a message. */
const MAX_BLOCKS = 50;

/**
 * Several messages as few as possible: each result holds as many of them, in order and with
 * a divider between, as fit in one Slack message.
 */
export function joinMessages(messages: readonly Message[]): Message[] {
  return joinStamped(messages.map((message) => ({ message, ids: [] }))).map((j) => j.message);
}

/** Messages with the outbox rows they report; joined, each keeps the ids of all it holds. */
export interface Stamped {
  message: Message;
  ids: number[];
}

export function joinStamped(entries: readonly Stamped[]): Stamped[] {
  const joined: Stamped[] = [];
  for (const { message, ids } of entries) {
    const last = joined.at(-1);
    if (last && last.message.blocks.length + 1 + message.blocks.length <= MAX_BLOCKS) {
      last.message.text += `\n${message.text}`;
      last.message.blocks.push({ type: 'divider' }, ...message.blocks);
      last.ids.push(...ids);
    } else {
      joined.push({ message: { text: message.text, blocks: [...message.blocks] }, ids: [...ids] });
    }
  }
  return joined;
}

const ACTION_IDS: Record<LineActionKind, string> = {
  edit_draft: ACTION.editDraft,
  retry: ACTION.retry,
  mark_published: ACTION.markPublished,
  publish_now: ACTION.publishNow,
  reschedule: ACTION.reschedule,
  approve_now: ACTION.approveNow,
};

/** What a button carries: the publication for publishing decisions, else the post's revision. */
function buttonValue(a: LineAction): string {
  if (a.publicationId !== undefined) return `${a.postId}:${a.publicationId}`;
  return encodeRef({ postId: a.postId, revisionId: a.revisionId! });
}

function toButton(a: LineAction): Button {
  return button({
    text: a.label,
    actionId: ACTION_IDS[a.kind],
    value: buttonValue(a),
    ...(a.style ? { style: a.style } : {}),
    ...(a.confirm
      ? {
          confirm: {
            title: a.confirm.title,
            text: a.confirm.text,
            confirm: a.confirm.confirm,
            deny: a.confirm.deny,
            ...(a.confirm.danger ? { style: 'danger' as const } : {}),
          },
        }
      : {}),
  });
}

/** A line (in Slack markup) as a message: its text, and its buttons below it. */
export function slackMessage(line: Line): Message {
  const blocks: KnownBlock[] = [section(line.text)];
  if (line.actions?.length) blocks.push(actions(undefined, line.actions.map(toButton)));
  return { text: line.text, blocks };
}

/** A refusal or problem, shown privately to the person who clicked. */
export function privateNotice(text: string): Message {
  return slackMessage({ text: escapeMrkdwn(text) });
}
