/**
 * A message in the chat with Greenlight that brings images or a video: they are taken into the
 * media store to wait for the person's next draft form (media-inbox.ts), and Greenlight says
 * what it took, what that replaced and what it did not take, and why.
 *
 * Images are small and taken inside the turn. A video takes longer than Teams waits for a
 * turn's answer, so the turn answers "Receiving your video …" at once and the video is
 * received after it (after-turn.ts), with a reply in the same chat when it has arrived (what
 * it is, and a button to draft a post with it) or could not be taken.
 */
import { CardFactory, type Activity, type TurnContext } from 'botbuilder';
import type { AfterTurn } from './after-turn.js';
import { attachedMediaLinks, takeAttachedImages, untakenLines, type AttachedMediaLinks } from './attached-media.js';
import { receiveTeamsVideo, type ReceivedVideo } from './attached-video.js';
import { isVideoLink } from '../../workflows/media/video-link.js';
import { imagesReply, videoArrivedReply, videoProblemReply, videoReceivingReply, type MediaReply } from './cards/media-replies.js';
import { INBOX_MAX } from './media-inbox.js';
import type { TeamsDeps } from './teams-deps.js';

const asActivity = (reply: MediaReply): Partial<Activity> => ({
  type: 'message',
  summary: reply.summary,
  attachments: [CardFactory.adaptiveCard(reply.card)],
});

const nothing = (links: AttachedMediaLinks) =>
  links.images.length + links.videos.length + links.elsewhere + links.videosElsewhere.length + links.notMedia.length === 0;

export class MediaMessages {
  constructor(
    private readonly deps: TeamsDeps,
    private readonly afterTurn: AfterTurn,
  ) {}

  /** Takes the message's images or video for the next draft form, and says so. False when the message brings none. */
  async take(context: TurnContext): Promise<boolean> {
    const links = attachedMediaLinks(context.activity);
    if (nothing(links)) return this.#takeVideoLink(context);
    const { gl } = this.deps;
    const media = gl.ctx.mediaStore;
    if (!media) {
      await context.sendActivity(
        'This Greenlight keeps no images or videos (no media store), so files in messages cannot be used; add an image link in the draft form instead.',
      );
      return true;
    }
    const person = await this.deps.people.identify(context);
    const untaken = untakenLines(links);
    const [video, ...moreVideos] = links.videos;
    if (video) {
      const notes = [
        ...(moreVideos.length
          ? [`A post takes one video: ${moreVideos.map((v) => v.name).join(', ')} ${moreVideos.length === 1 ? 'was' : 'were'} not taken.`]
          : []),
        ...(links.images.length
          ? [
              `A post takes images or one video, not both: the ${links.images.length === 1 ? 'image' : `${links.images.length} images`} in this message ${links.images.length === 1 ? 'was' : 'were'} not taken.`,
            ]
          : []),
        ...untaken,
      ];
      // The service URL was vouched for by the activity's token; in local mode it is this machine.
      const allowHttp = new URL(context.activity.serviceUrl).protocol === 'http:';
      const limits = gl.ctx.videoLimits;
      await this.#receiveVideo(
        context,
        person.id,
        video.name,
        notes,
        limits ? () => receiveTeamsVideo(video, media, limits, { allowHttp }) : undefined,
      );
      return true;
    }
    const taken = await takeAttachedImages(context, links.images, media, gl.ctx.mediaLimits ?? { maxBytes: 25 * 1024 * 1024 });
    const { waiting, dropped, replacedVideo } = this.deps.inbox.add(person.id, taken.stored);
    const reply = imagesReply({
      taken: taken.stored.length,
      waiting,
      dropped,
      max: INBOX_MAX,
      replacedVideo,
      untaken: [...untaken, ...taken.problems],
    });
    await context.sendActivity(asActivity(reply));
    return true;
  }

  /**
   * A message whose text is a link to a video (.mp4, .m4v, .mov): taken like an attached one,
   * downloaded from the public internet only (every redirect checked) after the turn.
   */
  async #takeVideoLink(context: TurnContext): Promise<boolean> {
    const link = videoLinkIn(context.activity.text ?? '');
    if (!link) return false;
    if (!this.deps.gl.ctx.mediaStore) return false;
    const person = await this.deps.people.identify(context);
    const name = decodeURIComponent(new URL(link).pathname.split('/').pop() || 'video');
    await this.#receiveVideo(context, person.id, name, [], () => this.deps.gl.takeVideoLink(link));
    return true;
  }

  /** Says the video is coming, and receives it once the turn has been answered. */
  async #receiveVideo(
    context: TurnContext,
    personId: number,
    name: string,
    notes: readonly string[],
    receive: (() => Promise<ReceivedVideo>) | undefined,
  ): Promise<void> {
    if (!receive) {
      await context.sendActivity(asActivity(videoProblemReply(name, 'this Greenlight takes no videos (no video limit is configured).')));
      return;
    }
    await context.sendActivity(asActivity(videoReceivingReply(name, notes)));
    // Only once the person has been told: a turn that failed before leaves nothing "on its way".
    const ticket = this.deps.inbox.expectVideo(personId, name);
    this.afterTurn.defer(context, `receiving the video ${name}`, async (say) => {
      let received: ReceivedVideo;
      try {
        received = await receive();
      } catch (error) {
        this.deps.inbox.videoFailed(personId, ticket);
        throw error;
      }
      if (!received.ok) {
        this.deps.inbox.videoFailed(personId, ticket);
        await say(asActivity(videoProblemReply(name, received.message)));
        return;
      }
      const placed = this.deps.inbox.placeVideo(personId, ticket, received.video);
      await say(asActivity(videoArrivedReply(received.video, placed)));
    });
  }
}

/**
 * The video link a message is, when it is nothing else (a link with text around it is a
 * command or a question, left to them). Teams may wrap a link in markup; that is dropped.
 */
export function videoLinkIn(text: string): string | undefined {
  const bare = text.replace(/<[^>]+>/g, '').trim();
  return /^https?:\/\/\S+$/.test(bare) && isVideoLink(bare) ? bare : undefined;
}
