import type { ModalView } from '@slack/types';
import { CALLBACK, INPUT_ACTION } from '../ids.js';
import { context, LIMITS, plain } from './block-kit.js';

export const RESCHEDULE_BLOCK = 'reschedule_at';

export function buildRescheduleModal(postId: number, current: Date | null, timezone: string): ModalView {
  return {
    type: 'modal',
    callback_id: CALLBACK.reschedule,
    title: plain(`Reschedule post #${postId}`, LIMITS.modalTitle),
    submit: plain('Reschedule', LIMITS.modalTitle),
    close: plain('Back', LIMITS.modalTitle),
    private_metadata: JSON.stringify({ p: postId, tz: timezone }),
    blocks: [
      context(`Pick the new publish time (shown in your time zone, ${timezone}).`),
      {
        type: 'input',
        block_id: RESCHEDULE_BLOCK,
        label: plain('Publish at'),
        element: {
          type: 'datetimepicker',
          action_id: INPUT_ACTION,
          ...(current ? { initial_date_time: Math.floor(current.getTime() / 1000) } : {}),
        },
      },
    ],
  };
}

export function decodeRescheduleState(metadata: string): { postId: number; timezone: string } | undefined {
  try {
    const raw = JSON.parse(metadata) as { p?: number; tz?: string };
    return typeof raw.p === 'number' && typeof raw.tz === 'string' ? { postId: raw.p, timezone: raw.tz } : undefined;
  } catch {
    return undefined;
  }
}
