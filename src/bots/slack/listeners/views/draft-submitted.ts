import { decodeDraftState } from '../../blocks/draft-modal.js';
import { privateNotice } from '../../blocks/messages.js';
import { errorsByBlock, readDraftForm, textBlockIn } from '../../draft-form.js';
import { CALLBACK } from '../../ids.js';
import { afterAck, type SlackDeps } from '../deps.js';
import type { ListenerTable } from '../listener-table.js';

/**
 * Submitting the draft dialog. Problems are shown next to their field
 * (`response_action: "errors"`) and nothing is stored; a valid draft closes the dialog at
 * once and is then submitted (or, when editing, resubmitted as a new revision).
 */
export function register(listeners: ListenerTable, deps: SlackDeps): void {
  listeners.view(CALLBACK.draft, async ({ ack, body, view }) => {
    const state = decodeDraftState(view.private_metadata);
    // Errors go next to whichever version of the text block the dialog shows.
    const textBlock = textBlockIn(view.state.values, state);
    if (!state) {
      await ack({ response_action: 'errors', errors: { [textBlock]: 'This dialog is out of date. Close it and run /draft again.' } });
      return;
    }
    const input = readDraftForm(view.state.values, state);
    const person = await deps.people.identify(body.user.id);
    if (state.mode === 'edit' && state.postId) {
      const problem = await deps.gl.checkRevision(person, state.postId, state.revisionId ?? null, input);
      if (problem) {
        const errors = 'refused' in problem ? { [textBlock]: problem.refused } : errorsByBlock(problem, textBlock);
        await ack({ response_action: 'errors', errors });
        return;
      }
    } else {
      const validation = deps.gl.validateDraft(input);
      if (!validation.ok) {
        await ack({ response_action: 'errors', errors: errorsByBlock(validation.errors, textBlock) });
        return;
      }
    }
    await ack();

    const where = { userId: body.user.id };
    await afterAck(deps, where, 'submitting your post', async () => {
      const result =
        state.mode === 'edit' && state.postId
          ? await deps.gl.reviseDraft(person, state.postId, state.revisionId ?? null, input)
          : await deps.gl.submitDraft(person, input);
      if (result.ok) return;
      // Rare: the state changed between the check and the write (a decision landed, time passed).
      const reason = 'refusal' in result ? result.refusal.refused : Object.values(result.errors).join(' ');
      await deps.notices.direct(where.userId, privateNotice(`Your post was not submitted: ${reason}`));
    });
  });
}
