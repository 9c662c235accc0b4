import { buildDigestMessage } from '../../blocks/digest.js';
import { SlackPeople } from '../../slack-people.js';
import { afterAck, type SlackDeps } from '../deps.js';
import type { ListenerTable } from '../listener-table.js';

/**
 * `/digest`: the last 24 hours now. Approvers post it to the digest channel (with the chart);
 * anyone else sees it privately.
 */
export function register(listeners: ListenerTable, deps: SlackDeps): void {
  listeners.command('/digest', async ({ ack, command, respond }) => {
    await ack();
    await afterAck(deps, { userId: command.user_id, channelId: command.channel_id }, 'building the digest', async () => {
      const person = await deps.people.identify(command.user_id);
      if (deps.digest && (await deps.gl.isApprover(person))) {
        await deps.gl.postDigest({ kind: 'recent', zone: deps.digest.zone }, ['slack']);
        await respond({ response_type: 'ephemeral', text: `Posting the digest to <#${deps.digest.channel}>.` });
        return;
      }
      const digest = await deps.gl.buildDigest({ kind: 'recent', zone: deps.digest?.zone ?? SlackPeople.zoneOf(person) });
      const message = buildDigestMessage(digest);
      await respond({ response_type: 'ephemeral', text: message.text, blocks: message.blocks });
    });
  });
}
