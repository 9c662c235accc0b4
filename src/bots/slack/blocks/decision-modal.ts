import type { ModalView } from '@slack/types';
import type { DecisionKind } from '../../../domain/post.js';
import { BLOCK, CALLBACK, INPUT_ACTION, type PostRef } from '../ids.js';
import { context, LIMITS, plain } from './block-kit.js';

/** Where the click came from, so the refusal or confirmation goes back there. */
export interface DecisionModalState extends PostRef {
  kind: Extract<DecisionKind, 'reject' | 'request_changes'>;
  channelId?: string;
}

export function encodeDecisionState(state: DecisionModalState): string {
  return JSON.stringify({ p: state.postId, r: state.revisionId, k: state.kind, c: state.channelId });
}

export function decodeDecisionState(metadata: string): DecisionModalState | undefined {
  try {
    const raw = JSON.parse(metadata) as { p?: number; r?: number; k?: string; c?: string };
    if (typeof raw.p !== 'number' || typeof raw.r !== 'number') return undefined;
    if (raw.k !== 'reject' && raw.k !== 'request_changes') return undefined;
    return { postId: raw.p, revisionId: raw.r, kind: raw.k, channelId: raw.c };
  } catch {
    return undefined;
  }
}

/** The small dialog for a comment: required when asking for changes, optional when rejecting. */
export function buildDecisionModal(state: DecisionModalState): ModalView {
  const changes = state.kind === 'request_changes';
  return {
    type: 'modal',
    callback_id: CALLBACK.decisionComment,
    title: plain(changes ? 'Request changes' : `Reject post #${state.postId}`, LIMITS.modalTitle),
    submit: plain(changes ? 'Send to author' : 'Reject', LIMITS.modalTitle),
    close: plain('Back', LIMITS.modalTitle),
    private_metadata: encodeDecisionState(state),
    blocks: [
      context(changes ? `What should the author change in post #${state.postId}?` : `Tell the author why (optional).`),
      {
        type: 'input',
        block_id: BLOCK.comment,
        label: plain(changes ? 'Changes needed' : 'Reason'),
        optional: !changes,
        element: { type: 'plain_text_input', action_id: INPUT_ACTION, multiline: true, max_length: 2000 },
      },
    ],
  };
}
