import type { AckFn, ViewResponseAction } from '@slack/bolt';
import type { Person } from '../../../../domain/post.js';
import type { DraftErrors, DraftInput } from '../../../../workflows/draft-validation.js';
import type { DraftResult } from '../../../../workflows/drafting.js';
import type { DraftModalState } from '../../blocks/draft-modal.js';
import { unsavedTextNotice } from '../../blocks/unsaved-text.js';
import { afterAck, type SlackDeps } from '../deps.js';

/**
 * How long the dialog may wait for its post to be written. Slack drops an answer after 3 s;
 * the rest is for the person lookup before and the network after.
 */
export const DIALOG_WRITE_BUDGET_MS = 2_000;
const NOT_SAVED = 'Greenlight could not save your post just now. Your text is still here: try again in a moment.';

type Ack = AckFn<ViewResponseAction>;

export interface SaveRequest {
  ack: Ack;
  userId: string;
  state: DraftModalState;
  input: DraftInput;
  /** When the submission arrived (the budget counts from it). */
  started: number;
  /** The workflow's field errors as this view's `errors` (block id → message). */
  errorsFor: (errors: DraftErrors) => Record<string, string>;
  /** Where a refusal or a failure to save is shown. */
  messageBlock: string;
  /** What closes the dialog once saved: nothing for one view, `clear` for a stack. */
  done?: ViewResponseAction;
  /** After a successful save (the dialog's second step forgets its draft). */
  saved?: () => void;
  /**
   * How problems are answered: next to their blocks by default; a step without inputs (the
   * video step) shows them in an updated view instead.
   */
  answerErrors?: (errors: Record<string, string>) => ViewResponseAction;
}

/**
 * Validates and writes a draft from a dialog. Problems are shown next to their field
 * (`response_action: "errors"`) and nothing is stored. A valid draft is written before the
 * dialog closes, so a write that fails is shown in the still-open dialog with the author's
 * text intact; only then are approvers and the author told. A write slower than Slack allows
 * closes the dialog first, and if it then fails the author gets their text back in a DM.
 */
export async function saveDraftFromDialog(deps: SlackDeps, request: SaveRequest): Promise<void> {
  const { userId, state, input } = request;
  const answer = request.answerErrors ?? ((errors: Record<string, string>): ViewResponseAction => ({ response_action: 'errors', errors }));
  // Every problem goes through `answer`, so a step without inputs can still show it.
  const ack: Ack = (response) => request.ack(response?.response_action === 'errors' ? answer(response.errors) : response);
  const notSaved = async (error: unknown) => {
    deps.logger.error('could not save a draft; the dialog stays open', { user: userId, error });
    await ack({ response_action: 'errors', errors: { [request.messageBlock]: NOT_SAVED } });
  };

  let saving: Promise<DraftResult>;
  let person: Person;
  try {
    person = await deps.people.identify(userId);
    if (state.mode === 'edit' && state.postId) {
      const problem = await deps.gl.checkRevision(person, state.postId, state.revisionId ?? null, input);
      if (problem) {
        const errors = 'refused' in problem ? { [request.messageBlock]: problem.refused } : request.errorsFor(problem);
        await ack({ response_action: 'errors', errors });
        return;
      }
      saving = deps.gl.reviseDraft(person, state.postId, state.revisionId ?? null, input);
    } else {
      const validation = deps.gl.validateDraft(input);
      if (!validation.ok) {
        await ack({ response_action: 'errors', errors: request.errorsFor(validation.errors) });
        return;
      }
      saving = deps.gl.submitDraft(person, input);
    }
  } catch (error) {
    return notSaved(error);
  }

  // Its failure is handled below, possibly only after the dialog is answered.
  saving.catch(() => undefined);
  const where = { userId };
  const left = DIALOG_WRITE_BUDGET_MS - (Date.now() - request.started);
  if (left <= 0 || !(await settlesWithin(saving, left))) {
    await ack(request.done);
    await afterAck(deps, where, 'submitting your post', async () => {
      let saved: DraftResult;
      try {
        saved = await saving;
      } catch (error) {
        deps.logger.error('could not save a draft after its dialog closed; its text goes back to the author', { user: userId, error });
        return deps.notices.direct(userId, unsavedTextNotice('Your post could not be saved, so it was not submitted.', input.text));
      }
      if (saved.ok) return request.saved?.();
      // Rare: the state changed between the check and the write (a decision landed, time passed).
      const reason = 'refusal' in saved ? saved.refusal.refused : Object.values(saved.errors).join(' ');
      await deps.notices.direct(userId, unsavedTextNotice(`Your post was not submitted: ${reason}`, input.text));
    });
    return;
  }

  let saved: DraftResult;
  try {
    saved = await saving;
  } catch (error) {
    return notSaved(error);
  }
  if (!saved.ok) {
    const errors = 'refusal' in saved ? { [request.messageBlock]: saved.refusal.refused } : request.errorsFor(saved.errors);
    await ack({ response_action: 'errors', errors });
    return;
  }
  request.saved?.();
  await ack(request.done);
}

/** True when `promise` settles (either way) within `ms`. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  try {
    return await Promise.race([
      promise.then(
        () => true,
        () => true,
      ),
      late,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
