/**
 * Reads the draft dialog's state (what Slack sends on submit and on every dispatched
 * action) into the workflow's DraftInput, with zod, once, at the boundary.
 */
import { z } from 'zod';
import type { DraftErrors, DraftField, DraftInput } from '../../workflows/draft-validation.js';
import { BLOCK, INPUT_ACTION } from './ids.js';
import type { DraftModalState } from './blocks/draft-modal.js';

const Text = z.object({ value: z.string().nullish() });
const Checkboxes = z.object({ selected_options: z.array(z.object({ value: z.string() })).nullish() });
const DateTime = z.object({ selected_date_time: z.number().int().nullish() });

const StateValues = z.object({
  [BLOCK.text]: z.object({ [INPUT_ACTION]: Text }).partial().optional(),
  [BLOCK.networks]: z.object({ [INPUT_ACTION]: Checkboxes }).partial().optional(),
  [BLOCK.publishAt]: z.object({ [INPUT_ACTION]: DateTime }).partial().optional(),
  [BLOCK.mediaUrl]: z.object({ [INPUT_ACTION]: Text }).partial().optional(),
});

export function readDraftForm(values: unknown, state: DraftModalState): DraftInput {
  const v = StateValues.parse(values ?? {});
  const seconds = v[BLOCK.publishAt]?.[INPUT_ACTION]?.selected_date_time;
  return {
    text: v[BLOCK.text]?.[INPUT_ACTION]?.value ?? '',
    networks: (v[BLOCK.networks]?.[INPUT_ACTION]?.selected_options ?? []).map((o) => o.value),
    publishAt: typeof seconds === 'number' ? new Date(seconds * 1000) : null,
    timezone: state.timezone,
    mediaUrl: v[BLOCK.mediaUrl]?.[INPUT_ACTION]?.value ?? null,
    aiAssisted: state.aiAssisted ?? false,
  };
}

const FIELD_BLOCKS: Record<DraftField, string> = {
  text: BLOCK.text,
  networks: BLOCK.networks,
  publishAt: BLOCK.publishAt,
  mediaUrl: BLOCK.mediaUrl,
  timezone: BLOCK.publishAt,
};

/** The workflow's field errors as `response_action: "errors"` wants them: keyed by block id. */
export function errorsByBlock(errors: DraftErrors): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [field, message] of Object.entries(errors) as Array<[DraftField, string]>) {
    const block = FIELD_BLOCKS[field];
    out[block] = out[block] ? `${out[block]}\n${message}` : message;
  }
  return out;
}
