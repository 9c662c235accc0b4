import type { AckFn, ViewResponseAction } from '@slack/bolt';
import type { PostVideo } from '../../../../domain/post.js';
import type { DraftErrors, DraftInput } from '../../../../workflows/draft-validation.js';
import type { DraftModalState } from '../../blocks/draft-modal.js';
import { buildVideoStepModal, videoStepExternalId, type VideoStep } from '../../blocks/video-step-modal.js';
import { decodeImageAltState } from '../../blocks/image-alt-modal.js';
import { CALLBACK } from '../../ids.js';
import { receiveSlackVideo } from '../../slack-uploads.js';
import type { SlackUpload } from '../../draft-form.js';
import { afterAck, type SlackDeps } from '../deps.js';
import type { ListenerTable } from '../listener-table.js';
import { saveDraftFromDialog } from './draft-save.js';

/** Where the video comes from: a file picked in the dialog, or a link. */
export interface VideoSource {
  name: string;
  receive(
    onBytes: (received: number, total: number | null) => void,
  ): Promise<{ ok: true; video: PostVideo } | { ok: false; message: string }>;
}

export const pickedVideo = (deps: SlackDeps, upload: SlackUpload): VideoSource => ({
  name: upload.name,
  receive: (onBytes) => receiveSlackVideo(deps.uploads, upload, onBytes),
});

export function linkedVideo(deps: SlackDeps, link: string): VideoSource {
  let name = 'video';
  try {
    name = decodeURIComponent(new URL(link).pathname.split('/').pop() || 'video');
  } catch {
    // validated before: a link that is not a URL never gets here
  }
  return { name, receive: (onBytes) => deps.gl.takeVideoLink(link, onBytes) };
}

/** How often the step shows the video arriving: often enough to see it move, far inside Slack's rate limits. */
export const VIDEO_PROGRESS_EVERY_MS = 2_000;

const EXPIRED =
  'This step has expired (Greenlight restarted or it was left open too long). Press Back and submit the post again; your text is still there.';

/** Problems the video step cannot judge before the video has arrived: its own, and "needs an image or a video". */
const beforeVideo = (errors: DraftErrors): DraftErrors =>
  Object.fromEntries(
    Object.entries(errors).filter(
      ([field, message]) =>
        field !== 'images' && !field.startsWith('alt_') && !(field === 'mediaUrl' && / needs an image$/m.test(message ?? '')),
    ),
  );

const messagesOf = (errors: DraftErrors): string[] =>
  Object.values(errors)
    .flatMap((m) => (m ?? '').split('\n'))
    .filter(Boolean);

/**
 * The first step was submitted with a video. Everything but the video is checked now, next to
 * its field; then a step is pushed that shows the video arriving (Slack waits 3 s for an
 * answer, a video takes longer), and the download runs after the answer. Once the video has
 * arrived and its file has been read, the step shows what is wrong with it for the networks
 * chosen, or what it is, with the button that submits the post (draftVideo).
 */
export async function startVideoStep(
  deps: SlackDeps,
  request: {
    ack: AckFn<ViewResponseAction>;
    userId: string;
    state: DraftModalState;
    input: DraftInput;
    errorsFor: (errors: DraftErrors) => Record<string, string>;
    source: VideoSource;
  },
): Promise<void> {
  const { ack, userId, state, input, source } = request;
  const validation = deps.gl.validateDraft({ ...input, images: [] });
  if (!validation.ok) {
    const errors = beforeVideo(validation.errors);
    if (Object.keys(errors).length) {
      await ack({ response_action: 'errors', errors: request.errorsFor(errors) });
      return;
    }
  }
  const key = deps.pending.put({ userId, state, input, images: [] });
  const show = (step: VideoStep) => buildVideoStepModal({ key, mode: state.mode, step });
  await ack({ response_action: 'push', view: show({ stage: 'receiving', name: source.name, received: 0, total: null }) });

  await afterAck(deps, { userId }, 'receiving your video', async () => {
    const update = (step: VideoStep) => deps.client.views.update({ external_id: videoStepExternalId(key), view: show(step) });
    let shownAt = deps.clock.now().getTime();
    let showing: Promise<unknown> = Promise.resolve();
    const received = await source.receive((bytes, total) => {
      const now = deps.clock.now().getTime();
      if (now - shownAt < VIDEO_PROGRESS_EVERY_MS) return;
      shownAt = now;
      // One update at a time, never awaited by the download: a slow Slack must not slow the file.
      showing = showing
        .then(() => update({ stage: 'receiving', name: source.name, received: bytes, total }))
        .catch((error: unknown) => {
          deps.logger.warn('could not show a video arriving', { user: userId, error });
        });
    });
    await showing;
    const pending = deps.pending.get(key, userId);
    if (!pending) return; // forgotten meanwhile (expired): the author submits again
    if (!received.ok) {
      await update({ stage: 'problem', name: source.name, messages: [received.message] });
      return;
    }
    const checked = deps.gl.validateDraft({ ...input, images: [], video: received.video });
    const problems = checked.ok
      ? []
      : messagesOf(Object.fromEntries(Object.entries(checked.errors).filter(([f]) => !f.startsWith('alt_'))));
    if (problems.length) {
      await update({ stage: 'problem', name: source.name, messages: problems });
      return;
    }
    pending.video = received.video;
    const notices = checked.ok ? await deps.gl.quotaNotices(checked.draft.networks, state.timezone) : [];
    await update({ stage: 'ready', video: received.video, notices });
  });
}

/** Submitting the video step: saves the draft with the first step's values and the video. */
export function register(listeners: ListenerTable, deps: SlackDeps): void {
  listeners.view(CALLBACK.draftVideo, async ({ ack, body, view }) => {
    const started = Date.now();
    const meta = decodeImageAltState(view.private_metadata);
    const pending = meta ? deps.pending.get(meta.key, body.user.id) : undefined;
    const problem = (messages: string[], name = pending?.video?.name ?? 'The video'): ViewResponseAction => ({
      response_action: 'update',
      view: buildVideoStepModal({
        key: meta?.key ?? 'expired',
        mode: pending?.state.mode ?? 'create',
        step: { stage: 'problem', name, messages },
      }),
    });
    if (!meta || !pending?.video) {
      await ack(problem([EXPIRED]));
      return;
    }
    const video = pending.video;
    await saveDraftFromDialog(deps, {
      ack,
      userId: body.user.id,
      state: pending.state,
      input: { ...pending.input, images: [], video },
      started,
      errorsFor: (errors) => Object.fromEntries(messagesOf(errors).map((m, i) => [String(i), m])),
      messageBlock: 'video',
      answerErrors: (errors) => problem(Object.values(errors), video.name),
      done: { response_action: 'clear' },
      saved: () => deps.pending.delete(meta.key),
    });
  });
}
