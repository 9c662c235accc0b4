import type { ModalView, Option, InputBlock, KnownBlock } from '@slack/types';
import type { NetworkId } from '../../../domain/network.js';
import { NETWORK_LABELS } from '../../../domain/network.js';
import type { NetworkUsage } from '../../../workflows/post-view.js';
import { BLOCK, CALLBACK, INPUT_ACTION } from '../ids.js';
import { context, LIMITS, plain, truncate } from './block-kit.js';

/** What the draft dialog carries between Slack round-trips (in `private_metadata`). */
export interface DraftModalState {
  mode: 'create' | 'edit';
  postId?: number;
  /** The revision being edited: a resubmission from a stale dialog is refused. */
  revisionId?: number;
  /** The author's IANA zone, from users.info: the publish time is shown and stored in it. */
  timezone: string;
  /** The text came from an AI suggestion. */
  aiAssisted?: boolean;
}

export interface DraftModalInput extends DraftModalState {
  text: string;
  available: readonly NetworkId[];
  selected: readonly NetworkId[];
  publishAt: Date | null;
  mediaUrl: string | null;
  /** Per selected network: how much of its budget the text uses. */
  usage: readonly NetworkUsage[];
  /** Shown under the text when AI captions are off: which variable turns them on. */
  aiHint?: string;
}

const NETWORK_OPTION_LABEL: Partial<Record<NetworkId, string>> = { sandbox: 'Sandbox (publishes nowhere)' };
const numbers = new Intl.NumberFormat('en-US');

function networkOption(network: NetworkId): Option {
  return { text: plain(NETWORK_OPTION_LABEL[network] ?? NETWORK_LABELS[network], 75), value: network };
}

/** "X 212/280 · Bluesky 212/300 ✓" — the live limits shown under the text. */
export function usageHint(usage: readonly NetworkUsage[]): string {
  if (!usage.length) return 'Choose networks below to see their limits.';
  return usage
    .map((u) => `${u.label} ${numbers.format(u.used)}/${numbers.format(u.limit)}${u.ok ? '' : ' ✗ too long'}`)
    .join(' · ');
}

export function encodeDraftState(state: DraftModalState): string {
  const json = JSON.stringify({
    m: state.mode,
    p: state.postId,
    r: state.revisionId,
    tz: state.timezone,
    ai: state.aiAssisted ? 1 : undefined,
  });
  if (json.length > LIMITS.privateMetadata) throw new Error('draft dialog state does not fit private_metadata');
  return json;
}

export function decodeDraftState(metadata: string): DraftModalState | undefined {
  try {
    const raw = JSON.parse(metadata) as { m?: string; p?: number; r?: number; tz?: string; ai?: number };
    if ((raw.m !== 'create' && raw.m !== 'edit') || typeof raw.tz !== 'string') return undefined;
    return { mode: raw.m, postId: raw.p, revisionId: raw.r, timezone: raw.tz, aiAssisted: raw.ai === 1 };
  } catch {
    return undefined;
  }
}

/** The draft dialog: text with live limits, networks, publish time in the author's zone, image. */
export function buildDraftModal(input: DraftModalInput): ModalView {
  const options = input.available.map(networkOption);
  const initial = options.filter((o) => input.selected.includes(o.value as NetworkId));

  const text: InputBlock = {
    type: 'input',
    block_id: BLOCK.text,
    label: plain('Text'),
    // Typing refreshes the limits in the hint (Slack sends an action as the author types).
    dispatch_action: true,
    element: {
      type: 'plain_text_input',
      action_id: INPUT_ACTION,
      multiline: true,
      max_length: LIMITS.plainTextInput,
      ...(input.text ? { initial_value: truncate(input.text, LIMITS.plainTextInput) } : {}),
      placeholder: plain('Our spring sale starts Monday!'),
      dispatch_action_config: { trigger_actions_on: ['on_character_entered'] },
    },
    hint: plain(usageHint(input.usage), 2000),
  };

  const networks: InputBlock = {
    type: 'input',
    block_id: BLOCK.networks,
    label: plain('Networks'),
    dispatch_action: true,
    element: {
      type: 'checkboxes',
      action_id: INPUT_ACTION,
      options,
      ...(initial.length ? { initial_options: initial } : {}),
    },
  };

  const publishAt: InputBlock = {
    type: 'input',
    block_id: BLOCK.publishAt,
    label: plain('Publish at'),
    optional: true,
    element: {
      type: 'datetimepicker',
      action_id: INPUT_ACTION,
      ...(input.publishAt ? { initial_date_time: Math.floor(input.publishAt.getTime() / 1000) } : {}),
    },
    hint: plain(`Shown in your time zone (${input.timezone}). Leave empty to publish as soon as it is approved.`),
  };

  const mediaUrl: InputBlock = {
    type: 'input',
    block_id: BLOCK.mediaUrl,
    label: plain('Image link'),
    optional: true,
    element: {
      type: 'url_text_input',
      action_id: INPUT_ACTION,
      ...(input.mediaUrl ? { initial_value: input.mediaUrl } : {}),
      placeholder: plain('https://…/image.jpg'),
    },
    hint: plain('Instagram and Pinterest need an image.'),
  };

  const blocks: KnownBlock[] = [text, networks, publishAt, mediaUrl];
  if (input.aiHint) blocks.push(context(input.aiHint));

  return {
    type: 'modal',
    callback_id: CALLBACK.draft,
    title: plain(input.mode === 'edit' && input.postId ? `Edit post #${input.postId}` : 'New post', LIMITS.modalTitle),
    submit: plain(input.mode === 'edit' ? 'Resubmit' : 'Submit for approval', LIMITS.modalTitle),
    close: plain('Cancel', LIMITS.modalTitle),
    private_metadata: encodeDraftState(input),
    blocks,
  };
}

