import type { ModalView, Option, InputBlock, KnownBlock, PlainTextOption } from '@slack/types';
import type { NetworkId } from '../../../domain/network.js';
import type { TextVariants, YouTubeDetails } from '../../../domain/post.js';
import { youtubeBlocks } from './youtube-fields.js';
import { NETWORK_LABELS } from '../../../domain/network.js';
import { TONES, type CaptionSuggestion, type Tone } from '../../../workflows/captions/types.js';
import type { NetworkUsage } from '../../../workflows/post-view.js';
import { BLOCK, CALLBACK, INPUT_ACTION } from '../ids.js';
import { actions, button, capBlocks, context, divider, escapeMrkdwn, LIMITS, plain, section, truncate } from './block-kit.js';

/** The caption suggestion controls in the draft dialog. */
export const CAPTION_ACTION = {
  suggest: 'gl_suggest_captions',
  use: 'gl_use_caption',
} as const;

export const CAPTION_BLOCK = {
  tone: 'caption_tone',
  actions: 'caption_actions',
  /** One per suggestion: `caption_<n>`. */
  suggestionPrefix: 'caption_',
} as const;

/**
 * The text input's block id. Slack keeps what a person typed across views.update as long
 * as the block and action ids stay the same, and then ignores `initial_value`; so putting
 * a suggestion into the field needs a new block id, `text_<version>`.
 */
export function textBlockId(version: string | undefined): string {
  return version ? `${BLOCK.text}_${version}` : BLOCK.text;
}

/** Matches every version of the text block's id. */
export const TEXT_BLOCK_PATTERN = /^text(?:_[a-z0-9]+)?$/;

/** The suggestions part of the dialog, as kept in `private_metadata` (suggestions themselves stay server-side). */
export type CaptionsState =
  | { status: 'writing' }
  | { status: 'ready'; batchId: string }
  | { status: 'failed'; reason: string }
  /** Something to fix before asking (no text, no network). */
  | { status: 'notice'; message: string };

/** What the suggestions part shows, resolved from CaptionsState. */
export type CaptionPanel =
  | { status: 'idle' }
  | { status: 'writing' }
  | { status: 'failed'; reason: string }
  | { status: 'notice'; message: string }
  | { status: 'ready'; suggestions: readonly CaptionSuggestion[] };

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
  /** Which version of the text block is shown (see textBlockId); changes when a suggestion is used. */
  textVersion?: string;
  captions?: CaptionsState;
  /** Images the post already has (editing): kept unless new files are picked. */
  existingImages?: number;
  /** The post already has a video (editing): kept unless new files are picked. */
  existingVideo?: boolean;
}

export interface DraftModalInput extends DraftModalState {
  text: string;
  available: readonly NetworkId[];
  selected: readonly NetworkId[];
  publishAt: Date | null;
  mediaUrl: string | null;
  /** Each network's own text, where the author gave one. */
  variants?: TextVariants;
  /** YouTube's fields as the post has them (editing). */
  youtube?: YouTubeDetails | null;
  /** Per selected network: how much of its budget the text uses. */
  usage: readonly NetworkUsage[];
  /** Shown under the text when AI captions are off: which variable turns them on. */
  aiHint?: string;
  /** Present when AI captions are on. */
  ai?: { tone: Tone; panel: CaptionPanel };
}

const TONE_LABELS: Record<Tone, string> = { professional: 'Professional', friendly: 'Friendly', playful: 'Playful' };
/** Reasons and notices are short; the cap keeps the state well inside private_metadata. */
const MAX_STATE_MESSAGE = 500;

const NETWORK_OPTION_LABEL: Partial<Record<NetworkId, string>> = { sandbox: 'Sandbox (publishes nowhere)' };
const numbers = new Intl.NumberFormat('en-US');

function networkOption(network: NetworkId): Option {
  return { text: plain(NETWORK_OPTION_LABEL[network] ?? NETWORK_LABELS[network], 75), value: network };
}

/** "X 212/280 · Bluesky 212/300 ✓" — the live limits shown under the text. */
export function usageHint(usage: readonly NetworkUsage[]): string {
  if (!usage.length) return 'Choose networks below to see their limits.';
  return usage.map((u) => `${u.label} ${numbers.format(u.used)}/${numbers.format(u.limit)}${u.ok ? '' : ' ✗ too long'}`).join(' · ');
}

