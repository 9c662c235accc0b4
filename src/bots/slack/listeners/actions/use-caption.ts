import { randomBytes } from 'node:crypto';
import { CAPTION_ACTION, decodeDraftState } from '../../blocks/draft-modal.js';
import { draftDialog } from '../../draft-dialog.js';
import { readCaptionTone, readDraftForm } from '../../draft-form.js';
import { afterAck, type SlackDeps } from '../deps.js';
import { buttonValue } from './click-context.js';
import { updateDraftView } from './draft-view-update.js';
import type { ListenerTable } from '../listener-table.js';

/**
 * "Use this" on a suggestion: the text field gets the suggestion (the author can still
 * edit it) and the draft is marked AI-assisted for good. The text block gets a new id,
 * because Slack ignores `initial_value` for an input whose ids it already holds a value for.
 */
export function register(listeners: ListenerTable, deps: SlackDeps): void {
  listeners.action(CAPTION_ACTION.use, async ({ ack, body }) => {
    await ack();
    const view = body.view;
    const state = view && decodeDraftState(view.private_metadata);
    if (!view || !state) return;
    await afterAck(deps, { userId: body.user.id }, 'putting the suggestion into your draft', async () => {
      const values = view.state?.values;
      const input = readDraftForm(values, state);
      const tone = readCaptionTone(values);
      const person = await deps.people.identify(body.user.id);
      const id = buttonValue(body);
      const suggestion = id ? deps.gl.captionSuggestion(person, id) : undefined;
      if (!suggestion) {
        const captions = { status: 'failed', reason: 'that suggestion has expired. Ask again.' } as const;
        await updateDraftView(deps, view.id, view.hash, draftDialog(deps, { ...state, captions }, input, { tone }));
        return;
      }
      const next = { ...state, textVersion: randomBytes(3).toString('hex'), aiAssisted: true };
      await updateDraftView(deps, view.id, view.hash, draftDialog(deps, next, { ...input, text: suggestion.text }, { tone }));
    });
  });
}
