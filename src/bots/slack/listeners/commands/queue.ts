import { buildQueueMessage } from '../../blocks/queue.js';
import { loadQueue } from '../../queue-model.js';
import { afterAck, type SlackDeps } from '../deps.js';
import type { ListenerTable } from '../listener-table.js';

/** `/queue`: privately, the caller's posts; for approvers also everything waiting and scheduled. */
export function register(listeners: ListenerTable, deps: SlackDeps): void {
  listeners.command('/queue', async ({ ack, command, respond }) => {
    await ack();
    await afterAck(deps, { userId: command.user_id, channelId: command.channel_id }, 'loading your queue', async () => {
      const person = await deps.people.identify(command.user_id);
      const message = buildQueueMessage(await loadQueue(deps, person));
      await respond({ response_type: 'ephemeral', text: message.text, blocks: message.blocks });
    });
  });
}