type EncodedCaptions = ['w'] | ['r', string] | ['f', string] | ['n', string];

function encodeCaptions(state: CaptionsState | undefined): EncodedCaptions | undefined {
  switch (state?.status) {
    case 'writing':
      return ['w'];
    case 'ready':
      return ['r', state.batchId];
    case 'failed':
      return ['f', truncate(state.reason, MAX_STATE_MESSAGE)];
    case 'notice':
      return ['n', truncate(state.message, MAX_STATE_MESSAGE)];
    default:
      return undefined;
  }
}

function decodeCaptions(raw: unknown): CaptionsState | undefined {
  if (!Array.isArray(raw)) return undefined;
  const [kind, value] = raw as unknown[];
  if (kind === 'w') return { status: 'writing' };
  if (typeof value !== 'string') return undefined;
  if (kind === 'r') return { status: 'ready', batchId: value };
  if (kind === 'f') return { status: 'failed', reason: value };
  if (kind === 'n') return { status: 'notice', message: value };
  return undefined;
}

export function encodeDraftState(state: DraftModalState): string {
  const json = JSON.stringify({
    m: state.mode,
    p: state.postId,
    r: state.revisionId,
    tz: state.timezone,
    ai: state.aiAssisted ? 1 : undefined,
    tv: state.textVersion,
    c: encodeCaptions(state.captions),
    ni: state.existingImages,
    ev: state.existingVideo ? 1 : undefined,
  });
  if (json.length > LIMITS.privateMetadata) throw new Error('draft dialog state does not fit private_metadata');
  return json;
}

export function decodeDraftState(metadata: string): DraftModalState | undefined {
  try {
    const raw = JSON.parse(metadata) as {
      m?: string;
      p?: number;
      r?: number;
      tz?: string;
      ai?: number;
      tv?: unknown;
      c?: unknown;
      ni?: unknown;
      ev?: unknown;
    };
    if ((raw.m !== 'create' && raw.m !== 'edit') || typeof raw.tz !== 'string') return undefined;
    const textVersion = typeof raw.tv === 'string' && TEXT_BLOCK_PATTERN.test(textBlockId(raw.tv)) ? raw.tv : undefined;
    return {
      mode: raw.m,
      postId: raw.p,
      revisionId: raw.r,
      timezone: raw.tz,
      aiAssisted: raw.ai === 1,
      textVersion,
      captions: decodeCaptions(raw.c),
      ...(typeof raw.ni === 'number' && Number.isInteger(raw.ni) && raw.ni > 0 ? { existingImages: raw.ni } : {}),
      ...(raw.ev === 1 ? { existingVideo: true } : {}),
    };
  } catch {
    return undefined;
  }
}

function toneInput(tone: Tone): InputBlock {
  const options: PlainTextOption[] = TONES.map((t) => ({ text: plain(TONE_LABELS[t], 75), value: t }));
  return {
    type: 'input',
    block_id: CAPTION_BLOCK.tone,
    label: plain('Tone of suggestions'),
    // Only read when suggestions are asked for; submitting the post ignores it.
    optional: true,
    element: {
      type: 'static_select',
      action_id: INPUT_ACTION,
      options,
      initial_option: options[TONES.indexOf(tone)]!,
    },
  };
}

function suggestionBlocks(suggestions: readonly CaptionSuggestion[]): KnownBlock[] {
  if (!suggestions.length) return [context('The AI model wrote nothing usable this time. Try again.')];
  const blocks: KnownBlock[] = [];
  let network: NetworkId | undefined;
  suggestions.forEach((s, i) => {
    if (s.network !== network) {
      network = s.network;
      blocks.push(context(`*${NETWORK_LABELS[s.network]}* · up to ${numbers.format(s.limit)} ${s.unit}`));
    }
    blocks.push({
      type: 'section',
      block_id: `${CAPTION_BLOCK.suggestionPrefix}${i}`,
      // Plain text: a suggestion is shown exactly as it would be posted, never as markup.
      text: plain(s.text, LIMITS.sectionText),
      accessory: button({ text: 'Use this', actionId: CAPTION_ACTION.use, value: s.id }),
    });
    blocks.push(context(`${numbers.format(s.used)}/${numbers.format(s.limit)} ${s.unit}${s.shortened ? ' · ✂️ shortened to fit' : ''}`));
  });
  return blocks;
}

