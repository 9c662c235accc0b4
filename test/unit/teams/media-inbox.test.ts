/**
 * What waits in Teams for a person's next draft form: images or one video, the newer replacing
 * the other, what was sent last winning over what arrived last; and the replies that say so.
 */
import { describe, expect, it } from 'vitest';
import { imagesReply, videoArrivedReply, videoProblemReply, videoReceivingReply } from '../../../src/bots/teams/cards/media-replies.js';
import { INBOX_MAX, MediaInbox } from '../../../src/bots/teams/media-inbox.js';
import type { PostVideo } from '../../../src/domain/post.js';
import type { StoredMedia } from '../../../src/media/media-store.js';
import { checkAdaptiveCard } from '../../support/adaptive-cards.js';

const image = (n: number): StoredMedia =>
  ({ sha256: String(n).padStart(64, '0'), type: 'image/jpeg', bytes: 1000, width: 1080, height: 1080 }) as StoredMedia;
const video = (name: string, sha = name): PostVideo => ({
  sha256: sha.padEnd(64, 'v'),
  bytes: 21_075_000,
  container: 'mp4',
  durationSeconds: 40,
  width: 1280,
  height: 720,
  videoCodec: 'avc1.640028',
  audioCodec: 'mp4a.40.2',
  name,
});
const ANN = 1;
const BOB = 2;

describe('Teams: what waits for the next draft', () => {
  it('a video that arrives replaces waiting images, and images sent later replace the video', () => {
    const inbox = new MediaInbox(() => 0);
    expect(inbox.add(ANN, [image(1), image(2)])).toEqual({ waiting: 2, dropped: 0, replacedVideo: null });
    const ticket = inbox.expectVideo(ANN, 'tour.mp4');
    expect(inbox.receiving(ANN)).toBe('tour.mp4');
    // Until it has arrived, the images still wait.
    expect(inbox.waiting(ANN).images).toHaveLength(2);
    expect(inbox.placeVideo(ANN, ticket, video('tour.mp4'))).toEqual({ placed: true, replacedImages: 2, replacedVideo: null });
    expect(inbox.waiting(ANN)).toEqual({ images: [], video: video('tour.mp4') });
    expect(inbox.receiving(ANN)).toBeUndefined();

    expect(inbox.add(ANN, [image(3)])).toEqual({ waiting: 1, dropped: 0, replacedVideo: 'tour.mp4' });
    expect(inbox.waiting(ANN)).toEqual({ images: [image(3)], video: null });
    // Someone else's inbox is their own.
    expect(inbox.waiting(BOB)).toEqual({ images: [], video: null });
  });

  it('a second video replaces the first; images that failed to arrive change nothing', () => {
    const inbox = new MediaInbox(() => 0);
    inbox.placeVideo(ANN, inbox.expectVideo(ANN, 'a.mp4'), video('a.mp4'));
    expect(inbox.add(ANN, [])).toEqual({ waiting: 0, dropped: 0, replacedVideo: null });
    expect(inbox.waiting(ANN).video?.name).toBe('a.mp4');
    expect(inbox.placeVideo(ANN, inbox.expectVideo(ANN, 'b.mp4'), video('b.mp4'))).toEqual({
      placed: true,
      replacedImages: 0,
      replacedVideo: 'a.mp4',
    });
    expect(inbox.waiting(ANN).video?.name).toBe('b.mp4');
  });

  it('what was sent last wins: a video overtaken by images or another video sent after it is not put in', () => {
    const inbox = new MediaInbox(() => 0);
    const slow = inbox.expectVideo(ANN, 'slow.mp4');
    const fast = inbox.expectVideo(ANN, 'fast.mp4');
    expect(inbox.placeVideo(ANN, fast, video('fast.mp4'))).toMatchObject({ placed: true });
    expect(inbox.placeVideo(ANN, slow, video('slow.mp4'))).toEqual({ placed: false });
    expect(inbox.waiting(ANN).video?.name).toBe('fast.mp4');

    const late = inbox.expectVideo(ANN, 'late.mp4');
    inbox.add(ANN, [image(1)]);
    expect(inbox.receiving(ANN)).toBeUndefined();
    // A draft submitted meanwhile does not make the overtaken video count again.
    inbox.clear(ANN);
    expect(inbox.placeVideo(ANN, late, video('late.mp4'))).toEqual({ placed: false });
    expect(inbox.waiting(ANN)).toEqual({ images: [], video: null });
  });

  it('a video that failed is no longer on its way, and what waited still does', () => {
    const inbox = new MediaInbox(() => 0);
    inbox.add(ANN, [image(1)]);
    const ticket = inbox.expectVideo(ANN, 'broken.mp4');
    inbox.videoFailed(ANN, ticket);
    expect(inbox.receiving(ANN)).toBeUndefined();
    expect(inbox.waiting(ANN).images).toEqual([image(1)]);
  });

  it('a video on its way when a draft is submitted still arrives for the next one', () => {
    const inbox = new MediaInbox(() => 0);
    const ticket = inbox.expectVideo(ANN, 'next.mp4');
    inbox.clear(ANN);
    expect(inbox.receiving(ANN)).toBe('next.mp4');
    expect(inbox.placeVideo(ANN, ticket, video('next.mp4'))).toMatchObject({ placed: true });
    expect(inbox.waiting(ANN).video?.name).toBe('next.mp4');
  });

  it('keeps at most ten images, and forgets after two hours', () => {
    let now = 0;
    const inbox = new MediaInbox(() => now);
    expect(
      inbox.add(
        ANN,
        Array.from({ length: INBOX_MAX + 2 }, (_, i) => image(i)),
      ),
    ).toEqual({ waiting: INBOX_MAX, dropped: 2, replacedVideo: null });
    inbox.placeVideo(BOB, inbox.expectVideo(BOB, 'x.mp4'), video('x.mp4'));
    now = 2 * 3600_000 + 1;
    expect(inbox.waiting(ANN).images).toEqual([]);
    expect(inbox.waiting(BOB).video).toBeNull();
  });
});

