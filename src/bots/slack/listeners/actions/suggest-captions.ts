import type { CaptionOutcome } from '../../../../workflows/captions/types.js';
import { CAPTION_ACTION, decodeDraftState, type CaptionsState } from '../../blocks/draft-modal.js';
import { draftDialog } from '../../draft-dialog.js';
import { readCaptionTone, readDraftForm } from '../../draft-form.js';
import { afterAck, type SlackDeps } from '../deps.js';
import { LIMITS } from '../../blocks/block-kit.js';
import { updateDraftView } from './draft-view-update.js';
import type { ListenerTable } from '../listener-table.js';

function captionsState(outcome: CaptionOutcome): CaptionsState {
  if (outcome.ok) return { status: 'ready', batchId: outcome.batch.id };
  return outcome.kind === 'input' ? { status: 'notice', message: outcome.message } : { status: 'failed', reason: outcome.reason };
}

/**
 * "Suggest captions" in the draft dialog: acknowledged at once, then "Writing
 * suggestions…" (views.update with the view's hash), then the suggestions or why there are
 * none. Only the suggestions part changes: the text block keeps its id, so whatever the
 * author typed meanwhile stays as it is.
 */
export function register(listeners: ListenerTable, deps: SlackDeps): void {
  listeners.action(CAPTION_ACTION.suggest, async ({ ack, body }) => {
    await ack();
    const view = body.view;
    const state = view && decodeDraftState(view.private_metadata);
    if (!view || !state) return;
    await afterAck(deps, { userId: body.user.id }, 'writing caption suggestions', async () => {
      const values = view.state?.values;
      const input = readDraftForm(values, state);
      const tone = readCaptionTone(values);
      const render = (captions: CaptionsState) => draftDialog(deps, { ...state, captions }, input, { tone });
      const request = { text: input.text, networks: input.networks, tone, fieldMaxChars: LIMITS.plainTextInput };

      const check = deps.gl.checkCaptionRequest(request);
      if (!check.ok) {
        await updateDraftView(deps, view.id, view.hash, render({ status: 'notice', message: check.message }));
        return;
      }
      const hash = await updateDraftView(deps, view.id, view.hash, render({ status: 'writing' }));
      let outcome: CaptionOutcome;
      try {
        const person = await deps.people.identify(body.user.id);
        outcome = await deps.gl.suggestCaptions(person, request);
      } catch (error) {
        // Never leave the dialog saying "Writing suggestions…" forever.
        deps.logger.error('caption suggestions failed', { user: body.user.id, error });
        outcome = {
          ok: false,
          kind: 'unavailable',
          reason: 'something unexpected went wrong. Try again; the details are in Greenlight’s log.',
        };
      }
      await updateDraftView(deps, view.id, hash, render(captionsState(outcome)));
    });
  });
}
