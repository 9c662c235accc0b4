import type { BlockAction } from '@slack/bolt';

/** Where a button was clicked: a message in a channel, App Home, or a dialog. */
export interface ClickContext {
  userId: string;
  /** The channel of the message clicked (for ephemeral replies); absent for Home and dialogs. */
  channelId: string | undefined;
  fromHome: boolean;
  triggerId: string;
}

export function clickContext(body: BlockAction): ClickContext {
  return {
    userId: body.user.id,
    channelId: body.container?.type === 'message' ? (body.channel?.id ?? body.container.channel_id) : undefined,
    fromHome: body.view?.type === 'home',
    triggerId: body.trigger_id,
  };
}

/** The value of the button that was clicked. */
export function buttonValue(body: BlockAction): string | undefined {
  const action = body.actions[0];
  return action && 'value' in action ? (action.value ?? undefined) : undefined;
}
