import {
  TeamsActivityHandler,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type MessagingExtensionAction,
  type MessagingExtensionActionResponse,
  type TaskModuleRequest,
  type TaskModuleResponse,
  type TurnContext,
} from 'botbuilder';
import type { CardActions } from './card-actions.js';
import { message } from './card-actions.js';
import { EDIT_DRAFT_COMMAND } from './cards/line-card.js';
import type { DraftTask } from './draft-task.js';
import type { MediaMessages } from './media-messages.js';
import { DRAFT_COMMAND, parseCommand, type TeamsCommands } from './teams-commands.js';

/** The text of the message a "Draft a post" was started from (the message action), if any. */
function startingText(action: MessagingExtensionAction): string {
  const html = action.messagePayload?.body?.content ?? '';
  return html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

const data = (value: unknown) => (value && typeof value === 'object' ? (value as Record<string, unknown>) : {});

/**
 * Greenlight's Teams bot: messages are commands; the message extension and the dialog it opens
 * draft posts; Action.Execute clicks on cards decide and act. Everything else Teams sends is
 * left to botbuilder's defaults.
 */
export class GreenlightTeamsHandler extends TeamsActivityHandler {
  constructor(
    private readonly commands: TeamsCommands,
    private readonly media: MediaMessages,
    private readonly draft: DraftTask,
    private readonly actions: CardActions,
  ) {
    super();
    this.onMessage(async (context, next) => {
      // Images and videos wait for the next draft form; a message of files alone is not a command.
      const tookMedia = await this.media.take(context);
      const typed = parseCommand(context.activity.text ?? '');
      // A form submitted from a plain card (not a dialog) arrives as a message with a value: not a command.
      if (tookMedia ? typed.name !== 'help' : context.activity.text || !context.activity.value) await this.commands.handle(context);
      await next();
    });
  }

  protected override async handleTeamsMessagingExtensionFetchTask(
    context: TurnContext,
    action: MessagingExtensionAction,
  ): Promise<MessagingExtensionActionResponse> {
    if (action.commandId !== DRAFT_COMMAND) return { task: { type: 'message', value: 'Greenlight does not know that command.' } };
    return this.draft.open(context, { text: startingText(action) }) as Promise<MessagingExtensionActionResponse>;
  }

  protected override async handleTeamsMessagingExtensionSubmitAction(
    context: TurnContext,
    action: MessagingExtensionAction,
  ): Promise<MessagingExtensionActionResponse> {
    return this.draft.submit(context, action.data) as Promise<MessagingExtensionActionResponse>;
  }

  protected override async handleTeamsTaskModuleFetch(context: TurnContext, request: TaskModuleRequest): Promise<TaskModuleResponse> {
    const d = data(request.data);
    if (d.commandId === EDIT_DRAFT_COMMAND)
      return this.draft.open(context, { edit: { postId: Number(d.postId), revisionId: Number(d.revisionId) } });
    return this.draft.open(context, { text: typeof d.text === 'string' ? d.text : '' });
  }

  protected override async handleTeamsTaskModuleSubmit(context: TurnContext, request: TaskModuleRequest): Promise<TaskModuleResponse> {
    return this.draft.submit(context, request.data);
  }

  protected override async onAdaptiveCardInvoke(
    context: TurnContext,
    invokeValue: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    if (invokeValue.action?.type !== 'Action.Execute') return message('Greenlight does not know that button.');
    return this.actions.handle(context, invokeValue.action.verb, invokeValue.action.data);
  }
}
