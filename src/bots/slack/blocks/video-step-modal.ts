import type { KnownBlock, ModalView } from '@slack/types';
import { formatMegabytes } from '../../../domain/megabytes.js';
import type { PostVideo } from '../../../domain/post.js';
import { videoFacts } from '../../presentation/image-lines.js';
import { CALLBACK } from '../ids.js';
import { context, escapeMrkdwn, LIMITS, plain, section, truncate } from './block-kit.js';

/** Where the video step is: receiving the file from Slack, a problem with it, or ready to submit. */
export type VideoStep =
  | { stage: 'receiving'; name: string; received: number; total: number | null }
  | { stage: 'problem'; name: string; messages: readonly string[] }
  /** `notices`: what the networks' daily allowances say (YouTube's quota). */
  | { stage: 'ready'; video: PostVideo; notices?: readonly string[] };

export interface VideoStepInput {
  /** Where the first step's values wait (PendingDrafts); also this view's external id. */
  key: string;
  mode: 'create' | 'edit';
  step: VideoStep;
}

/** The view's external id: the step is updated by it while the video arrives (its view id is not known then). */
export const videoStepExternalId = (key: string): string => `gl_video_${key}`;

function progress(received: number, total: number | null): string {
  if (!total) return `${formatMegabytes(received, 'down')} received`;
  const percent = Math.min(100, Math.floor((received / total) * 100));
  const filled = Math.round(percent / 10);
  return `${'▓'.repeat(filled)}${'░'.repeat(10 - filled)} ${percent}% · ${formatMegabytes(received, 'down')} of ${formatMegabytes(total, 'up')}`;
}

/**
 * The draft dialog's video step, pushed over the first: a video takes longer to arrive than
 * Slack waits for a dialog's answer, so this step shows it arriving, then either what is
 * wrong with it (Back returns to the post, everything typed still there) or what was read
 * from the file, with the button that submits the post.
 */
export function buildVideoStepModal(input: VideoStepInput): ModalView {
  const { step } = input;
  const blocks: KnownBlock[] = [];
  const name = (n: string) => `*${escapeMrkdwn(truncate(n, 200))}*`;
  switch (step.stage) {
    case 'receiving':
      blocks.push(section(`🎬 ${name(step.name)}\nReceiving the video from Slack…`), context(progress(step.received, step.total)));
      blocks.push(context('You can leave this open; it updates as the video arrives. Closing it keeps the post unsent.'));
      break;
    case 'problem':
      blocks.push(section(`⚠️ ${name(step.name)} cannot be posted as it is:`));
      for (const message of step.messages.slice(0, 20)) blocks.push(section(`• ${escapeMrkdwn(message)}`));
      blocks.push(context('Press *Back* to change the post or pick another video; everything you typed is still there.'));
      break;
    case 'ready':
      blocks.push(section(`🎬 ${name(step.video.name)}\n${videoFacts(step.video)}`));
      for (const notice of step.notices ?? []) blocks.push(context(escapeMrkdwn(notice)));
      blocks.push(context('Checked against every network you chose. Submit to send it to the approvers.'));
      break;
  }
  return {
    type: 'modal',
    callback_id: CALLBACK.draftVideo,
    external_id: videoStepExternalId(input.key),
    title: plain(
      step.stage === 'ready' ? 'Your video' : step.stage === 'problem' ? 'Check your video' : 'Receiving your video',
      LIMITS.modalTitle,
    ),
    ...(step.stage === 'ready' ? { submit: plain(input.mode === 'edit' ? 'Resubmit' : 'Submit for approval', LIMITS.modalTitle) } : {}),
    close: plain('Back', LIMITS.modalTitle),
    private_metadata: JSON.stringify({ k: input.key }),
    blocks,
  };
}
