import type { Button } from '@slack/types';
import { ACTION, encodeRef } from '../ids.js';
import { button } from './block-kit.js';

/**
 * Approve, Request changes and Reject for the revision shown, wherever an approver decides
 * (the card, App Home): the same buttons and the same confirmation before a rejection.
 */
export function decisionButtons(view: { id: number; revisionId: number }): Button[] {
  const ref = encodeRef({ postId: view.id, revisionId: view.revisionId });
  return [
    button({ text: 'Approve', actionId: ACTION.approve, value: ref, style: 'primary' }),
    button({ text: 'Request changes', actionId: ACTION.requestChanges, value: ref }),
    button({
      text: 'Reject',
      actionId: ACTION.reject,
      value: ref,
      style: 'danger',
      confirm: {
        title: `Reject post #${view.id}?`,
        text: 'The author will be told. A rejected post cannot be resubmitted.',
        confirm: 'Reject',
        deny: 'Keep it',
        style: 'danger',
      },
    }),
  ];
}
