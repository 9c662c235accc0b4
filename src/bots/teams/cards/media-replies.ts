/**
 * Greenlight's replies in the 1:1 chat when someone sends it images or a video for their next
 * draft: what was taken and waits, what it replaced (a post has images or one video), what
 * was not taken and why, and the button that opens the draft form. Pure: data in, card out.
 * Lines are written plain (file names and messages as they are): the card escapes them, the
 * notification's summary shows them as written.
 */
import type { PostVideo } from '../../../domain/post.js';
import { videoFacts } from '../../presentation/image-lines.js';
import { card, submit, text, type AdaptiveCard } from './adaptive.js';
import { DRAFT_COMMAND } from './draft-form.js';
import { escapeCardMarkdown } from './teams-markup.js';

export interface MediaReply {
  card: AdaptiveCard;
  /** The notification's text (plain, not markdown). */
  summary: string;
}

/** Opens the draft form in a dialog, with what waits (Teams sends `task/fetch`). */
export const draftFormButton = (title: string) => submit(title, { msteams: { type: 'task/fetch' }, commandId: DRAFT_COMMAND, text: '' });

const reply = (lines: readonly string[], options: { button?: string; fallback: string }): MediaReply => ({
  card: card(
    lines.map((l) => text(escapeCardMarkdown(l))),
    { actions: options.button ? [draftFormButton(options.button)] : [] },
  ),
  summary: lines[0] ?? options.fallback,
});

const images = (n: number) => (n === 1 ? 'the image' : `the ${n} images`);

/** Images were sent: what was taken, how many wait, what they replaced, and what was not taken (`untaken`). */
export function imagesReply(model: {
  taken: number;
  waiting: number;
  dropped: number;
  max: number;
  replacedVideo: string | null;
  untaken: readonly string[];
}): MediaReply {
  const lines: string[] = [];
  if (model.taken) {
    lines.push(
      `Got ${model.taken === 1 ? 'the image' : `${model.taken} images`}: ${model.waiting === 1 ? 'it is' : `${model.waiting} images are`} waiting for your next draft, where you can describe each one (alt text).`,
    );
  }
  if (model.taken && model.replacedVideo)
    lines.push(`They replace the video ${model.replacedVideo} that was waiting: a post has images or one video.`);
  if (model.dropped) lines.push(`A post takes at most ${model.max} images: ${model.dropped} more were not kept.`);
  lines.push(...model.untaken);
  return reply(lines, { ...(model.waiting ? { button: 'Draft a post with them' } : {}), fallback: 'Images' });
}

/** A video was sent and is on its way in; `notes` say what else in the message was not taken. */
export function videoReceivingReply(name: string, notes: readonly string[]): MediaReply {
  return reply([`Receiving your video ${name}… I will say here when it has arrived.`, ...notes], { fallback: 'Receiving your video' });
}

/** The video arrived and waits for the next draft (or something newer was sent meanwhile). */
export function videoArrivedReply(
  video: PostVideo,
  placed: { placed: true; replacedImages: number; replacedVideo: string | null } | { placed: false },
): MediaReply {
  const name = video.name;
  if (!placed.placed) {
    return reply(
      [
        `Your video ${name} arrived, but you have sent something newer since: that waits for your next draft instead. Send the video again to use it.`,
      ],
      { fallback: 'Video' },
    );
  }
  const lines = [`Got your video ${name} (${videoFacts(video)}): it is waiting for your next draft.`];
  if (placed.replacedImages)
    lines.push(
      `It replaces ${images(placed.replacedImages)} that ${placed.replacedImages === 1 ? 'was' : 'were'} waiting: a post has images or one video.`,
    );
  if (placed.replacedVideo) lines.push(`It replaces the video ${placed.replacedVideo} that was waiting: a post has one video.`);
  return reply(lines, { button: 'Draft a post with it', fallback: 'Video' });
}

/** The video could not be taken: `problem` says why, in the person's words. */
export function videoProblemReply(name: string, problem: string): MediaReply {
  return reply([`Your video ${name} was not taken: ${problem}`], { fallback: 'Video not taken' });
}
