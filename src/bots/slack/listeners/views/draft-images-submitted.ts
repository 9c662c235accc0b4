import type { DraftErrors } from '../../../../workflows/draft-validation.js';
import { altBlockId, decodeImageAltState } from '../../blocks/image-alt-modal.js';
import { errorsByBlock, readAltTexts } from '../../draft-form.js';
import { CALLBACK } from '../../ids.js';
import type { SlackDeps } from '../deps.js';
import type { ListenerTable } from '../listener-table.js';
import { saveDraftFromDialog } from './draft-save.js';

const EXPIRED =
  'This step has expired (Greenlight restarted or it was left open too long). Press Back and submit the post again; your text is still there.';

/**
 * The draft dialog's second step: each image's alt text. Submitting it saves the draft with
 * the first step's values and the images kept then, and closes both steps. Problems found
 * now go next to an alt text (the first one for anything else, saying what to change).
 */
export function register(listeners: ListenerTable, deps: SlackDeps): void {
  listeners.view(CALLBACK.draftImages, async ({ ack, body, view }) => {
    const started = Date.now();
    const first = altBlockId(0);
    const meta = decodeImageAltState(view.private_metadata);
    const pending = meta ? deps.pending.get(meta.key, body.user.id) : undefined;
    if (!meta || !pending) {
      await ack({ response_action: 'errors', errors: { [first]: EXPIRED } });
      return;
    }
    const alts = readAltTexts(view.state.values, pending.images.length);
    const input = { ...pending.input, images: pending.images.map((p, i) => ({ ...p.image, alt: alts[i] ?? null })) };
    const blocks = new Set(Object.keys(view.state.values ?? {}));
    const errorsFor = (errors: DraftErrors) => errorsByBlock(errors, first, { has: (block) => blocks.has(block), fallback: first });
    await saveDraftFromDialog(deps, {
      ack,
      userId: body.user.id,
      state: pending.state,
      input,
      started,
      errorsFor,
      messageBlock: first,
      done: { response_action: 'clear' },
      saved: () => deps.pending.delete(meta.key),
    });
  });
}
