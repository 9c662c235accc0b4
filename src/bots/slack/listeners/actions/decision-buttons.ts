import type { BlockAction } from '@slack/bolt';
import type { DecisionKind } from '../../../../domain/post.js';
import { buildDecisionModal } from '../../blocks/decision-modal.js';
import { privateNotice } from '../../blocks/messages.js';
import { publishHome } from '../../home.js';
import { ACTION, decodeRef } from '../../ids.js';
import { afterAck, type SlackDeps } from '../deps.js';
import { buttonValue, clickContext } from './click-context.js';
import type { ListenerTable } from '../listener-table.js';

const STALE = 'That button is out of date. Open the post’s latest card and try again.';

/**
 * Approve / Request changes / Reject, on the approval card and in App Home alike. Approve
 * decides at once; the other two first check the click would be accepted, then ask for a
 * comment. A refused click changes nothing and is explained privately.
 */
export function register(listeners: ListenerTable, deps: SlackDeps): void {
  listeners.action(ACTION.approve, async ({ ack, body }) => {
    await ack();
    const where = clickContext(body);
    await afterAck(deps, where, 'recording your approval', async () => {
      const ref = decodeRef(buttonValue(body));
      if (!ref) return deps.notices.ephemeral(where.userId, where.channelId, privateNotice(STALE));
      const person = await deps.people.identify(where.userId);
      const result = await deps.gl.decide(person, { ...ref, kind: 'approve', platform: 'slack' });
      if (!result.ok) await deps.notices.ephemeral(where.userId, where.channelId, privateNotice(result.refusal.refused));
      if (where.fromHome) await publishHome(deps, where.userId);
    });
  });

  const withComment =
    (kind: Extract<DecisionKind, 'reject' | 'request_changes'>) =>
    async ({ ack, body }: { ack: () => Promise<void>; body: BlockAction }) => {
      await ack();
      const where = clickContext(body);
      await afterAck(deps, where, 'opening the comment dialog', async () => {
        const ref = decodeRef(buttonValue(body));
        if (!ref) return deps.notices.ephemeral(where.userId, where.channelId, privateNotice(STALE));
        const person = await deps.people.identify(where.userId);
        const refusal = await deps.gl.checkDecision(person, { ...ref, kind, platform: 'slack' });
        if (refusal) return deps.notices.ephemeral(where.userId, where.channelId, privateNotice(refusal.refused));
        await deps.client.views.open({
          trigger_id: where.triggerId,
          view: buildDecisionModal({ ...ref, kind, channelId: where.fromHome ? undefined : where.channelId }),
        });
      });
    };
  listeners.action(ACTION.requestChanges, withComment('request_changes'));
  listeners.action(ACTION.reject, withComment('reject'));
}
