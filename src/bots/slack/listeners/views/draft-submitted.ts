import type { AckFn, ViewResponseAction } from '@slack/bolt';
import type { DraftErrors, YouTubeInput } from '../../../../workflows/draft-validation.js';
import type { DraftModalState } from '../../blocks/draft-modal.js';
import { YOUTUBE_BLOCK } from '../../blocks/youtube-fields.js';
import { decodeDraftState } from '../../blocks/draft-modal.js';
import { buildImageAltModal } from '../../blocks/image-alt-modal.js';
import { errorsByBlock, readDraftForm, readUploads, textBlockIn } from '../../draft-form.js';
import { BLOCK, CALLBACK } from '../../ids.js';
import type { PendingImage } from '../../pending-drafts.js';
import { isVideoUpload, keepSlackUploads } from '../../slack-uploads.js';
import { linkedVideo, pickedVideo, startVideoStep } from './draft-video.js';
import { isVideoLink } from '../../../../workflows/media/video-link.js';
import { checkMediaLink, PUBLIC_MEDIA_ONLY } from '../../../../domain/media-links.js';
import type { SlackDeps } from '../deps.js';
import type { ListenerTable } from '../listener-table.js';
import { saveDraftFromDialog } from './draft-save.js';

export { DIALOG_WRITE_BUDGET_MS } from './draft-save.js';

/** Alt text is asked for in the second step: its errors are not the first step's. */
const withoutAltErrors = (errors: DraftErrors): DraftErrors =>
  Object.fromEntries(Object.entries(errors).filter(([field]) => !field.startsWith('alt_')));

/**
 * Submitting the draft dialog. Without images, the draft is validated and saved here. With
 * images (picked now, or already on the post being edited), the picked files are downloaded
 * into the media store first (a problem goes next to the file field, and the text stays),
 * the rest is checked, and a second step is pushed over this one to ask for each image's alt
 * text; that step's submission saves the draft (draft-images-submitted.ts).
 */
export function register(listeners: ListenerTable, deps: SlackDeps): void {
  listeners.view(CALLBACK.draft, async ({ ack, body, view }) => {
    const started = Date.now();
    const state = decodeDraftState(view.private_metadata);
    // Errors go next to whichever version of the text block the dialog shows.
    const textBlock = textBlockIn(view.state.values, state);
    if (!state) {
      await ack({ response_action: 'errors', errors: { [textBlock]: 'This dialog is out of date. Close it and run /draft again.' } });
      return;
    }
    const input = readDraftForm(view.state.values, state);
    const userId = body.user.id;
    const errorsFor = (errors: DraftErrors) => errorsByBlock(errors, textBlock);

    if (input.youtube && !(await takeThumbnail(deps, { ack, state, values: view.state.values, youtube: input.youtube }))) return;

    let images: PendingImage[] = [];
    const uploads = readUploads(view.state.values);
    const video = uploads.find(isVideoUpload);
    if (video) {
      if (uploads.length > 1) {
        await ack({
          response_action: 'errors',
          errors: { [BLOCK.files]: 'A post takes images or one video, not both: pick one video, or images only.' },
        });
        return;
      }
      await startVideoStep(deps, { ack, userId, state, input, errorsFor, source: pickedVideo(deps, video) });
      return;
    }
    if (input.mediaUrl && isVideoLink(input.mediaUrl) && checkMediaLink(input.mediaUrl.trim(), deps.gl.ctx.media ?? PUBLIC_MEDIA_ONLY).ok) {
      // A link to a video is taken like a picked one: downloaded into the store, so approvers approve those bytes.
      const link = input.mediaUrl.trim();
      await startVideoStep(deps, { ack, userId, state, input: { ...input, mediaUrl: null }, errorsFor, source: linkedVideo(deps, link) });
      return;
    }
    try {
      if (uploads.length) {
        const kept = await keepSlackUploads(deps.uploads, uploads);
        if (!kept.ok) {
          await ack({ response_action: 'errors', errors: { [BLOCK.files]: kept.message } });
          return;
        }
        images = kept.images;
      } else if (state.mode === 'edit' && state.postId) {
        // Nothing picked: the post keeps what it has (its images, or its video).
        const post = await deps.gl.getPost(state.postId);
        images = (post?.revision.images ?? []).map((image, i) => ({ image, name: `Image ${i + 1}` }));
        if (post?.revision.video) input.video = post.revision.video;
      }
    } catch (error) {
      deps.logger.error('could not take the draft’s images', { user: userId, error });
      await ack({ response_action: 'errors', errors: { [BLOCK.files]: 'Greenlight could not take these images just now; try again.' } });
      return;
    }

    if (!images.length) {
      await saveDraftFromDialog(deps, { ack, userId, state, input, started, errorsFor, messageBlock: textBlock });
      return;
    }

    // Everything but the alt text is checked now, next to the fields the author can still see.
    const validation = deps.gl.validateDraft({ ...input, images: images.map((i) => i.image) });
    if (!validation.ok) {
      const errors = withoutAltErrors(validation.errors);
      if (Object.keys(errors).length) {
        await ack({ response_action: 'errors', errors: errorsFor(errors) });
        return;
      }
    }
    const key = deps.pending.put({ userId, state, input, images });
    await ack({
      // Pushed, not updated: the first step stays underneath with everything typed ("Back").
      response_action: 'push',
      view: buildImageAltModal({
        key,
        mode: state.mode,
        ...(state.postId !== undefined ? { postId: state.postId } : {}),
        requireAltText: deps.requireAltText,
        images: images.map((i) => ({ ...i.image, name: i.name, ...(i.slackFileId ? { slackFileId: i.slackFileId } : {}) })),
      }),
    });
  });
}

/**
 * YouTube's thumbnail: a picked image is downloaded now (a problem goes next to its field);
 * editing without picking one keeps the post's. False when the dialog was answered with a problem.
 */
async function takeThumbnail(
  deps: SlackDeps,
  request: { ack: AckFn<ViewResponseAction>; state: DraftModalState; values: unknown; youtube: YouTubeInput },
): Promise<boolean> {
  const [picked] = readUploads(request.values, YOUTUBE_BLOCK.thumbnail);
  if (picked) {
    const kept = await keepSlackUploads(deps.uploads, [picked]).catch((error: unknown) => {
      deps.logger.error('could not take a YouTube thumbnail', { error });
      return { ok: false as const, message: 'Greenlight could not take this image just now; try again.' };
    });
    if (!kept.ok) {
      await request.ack({ response_action: 'errors', errors: { [YOUTUBE_BLOCK.thumbnail]: kept.message } });
      return false;
    }
    request.youtube.thumbnail = kept.images[0]!.image;
  } else if (request.state.mode === 'edit' && request.state.postId) {
    request.youtube.thumbnail = (await deps.gl.getPost(request.state.postId))?.revision.youtube?.thumbnail ?? null;
  }
  return true;
}
