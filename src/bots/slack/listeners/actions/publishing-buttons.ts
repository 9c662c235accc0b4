import type { BlockAction } from '@slack/bolt';
import { privateNotice } from '../../blocks/messages.js';
import { buildRescheduleModal } from '../../blocks/reschedule-modal.js';
import { ACTION, decodePublicationRef, decodeRef } from '../../ids.js';
import { SlackPeople } from '../../slack-people.js';
import { afterAck, type SlackDeps } from '../deps.js';
import { buttonValue, clickContext } from './click-context.js';
import type { ListenerTable } from '../listener-table.js';

const STALE = 'That button is out of date; nothing was changed.';

/**
 * Approvers' buttons in a card's thread: Retry, Mark as published (outcome unknown),
 * Approve and publish now (expired), Publish now (missed during downtime), Reschedule.
 * A refused click changes nothing and is explained privately.
 */
export function register(listeners: ListenerTable, deps: SlackDeps): void {
  type Handler = (
    where: ReturnType<typeof clickContext>,
    body: BlockAction,
  ) => Promise<{ ok: boolean; refusal?: { refused: string } } | void>;
  const on = (actionId: string, what: string, handle: Handler) =>
    listeners.action(actionId, async ({ ack, body }) => {
      await ack();
      const where = clickContext(body);
      await afterAck(deps, where, what, async () => {
        const result = await handle(where, body);
        if (result && !result.ok)
          await deps.notices.ephemeral(where.userId, where.channelId, privateNotice(result.refusal?.refused ?? STALE));
      });
    });
  const stale = { ok: false, refusal: { refused: STALE } };

  on(ACTION.retry, 'retrying', async (where, body) => {
    const ref = decodePublicationRef(buttonValue(body));
    if (!ref) return stale;
    return deps.gl.retryPublication(await deps.people.identify(where.userId), ref.postId, ref.publicationId);
  });

  on(ACTION.markPublished, 'marking it as published', async (where, body) => {
    const ref = decodePublicationRef(buttonValue(body));
    if (!ref) return stale;
    return deps.gl.markPublished(await deps.people.identify(where.userId), ref.postId, ref.publicationId);
  });

  on(ACTION.approveNow, 'approving and publishing now', async (where, body) => {
    const ref = decodeRef(buttonValue(body));
    if (!ref) return stale;
    return deps.gl.approveAndPublishNow(await deps.people.identify(where.userId), ref.postId, ref.revisionId);
  });

  on(ACTION.publishNow, 'publishing now', async (where, body) => {
    const ref = decodeRef(buttonValue(body));
    if (!ref) return stale;
    return deps.gl.publishMissedNow(await deps.people.identify(where.userId), ref.postId);
  });

  on(ACTION.reschedule, 'opening the reschedule dialog', async (where, body) => {
    const ref = decodeRef(buttonValue(body));
    const post = ref && (await deps.gl.getPost(ref.postId));
    if (!post) return stale;
    const person = await deps.people.identify(where.userId);
    if (!(await deps.gl.isApprover(person))) return { ok: false, refusal: { refused: 'Only approvers can reschedule a post.' } };
    await deps.client.views.open({
      trigger_id: where.triggerId,
      view: buildRescheduleModal(post.post.id, post.post.publishAt, SlackPeople.zoneOf(person)),
    });
  });
}
