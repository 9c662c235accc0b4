import { z } from 'zod';
import { privateNotice } from '../../blocks/messages.js';
import { decodeRescheduleState, RESCHEDULE_BLOCK } from '../../blocks/reschedule-modal.js';
import { CALLBACK, INPUT_ACTION } from '../../ids.js';
import { afterAck, type SlackDeps } from '../deps.js';
import type { ListenerTable } from '../listener-table.js';

const Values = z.object({
  [RESCHEDULE_BLOCK]: z.object({ [INPUT_ACTION]: z.object({ selected_date_time: z.number().int().nullish() }) }),
});

/** The reschedule dialog: a new publish time in the approver's zone; a past time is refused in place. */
export function register(listeners: ListenerTable, deps: SlackDeps): void {
  listeners.view(CALLBACK.reschedule, async ({ ack, body, view }) => {
    const state = decodeRescheduleState(view.private_metadata);
    const seconds = Values.safeParse(view.state.values).data?.[RESCHEDULE_BLOCK][INPUT_ACTION].selected_date_time;
    if (!state || typeof seconds !== 'number') {
      await ack({ response_action: 'errors', errors: { [RESCHEDULE_BLOCK]: 'Choose a date and time.' } });
      return;
    }
    const publishAt = new Date(seconds * 1000);
    if (publishAt.getTime() <= deps.clock.now().getTime()) {
      await ack({ response_action: 'errors', errors: { [RESCHEDULE_BLOCK]: 'That time is in the past. Choose a later time.' } });
      return;
    }
    await ack();
    const where = { userId: body.user.id };
    await afterAck(deps, where, 'rescheduling', async () => {
      const person = await deps.people.identify(body.user.id);
      const result = await deps.gl.reschedule(person, state.postId, publishAt, state.timezone);
      if (!result.ok) await deps.notices.ephemeral(where.userId, undefined, privateNotice(result.refusal.refused));
    });
  });
}
