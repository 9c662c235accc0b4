import { SlackPeople } from '../../slack-people.js';
import { newDraftDialog } from '../../draft-dialog.js';
import { afterAck, type SlackDeps } from '../deps.js';
import type { ListenerTable } from '../listener-table.js';

/** `/draft [text]`: opens the draft dialog, prefilled with the text, times in the author's zone. */
export function register(listeners: ListenerTable, deps: SlackDeps): void {
  listeners.command('/draft', async ({ ack, command }) => {
    await ack();
    await afterAck(deps, { userId: command.user_id, channelId: command.channel_id }, 'opening the draft dialog', async () => {
      const person = await deps.people.identify(command.user_id);
      await deps.client.views.open({
        trigger_id: command.trigger_id,
        view: newDraftDialog(deps, SlackPeople.zoneOf(person), command.text.trim()),
      });
    });
  });
}
