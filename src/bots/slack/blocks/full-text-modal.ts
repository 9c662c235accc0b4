import type { ModalView } from '@slack/types';
import { CALLBACK } from '../ids.js';
import { capBlocks, context, escapeMrkdwn, LIMITS, plain, section, splitForSections } from './block-kit.js';

/** The whole text of a post that is too long for its card, split over sections. */
export function buildFullTextModal(postId: number, revisionNumber: number, text: string): ModalView {
  const blocks = [
    context(`Post #${postId}, revision ${revisionNumber}`),
    // Escaping can lengthen a piece, so split with room to spare.
    ...splitForSections(text, 2500).map((piece) => section(escapeMrkdwn(piece))),
  ];
  return {
    type: 'modal',
    callback_id: CALLBACK.fullText,
    title: plain(`Post #${postId}`, LIMITS.modalTitle),
    close: plain('Close', LIMITS.modalTitle),
    blocks: capBlocks(blocks, LIMITS.viewBlocks, (hidden) => context(`${hidden} more parts are not shown.`)) as ModalView['blocks'],
  };
}
