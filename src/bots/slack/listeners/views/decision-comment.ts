import { z } from 'zod';
import { decodeDecisionState } from '../../blocks/decision-modal.js';
import { visibleOrNull } from '../../../../domain/visible-text.js';
import { privateNotice } from '../../blocks/messages.js';
import { unsavedTextNotice } from '../../blocks/unsaved-text.js';
import { publishHome } from '../../home.js';
import { BLOCK, CALLBACK, INPUT_ACTION } from '../../ids.js';
import { afterAck, type SlackDeps } from '../deps.js';
import type { ListenerTable } from '../listener-table.js';

const Values = z.object({
  [BLOCK.comment]: z.object({ [INPUT_ACTION]: z.object({ value: z.string().nullish() }) }),
});

/** The comment dialog for Request changes / Reject: the decision is made on submit. */
export function register(listeners: ListenerTable, deps: SlackDeps): void {
  listeners.view(CALLBACK.decisionComment, async ({ ack, body, view }) => {
    const state = decodeDecisionState(view.private_metadata);
    const parsed = Values.safeParse(view.state.values);
    const comment = (parsed.success ? visibleOrNull(parsed.data[BLOCK.comment][INPUT_ACTION].value) : null) ?? '';
    if (state?.kind === 'request_changes' && !comment) {
      await ack({ response_action: 'errors', errors: { [BLOCK.comment]: 'Say what the author should change.' } });
      return;
    }
    await ack();
    const where = { userId: body.user.id, channelId: state?.channelId };
    await afterAck(deps, where, 'recording your decision', async () => {
      if (!state)
        return deps.notices.ephemeral(where.userId, where.channelId, privateNotice('That dialog is out of date; nothing was changed.'));
      const person = await deps.people.identify(body.user.id);
      let result;
      try {
        result = await deps.gl.decide(person, {
          postId: state.postId,
          revisionId: state.revisionId,
          kind: state.kind,
          comment: comment || null,
          platform: 'slack',
        });
      } catch (error) {
        // The dialog is closed: a comment that could not be saved goes back to its writer.
        if (!comment) throw error;
        deps.logger.error('could not record a decision after its dialog closed; its comment goes back to the approver', {
          user: where.userId,
          error,
        });
        return deps.notices.direct(where.userId, unsavedTextNotice('Your decision could not be recorded, so nothing changed.', comment));
      }
      if (!result.ok) await deps.notices.ephemeral(where.userId, where.channelId, privateNotice(result.refusal.refused));
      // No channel: the click came from App Home, which should show the queue as it now is.
      if (!state.channelId) await publishHome(deps, body.user.id);
    });
  });
}