describe('Teams: replies about images and videos sent in the chat', () => {
  const shown = (reply: { card: unknown }) => {
    expect(checkAdaptiveCard(reply.card).errors).toEqual([]);
    return JSON.stringify(reply.card);
  };
  const buttons = (reply: { card: { actions?: Array<{ title?: unknown; data?: unknown }> } }) =>
    (reply.card.actions ?? []).map((a) => [a.title, a.data]);
  const opensForm = { msteams: { type: 'task/fetch' }, commandId: 'draftPost', text: '' };

  it('receiving: at once, with what else in the message was not taken, and no button yet', () => {
    const reply = videoReceivingReply('tour [1].mp4', ['A post takes one video: b.mp4 was not taken.']);
    const json = shown(reply);
    expect(reply.summary).toBe('Receiving your video tour [1].mp4… I will say here when it has arrived.');
    // On the card, a name cannot become markup.
    expect(json).toContain('Receiving your video tour \\\\[1\\\\].mp4');
    expect(json).toContain('A post takes one video: b.mp4 was not taken.');
    expect(buttons(reply)).toEqual([]);
  });

  it('arrived: what it is, what it replaced, and the button that drafts a post with it', () => {
    const reply = videoArrivedReply(video('tour.mp4'), { placed: true, replacedImages: 3, replacedVideo: null });
    const json = shown(reply);
    expect(reply.summary).toBe('Got your video tour.mp4 (MP4 · 40 s · 1280×720 · 20.1 MB): it is waiting for your next draft.');
    expect(json).toContain('It replaces the 3 images that were waiting: a post has images or one video.');
    expect(buttons(reply)).toEqual([['Draft a post with it', opensForm]]);
    const again = videoArrivedReply(video('b.mp4'), { placed: true, replacedImages: 0, replacedVideo: 'a.mp4' });
    expect(shown(again)).toContain('It replaces the video a.mp4 that was waiting');
    const overtaken = videoArrivedReply(video('old.mp4'), { placed: false });
    expect(overtaken.summary).toMatch(/^Your video old\.mp4 arrived, but you have sent something newer since/);
    expect(buttons(overtaken)).toEqual([]);
  });

  it('a problem names the video and says why, with no button', () => {
    const reply = videoProblemReply('holiday.mp4', 'This file is not a video Greenlight can read (MP4 or MOV): no movie box.');
    expect(reply.summary).toBe(
      'Your video holiday.mp4 was not taken: This file is not a video Greenlight can read (MP4 or MOV): no movie box.',
    );
    expect(shown(reply)).toContain('can read \\\\(MP4 or MOV\\\\)');
    expect(buttons(reply)).toEqual([]);
  });

  it('images: how many wait, the video they replaced, what was not taken; a button only when something waits', () => {
    const reply = imagesReply({
      taken: 2,
      waiting: 2,
      dropped: 0,
      max: 10,
      replacedVideo: 'tour.mp4',
      untaken: ['plan.pdf was not taken: Greenlight takes JPEG, PNG, GIF and WebP images, and MP4 and MOV videos.'],
    });
    const json = shown(reply);
    expect(reply.summary).toBe('Got 2 images: 2 images are waiting for your next draft, where you can describe each one (alt text).');
    expect(json).toContain('They replace the video tour.mp4 that was waiting: a post has images or one video.');
    expect(json).toContain('plan.pdf was not taken');
    expect(buttons(reply)).toEqual([['Draft a post with them', opensForm]]);
    expect(buttons(imagesReply({ taken: 0, waiting: 0, dropped: 0, max: 10, replacedVideo: null, untaken: ['x'] }))).toEqual([]);
  });
});