function panelBlocks(panel: CaptionPanel): KnownBlock[] {
  switch (panel.status) {
    case 'idle':
      return [];
    case 'writing':
      return [context('⏳ Writing suggestions…')];
    case 'notice':
      return [context(escapeMrkdwn(panel.message))];
    case 'failed':
      return [section(`⚠️ Suggestions unavailable: ${escapeMrkdwn(panel.reason)}`)];
    case 'ready':
      return suggestionBlocks(panel.suggestions);
  }
}

/** Tone, the suggest button, what is sent, and the suggestions (or why there are none). */
function captionBlocks(ai: { tone: Tone; panel: CaptionPanel }): KnownBlock[] {
  return [
    divider(),
    toneInput(ai.tone),
    actions(CAPTION_BLOCK.actions, [
      button({ text: ai.panel.status === 'ready' ? '✨ Suggest again' : '✨ Suggest captions', actionId: CAPTION_ACTION.suggest }),
    ]),
    context('Sends only the text above, the networks chosen and the tone to the AI model.'),
    ...panelBlocks(ai.panel),
  ];
}

/** What the file input takes (Slack's `filetypes`: extensions) and how many. */
export const UPLOAD_FILETYPES = ['jpg', 'jpeg', 'png', 'gif', 'webp', 'mp4', 'mov'] as const;
export const MAX_UPLOADS = 10;

/** The draft dialog: text with live limits, networks, publish time in the author's zone, image. */
export function buildDraftModal(input: DraftModalInput): ModalView {
  const options = input.available.map(networkOption);
  const initial = options.filter((o) => input.selected.includes(o.value as NetworkId));

  const text: InputBlock = {
    type: 'input',
    block_id: textBlockId(input.textVersion),
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
    label: plain('Image or video link'),
    optional: true,
    element: {
      type: 'url_text_input',
      action_id: INPUT_ACTION,
      ...(input.mediaUrl ? { initial_value: input.mediaUrl } : {}),
      placeholder: plain('https://…/image.jpg'),
    },
    hint: plain(
      'Instead of uploaded files. A link to an .mp4 or .mov is taken as the video (downloaded now, so approvers approve exactly it). Instagram and Pinterest need an image or a video.',
    ),
  };

  const files: InputBlock = {
    type: 'input',
    block_id: BLOCK.files,
    label: plain('Images or a video'),
    optional: true,
    element: { type: 'file_input', action_id: INPUT_ACTION, filetypes: [...UPLOAD_FILETYPES], max_files: MAX_UPLOADS },
    hint: plain(
      input.existingVideo
        ? 'This post has a video; it stays unless you pick new files.'
        : input.existingImages
          ? `This post has ${input.existingImages} image${input.existingImages === 1 ? '' : 's'}; they stay unless you pick new ones. You describe each image in the next step.`
          : 'Images: JPEG, PNG, GIF or WebP, up to 10, in the order they are published (you describe each in the next step). Or one MP4 or MOV video.',
    ),
  };

  // One optional text per configured network: always shown (a view cannot grow as networks are ticked without losing focus).
  const variants: InputBlock[] = input.available.map((network) => ({
    type: 'input',
    block_id: `${BLOCK.variantPrefix}${network}`,
    label: plain(`Customize for ${NETWORK_LABELS[network]}`),
    optional: true,
    element: {
      type: 'plain_text_input',
      action_id: INPUT_ACTION,
      multiline: true,
      max_length: LIMITS.plainTextInput,
      ...(input.variants?.[network] ? { initial_value: truncate(input.variants[network]!, LIMITS.plainTextInput) } : {}),
    },
    hint: plain(
      `Leave empty to publish the text above on ${NETWORK_LABELS[network]}. Used only when ${NETWORK_LABELS[network]} is chosen.`,
    ),
  }));

  let blocks: KnownBlock[] = [
    text,
    networks,
    publishAt,
    files,
    mediaUrl,
    ...variants,
    ...(input.available.includes('youtube') ? youtubeBlocks(input.youtube) : []),
  ];
  if (input.ai) blocks.push(...captionBlocks(input.ai));
  else if (input.aiHint) blocks.push(context(input.aiHint));
  blocks = capBlocks(blocks, LIMITS.viewBlocks, (hidden) => context(`${hidden} more suggestions are not shown.`)) as KnownBlock[];

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
