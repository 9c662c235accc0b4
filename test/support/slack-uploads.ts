/**
 * Driving the Slack draft dialog's uploads: the first step's values with picked files and
 * per-network texts, the alt-text step Greenlight pushes, and that step's values.
 */
import { expect } from 'vitest';
import type { FakeView } from '../fakes/slack/index.js';
import { draftValues, type DraftValues } from './slack-harness.js';
import type { InputValues, SignedResponse } from './slack-requests.js';

/** The draft dialog's values with `files` picked in the file input and `variants` typed per network. */
export function withFiles(
  values: Partial<DraftValues>,
  files: Array<Record<string, unknown>>,
  variants: Record<string, string> = {},
): InputValues {
  return {
    ...draftValues(values),
    files: { value: { type: 'file_input', files } as never },
    ...Object.fromEntries(Object.entries(variants).map(([n, text]) => [`variant_${n}`, { value: text }])),
  };
}

/** The second step (alt texts) Greenlight pushed, as the fake would show it. */
export function pushedView(response: SignedResponse): FakeView {
  const json = response.json as { response_action?: string; view?: Record<string, unknown> };
  expect(json?.response_action, JSON.stringify(response.json)).toBe('push');
  return { ...(json.view as object), id: `VALT${Math.random().toString(36).slice(2, 8).toUpperCase()}` } as unknown as FakeView;
}

/** The alt-text step's values: image n's alt text. */
export const altValues = (alts: string[]): InputValues => Object.fromEntries(alts.map((alt, i) => [`alt_${i}`, { value: alt }]));
