/**
 * Reads the draft dialog's state (what Slack sends on submit and on every dispatched
 * action) into the workflow's DraftInput, with zod, once, at the boundary.
 */
import { z } from 'zod';
import type { DraftErrors, DraftField, DraftInput } from '../../workflows/draft-validation.js';
import { BLOCK, INPUT_ACTION } from './ids.js';
import { CAPTION_BLOCK, TEXT_BLOCK_PATTERN, textBlockId, type DraftModalState } from './blocks/draft-modal.js';

const Text = z.object({ value: z.string().nullish() });
const Checkboxes = z.object({ selected_options: z.array(z.object({ value: z.string() })).nullish() });
const DateTime = z.object({ selected_date_time: z.number().int().nullish() });
const Select = z.object({ selected_option: z.object({ value: z.string() }).nullish() });

const StateValues = z.object({
  [BLOCK.networks]: z.object({ [INPUT_ACTION]: Checkboxes }).partial().optional(),
  [BLOCK.publishAt]: z.object({ [INPUT_ACTION]: DateTime }).partial().optional(),
  [BLOCK.mediaUrl]: z.object({ [INPUT_ACTION]: Text }).partial().optional(),
  [CAPTION_BLOCK.tone]: z.object({ [INPUT_ACTION]: Select }).partial().optional(),
});
const TextBlock = z.object({ [INPUT_ACTION]: Text }).partial();

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

export function readDraftForm(values: unknown, state: DraftModalState): DraftInput {
  const v = StateValues.parse(values ?? {});
  const textBlock = (values as Record<string, unknown> | undefined)?.[textBlockIn(values, state)];
  const seconds = v[BLOCK.publishAt]?.[INPUT_ACTION]?.selected_date_time;
  return {
    text: TextBlock.parse(textBlock ?? {})[INPUT_ACTION]?.value ?? '',
    networks: (v[BLOCK.networks]?.[INPUT_ACTION]?.selected_options ?? []).map((o) => o.value),
    publishAt: typeof seconds === 'number' ? new Date(seconds * 1000) : null,
    timezone: state.timezone,
    mediaUrl: v[BLOCK.mediaUrl]?.[INPUT_ACTION]?.value ?? null,
    aiAssisted: state.aiAssisted ?? false,
  };
}

/** The tone chosen for suggestions, as raw as Slack sends it (the workflow checks it). */
export function readCaptionTone(values: unknown): string | null {
  return StateValues.parse(values ?? {})[CAPTION_BLOCK.tone]?.[INPUT_ACTION]?.selected_option?.value ?? null;
}

const FIELD_BLOCKS: Record<DraftField, string> = {
  text: BLOCK.text,
  networks: BLOCK.networks,
  publishAt: BLOCK.publishAt,
  mediaUrl: BLOCK.mediaUrl,
  timezone: BLOCK.publishAt,
};

/**
 * The workflow's field errors as `response_action: "errors"` wants them: keyed by block id,
 * the text's under the version of its block the dialog shows.
 */
export function errorsByBlock(errors: DraftErrors, textBlock: string = BLOCK.text): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors) as Array<[DraftField, string]>) {
    const block = field === 'text' ? textBlock : FIELD_BLOCKS[field];
    out[block] = out[block] ? `${out[block]}\n${message}` : message;
  }
  return out;
}
