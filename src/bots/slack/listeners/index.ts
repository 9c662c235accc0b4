import type { App } from '@slack/bolt';
import * as decisionButtons from './actions/decision-buttons.js';
import * as draftChanged from './actions/draft-changed.js';
import * as postButtons from './actions/post-buttons.js';
import * as suggestCaptions from './actions/suggest-captions.js';
import * as useCaption from './actions/use-caption.js';
import * as draftCommand from './commands/draft.js';
import * as digestCommand from './commands/digest.js';
import * as queueCommand from './commands/queue.js';
import * as publishingButtons from './actions/publishing-buttons.js';
import * as reschedule from './views/reschedule.js';
import type { SlackDeps } from './deps.js';
import { ListenerTable } from './listener-table.js';
import * as appHomeOpened from './events/app-home-opened.js';
import * as decisionComment from './views/decision-comment.js';
import * as draftSubmitted from './views/draft-submitted.js';
import * as draftImagesSubmitted from './views/draft-images-submitted.js';
import * as draftVideo from './views/draft-video.js';

/** Every listener, one module each (commands, actions, views, events), mounted on Bolt as one table. */
export function registerListeners(app: App, deps: SlackDeps): void {
  const listeners = new ListenerTable();
  for (const listener of [
    draftCommand,
    queueCommand,
    decisionButtons,
    draftChanged,
    postButtons,
    draftSubmitted,
    draftImagesSubmitted,
    draftVideo,
    decisionComment,
    appHomeOpened,
    digestCommand,
    publishingButtons,
    reschedule,
  ]) {
    listener.register(listeners, deps);
  }
  // The draft dialog's caption suggestions.
  for (const listener of [suggestCaptions, useCaption]) listener.register(listeners, deps);
  listeners.mount(app, deps.requests);
}
