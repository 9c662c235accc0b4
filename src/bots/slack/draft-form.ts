/**
 * Reads the draft dialog's state (what Slack sends on submit and on every dispatched
 * action) into the workflow's DraftInput, with zod, once, at the boundary.
 */
import { z } from 'zod';
import { isNetworkId } from '../../domain/network.js';
import type { DraftErrors, DraftField, DraftInput, YouTubeInput } from '../../workflows/draft-validation.js';
import { YOUTUBE_BLOCK } from './blocks/youtube-fields.js';
import { BLOCK, INPUT_ACTION } from './ids.js';
import { CAPTION_BLOCK, TEXT_BLOCK_PATTERN, textBlockId, type DraftModalState } from './blocks/draft-modal.js';

const Text = z.object({ value: z.string().nullish() });
const Checkboxes = z.object({ selected_options: z.array(z.object({ value: z.string() })).nullish() });
const DateTime = z.object({ selected_date_time: z.number().int().nullish() });
const Select = z.object({ selected_option: z.object({ value: z.string() }).nullish() });
/** A file picked in a file_input, as Slack puts it in the state: the fields Greenlight reads. */
const SlackFile = z.object({
  id: z.string().min(1),
  name: z.string().nullish(),
  title: z.string().nullish(),
  mimetype: z.string().nullish(),
  thumb_360: z.string().nullish(),
});
const Files = z.object({ files: z.array(SlackFile).nullish() });

const StateValues = z.object({
  [BLOCK.networks]: z
    .object({ [INPUT_ACTION]: Checkboxes })
    .partial()
    .optional(),
  [BLOCK.publishAt]: z
    .object({ [INPUT_ACTION]: DateTime })
    .partial()
    .optional(),
  [BLOCK.mediaUrl]: z
    .object({ [INPUT_ACTION]: Text })
    .partial()
    .optional(),
  [BLOCK.files]: z
    .object({ [INPUT_ACTION]: Files })
    .partial()
    .optional(),
  [CAPTION_BLOCK.tone]: z
    .object({ [INPUT_ACTION]: Select })
    .partial()
    .optional(),
  [YOUTUBE_BLOCK.title]: z
    .object({ [INPUT_ACTION]: Text })
    .partial()
    .optional(),
  [YOUTUBE_BLOCK.tags]: z
    .object({ [INPUT_ACTION]: Text })
    .partial()
    .optional(),
  [YOUTUBE_BLOCK.category]: z
    .object({ [INPUT_ACTION]: Select })
    .partial()
    .optional(),
  [YOUTUBE_BLOCK.privacy]: z
    .object({ [INPUT_ACTION]: Select })
    .partial()
    .optional(),
  [YOUTUBE_BLOCK.kids]: z
    .object({ [INPUT_ACTION]: Select })
    .partial()
    .optional(),
  [YOUTUBE_BLOCK.thumbnail]: z
    .object({ [INPUT_ACTION]: Files })
    .partial()
    .optional(),
});
const TextBlock = z.object({ [INPUT_ACTION]: Text }).partial();

/** A file the author attached in the dialog, still in Slack (Greenlight downloads it on submit). */
export interface SlackUpload {
  id: string;
  name: string;
  mimetype: string | null;
}

/**
 * The id of the text block in these values: the one the state names if present, else
 * whichever version is there (the block id changes when a suggestion is used).
 */
export function textBlockIn(values: unknown, state?: DraftModalState): string {
  const keys = values && typeof values === 'object' ? Object.keys(values) : [];
  const expected = textBlockId(state?.textVersion);
  if (keys.includes(expected)) return expected;
  return keys.find((k) => TEXT_BLOCK_PATTERN.test(k)) ?? expected;
}

/** `variant_<network>` blocks: each network's own text, empty ones left out. */
function readVariants(values: unknown): Record<string, string> {
  const variants: Record<string, string> = {};
  if (!values || typeof values !== 'object') return variants;
  for (const [block, raw] of Object.entries(values as Record<string, unknown>)) {
    if (!block.startsWith(BLOCK.variantPrefix)) continue;
    const network = block.slice(BLOCK.variantPrefix.length);
    if (!isNetworkId(network)) continue;
    const value = TextBlock.safeParse(raw ?? {}).data?.[INPUT_ACTION]?.value;
    if (value?.trim()) variants[network] = value;
  }
  return variants;
}

