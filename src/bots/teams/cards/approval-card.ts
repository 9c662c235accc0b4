/**
 * The approval card in the Teams approvals channel, from the same view model as Slack's card.
 * Everyone sees the post and its status; approvers get the decision buttons through the
 * card's refresh (Universal Actions): Teams asks Greenlight for their view of the card, and
 * every click is checked on the server whatever the view showed.
 */
import { formatInstant } from '../../../domain/time.js';
import { imageFacts, videoFacts, youtubeFacts } from '../../presentation/image-lines.js';
import { YOUTUBE_CATEGORIES } from '../../../workflows/draft-validation.js';
import type { PostView } from '../../../workflows/post-view.js';
import { cardSummary, publicationLine, publishTimeLine, statusLine, usageLine } from '../../presentation/post-lines.js';
import { truncate } from '../../presentation/markup.js';
import { attention, card, execute, heading, showCard, subtle, text, type AdaptiveCard, type CardElement } from './adaptive.js';
import { escapeCardMarkdown, TEAMS_MARKUP as m } from './teams-markup.js';

/** The text shown on the card; the rest is one click away (a card stays well under 28 KB). */
export const CARD_TEXT_CHARS = 2400;
/** Teams refreshes a card by itself for at most this many users (its documented limit). */
export const REFRESH_USERS_MAX = 60;

export const VERB = {
  refresh: 'refreshCard',
  approve: 'approve',
  requestChanges: 'requestChanges',
  reject: 'reject',
  fullText: 'fullText',
} as const;

export interface CardViewer {
  /** Show the decision buttons (an approver, on a post that can still be decided). */
  canDecide: boolean;
  /** A problem to show above the buttons (a comment that is needed, say). */
  problem?: string;
  /** The whole text, each variant and each alt text, not cut ("Show full text"). */
  fullText?: boolean;
  /** Links Teams can show the uploaded images from (signed under PUBLIC_URL), in order. */
  imageUrls?: readonly string[];
}

/** What every click on the card carries: which post and which revision the card showed. */
export const cardData = (view: PostView) => ({ postId: view.id, revisionId: view.revisionId });

const VARIANT_CHARS = 1200;
/** Alt text on the card is a glimpse; "Show full text" shows it whole. */
const ALT_CHARS = 120;

const chars = (s: string) => Array.from(s).length;
/** Whether the card as posted leaves out part of any text (main, a variant, an alt text). */
const cutsText = (view: PostView) =>
  chars(view.text) > CARD_TEXT_CHARS ||
  view.variants.some((v) => chars(v.text) > VARIANT_CHARS) ||
  view.images.some((i) => i.alt !== null && chars(i.alt) > ALT_CHARS);

/** Each uploaded image with its facts and alt text (or a warning that it has none), and the image where it has a link. */
function imageLines(view: PostView, urls: readonly string[], fullText: boolean): CardElement[] {
  return view.images.flatMap((image, i): CardElement[] => [
    subtle(
      `🖼 **Image ${i + 1}** · ${imageFacts(image)} · ${image.alt ? `Alt text: “${escapeCardMarkdown(fullText ? image.alt : truncate(image.alt, ALT_CHARS))}”` : '⚠️ no alt text'}`,
    ),
    ...(urls[i] ? [{ type: 'Image', url: urls[i]!, altText: image.alt ?? `Image ${i + 1} of post #${view.id}`, size: 'Medium' }] : []),
  ]);
}

function body(view: PostView, fullText: boolean, imageUrls: readonly string[]): CardElement[] {
  const meta = [
    `by ${m.person(view.author)}`,
    `revision ${view.revisionNumber}`,
    `submitted ${formatInstant(view.submittedAt, view.author.timezone ?? view.publishZone)}`,
    ...(view.aiAssisted ? ['✨ AI-assisted text'] : []),
  ];
  const elements: CardElement[] = [
    heading(`Post #${view.id} · ${view.statusLabel}`),
    subtle(meta.join(' · ')),
    text(escapeCardMarkdown(fullText ? view.text : truncate(view.text, CARD_TEXT_CHARS)) || ' ', { spacing: 'Medium' }),
    subtle(usageLine(view) || 'No networks'),
  ];
  for (const variant of view.variants) {
    elements.push(
      text(`**${escapeCardMarkdown(variant.label)} gets its own text:**`, { spacing: 'Medium' }),
      text(escapeCardMarkdown(fullText ? variant.text : truncate(variant.text, VARIANT_CHARS)), { spacing: 'None' }),
    );
  }
  if (view.mediaUrl) elements.push({ type: 'Image', url: view.mediaUrl, altText: `Image for post #${view.id}`, size: 'Large' });
  elements.push(...imageLines(view, imageUrls, fullText));
  if (view.video) elements.push(subtle(`🎬 **Video** · ${escapeCardMarkdown(truncate(view.video.name, 120))} · ${videoFacts(view.video)}`));
  if (view.youtube)
    elements.push(
      subtle(
        `▶️ **YouTube:** ${escapeCardMarkdown(truncate(youtubeFacts(view.youtube, YOUTUBE_CATEGORIES[view.youtube.categoryId]), 1500))}`,
      ),
    );
  elements.push(text(publishTimeLine(m, view), { spacing: 'Medium' }), text(statusLine(m, view)));
  for (const p of view.publications) elements.push(subtle(publicationLine(m, p, view.publishZone)));
  return elements;
}

/**
 * The card as `viewer` sees it. Posted to the channel it is the status view (no buttons) with
 * a refresh for `approverIds` (Teams user ids), so approvers see buttons without a click.
 */
export function buildApprovalCard(view: PostView, viewer: CardViewer, approverIds: readonly string[] = []): AdaptiveCard {
  const data = cardData(view);
  const elements = body(view, viewer.fullText ?? false, viewer.imageUrls ?? []);
  const actions: CardElement[] = [];
  if (viewer.canDecide && view.decidable) {
    if (viewer.problem) elements.push(attention(viewer.problem));
    actions.push(
      execute('Approve', VERB.approve, data, { style: 'positive', associatedInputs: 'none' }),
      showCard(
        'Request changes',
        [
          {
            type: 'Input.Text',
            id: 'changes',
            label: 'What should change?',
            isMultiline: true,
            isRequired: true,
            errorMessage: 'Say what should change: the author sees it.',
            maxLength: 1000,
          },
        ],
        [execute('Send to the author', VERB.requestChanges, data, { associatedInputs: 'auto' })],
      ),
      showCard(
        'Reject',
        [
          text(`Reject post #${view.id}? The author will be told. A rejected post cannot be resubmitted.`),
          { type: 'Input.Text', id: 'reason', label: 'Why (optional)', isMultiline: true, maxLength: 1000 },
        ],
        [execute(`Reject post #${view.id}`, VERB.reject, data, { style: 'destructive', associatedInputs: 'auto' })],
      ),
    );
  }
  if (!viewer.fullText && cutsText(view)) actions.push(execute('Show full text', VERB.fullText, data, { associatedInputs: 'none' }));
  const ids = approverIds.slice(0, REFRESH_USERS_MAX);
  return card(elements, {
    actions,
    // Beyond the limit Teams shows everyone a manual refresh; every click is checked anyway.
    refresh: {
      action: execute('Refresh', VERB.refresh, data),
      ...(ids.length && approverIds.length <= REFRESH_USERS_MAX ? { userIds: [...ids] } : {}),
    },
  });
}

/** The notification text that comes with the card. */
export const approvalCardSummary = cardSummary;