export function readDraftForm(values: unknown, state: DraftModalState): DraftInput {
  const v = StateValues.parse(values ?? {});
  const textBlock = (values as Record<string, unknown> | undefined)?.[textBlockIn(values, state)];
  const seconds = v[BLOCK.publishAt]?.[INPUT_ACTION]?.selected_date_time;
  const variants = readVariants(values);
  return {
    text: TextBlock.parse(textBlock ?? {})[INPUT_ACTION]?.value ?? '',
    networks: (v[BLOCK.networks]?.[INPUT_ACTION]?.selected_options ?? []).map((o) => o.value),
    publishAt: typeof seconds === 'number' ? new Date(seconds * 1000) : null,
    timezone: state.timezone,
    mediaUrl: v[BLOCK.mediaUrl]?.[INPUT_ACTION]?.value ?? null,
    aiAssisted: state.aiAssisted ?? false,
    ...(Object.keys(variants).length ? { variants } : {}),
    ...(YOUTUBE_BLOCK.title in ((values as object) ?? {}) ? { youtube: readYouTube(v) } : {}),
  };
}

/** YouTube's fields, as raw as Slack sends them (the workflow checks them when YouTube is chosen). */
function readYouTube(v: z.infer<typeof StateValues>): YouTubeInput {
  const kids = v[YOUTUBE_BLOCK.kids]?.[INPUT_ACTION]?.selected_option?.value;
  return {
    title: v[YOUTUBE_BLOCK.title]?.[INPUT_ACTION]?.value ?? '',
    tags: v[YOUTUBE_BLOCK.tags]?.[INPUT_ACTION]?.value ?? '',
    categoryId: v[YOUTUBE_BLOCK.category]?.[INPUT_ACTION]?.selected_option?.value ?? null,
    privacy: v[YOUTUBE_BLOCK.privacy]?.[INPUT_ACTION]?.selected_option?.value ?? null,
    madeForKids: kids === 'yes' ? true : kids === 'no' ? false : null,
  };
}

/** The files picked in the dialog's file input (or, with `block`, another file input), in the order Slack lists them. */
export function readUploads(values: unknown, block: typeof BLOCK.files | typeof YOUTUBE_BLOCK.thumbnail = BLOCK.files): SlackUpload[] {
  const files = StateValues.parse(values ?? {})[block]?.[INPUT_ACTION]?.files ?? [];
  return files.map((f, i) => ({ id: f.id, name: f.name || f.title || `image ${i + 1}`, mimetype: f.mimetype ?? null }));
}

/** The second step's alt texts, image by image; empty is null. */
export function readAltTexts(values: unknown, count: number): Array<string | null> {
  const all = (values ?? {}) as Record<string, unknown>;
  return Array.from({ length: count }, (_, i) => {
    const value = TextBlock.safeParse(all[`${BLOCK.altPrefix}${i}`] ?? {}).data?.[INPUT_ACTION]?.value;
    return value?.trim() ? value : null;
  });
}

/** The tone chosen for suggestions, as raw as Slack sends it (the workflow checks it). */
export function readCaptionTone(values: unknown): string | null {
  return StateValues.parse(values ?? {})[CAPTION_BLOCK.tone]?.[INPUT_ACTION]?.selected_option?.value ?? null;
}

/** The block a field's message goes next to in the first step (alt texts are in the second). */
function blockFor(field: DraftField, textBlock: string): string {
  switch (field) {
    case 'text':
      return textBlock;
    case 'networks':
      return BLOCK.networks;
    case 'publishAt':
    case 'timezone':
      return BLOCK.publishAt;
    case 'mediaUrl':
      return BLOCK.mediaUrl;
    case 'images':
      return BLOCK.files;
    default:
      // `variant_<network>` and `alt_<n>` are their own blocks' ids.
      return field;
  }
}

/**
 * The workflow's field errors as `response_action: "errors"` wants them: keyed by block id,
 * the text's under the version of its block the dialog shows. `only` keeps the fields a view
 * shows (Slack refuses errors for blocks it does not have); the rest go to `fallback`.
 */
export function errorsByBlock(
  errors: DraftErrors,
  textBlock: string = BLOCK.text,
  shown?: { has: (block: string) => boolean; fallback: string },
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors) as Array<[DraftField, string]>) {
    let block = blockFor(field, textBlock);
    if (shown && !shown.has(block)) block = shown.fallback;
    out[block] = out[block] ? `${out[block]}\n${message}` : message;
  }
  return out;
}
