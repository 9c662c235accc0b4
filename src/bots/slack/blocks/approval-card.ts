import type { KnownBlock } from '@slack/types';
import { formatInstant } from '../../../domain/time.js';
import type { PostView } from '../../../workflows/post-view.js';
import { cardSummary, publicationLine, publishTimeLine, statusLine, usageLine } from '../../presentation/post-lines.js';
import { ACTION, BLOCK, encodeRef } from '../ids.js';
import { actions, button, context, escapeMrkdwn, header, section, truncate } from './block-kit.js';
import { decisionButtons } from './decision-buttons.js';
import { imageFacts, videoFacts, youtubeFacts } from '../../presentation/image-lines.js';
import { YOUTUBE_CATEGORIES } from '../../../workflows/draft-validation.js';
import { who } from './people.js';
import { SLACK_MARKUP } from './slack-markup.js';

/** Card text is cut here (leaving room for escaping); the full text is one click away. */
export const CARD_TEXT_CHARS = 2400;

/** Images listed one per line on the card; beyond, one line says how many more. */
export const CARD_IMAGES = 5;
const VARIANT_CHARS = 1200;
/** Alt text on the card is a glimpse; "Images & alt text" shows it whole. */
const ALT_CHARS = 120;

/**
 * Each uploaded image with its facts and alt text (or a warning that it has none), and the
 * image itself where there is a link Slack can fetch it from (`urls`, signed under PUBLIC_URL).
 */
function imageBlocks(view: PostView, urls: readonly string[]): KnownBlock[] {
  const shown = view.images.slice(0, CARD_IMAGES);
  const blocks: KnownBlock[] = shown.flatMap((image, i): KnownBlock[] => [
    context(
      `🖼 *Image ${i + 1}* · ${imageFacts(image)} · ${image.alt ? `Alt text: “${escapeMrkdwn(truncate(image.alt, ALT_CHARS))}”` : '⚠️ no alt text'}`,
    ),
    ...(urls[i]
      ? [{ type: 'image' as const, image_url: urls[i]!, alt_text: truncate(image.alt ?? `Image ${i + 1} of post #${view.id}`, 2000) }]
      : []),
  ]);
  const more = view.images.length - shown.length;
  if (more > 0) {
    const missing = view.images.slice(CARD_IMAGES).filter((i) => !i.alt).length;
    blocks.push(
      context(
        `…and ${more} more image${more === 1 ? '' : 's'}${missing ? ` (⚠️ ${missing} without alt text)` : ''}: *Images & alt text* shows them all`,
      ),
    );
  }
  return blocks;
}

/** The notification text (shown in notifications and where blocks cannot be). */
export const cardFallbackText = cardSummary;

/**
 * The approval card in the approvals channel. Pure: the same post gives the same card,
 * and it is rebuilt from the post's current state on every change (chat.update).
 */
export function buildApprovalCard(view: PostView, options: { includeImage?: boolean; imageUrls?: readonly string[] } = {}): KnownBlock[] {
  const truncated = Array.from(view.text).length > CARD_TEXT_CHARS;
  const meta = [
    `by ${who(view.author)}`,
    `revision ${view.revisionNumber}`,
    `submitted ${formatInstant(view.submittedAt, view.author.timezone ?? view.publishZone)}`,
    ...(view.aiAssisted ? ['✨ AI-assisted text'] : []),
  ];
  const usage = usageLine(view);

  const blocks: KnownBlock[] = [
    header(`Post #${view.id} · ${view.statusLabel}`),
    context(meta.join(' · ')),
    section(escapeMrkdwn(truncate(view.text, CARD_TEXT_CHARS)) || ' '),
    context(usage || 'No networks'),
  ];
  for (const variant of view.variants) {
    blocks.push(section(`*${escapeMrkdwn(variant.label)} gets its own text:*\n${escapeMrkdwn(truncate(variant.text, VARIANT_CHARS))}`));
  }
  blocks.push(...imageBlocks(view, options.includeImage === false ? [] : (options.imageUrls ?? [])));
  if (view.video) blocks.push(context(`🎬 *Video* · ${escapeMrkdwn(truncate(view.video.name, 120))} · ${videoFacts(view.video)}`));
  if (view.youtube)
    blocks.push(
      context(`▶️ *YouTube:* ${escapeMrkdwn(truncate(youtubeFacts(view.youtube, YOUTUBE_CATEGORIES[view.youtube.categoryId]), 1500))}`),
    );
  if (view.mediaUrl) {
    blocks.push(
      options.includeImage === false
        ? context(`🖼 Image: <${view.mediaUrl}|${escapeMrkdwn(truncate(view.mediaUrl, 80))}>`)
        : { type: 'image', image_url: view.mediaUrl, alt_text: `Image for post #${view.id}` },
    );
  }
  blocks.push(section(publishTimeLine(SLACK_MARKUP, view)));
  blocks.push(section(statusLine(SLACK_MARKUP, view)));
  if (view.publications.length) {
    blocks.push(context(...view.publications.map((p) => publicationLine(SLACK_MARKUP, p, view.publishZone))));
  }

  const ref = encodeRef({ postId: view.id, revisionId: view.revisionId });
  const buttons = [];
  if (view.decidable) buttons.push(...decisionButtons(view));
  if (truncated) buttons.push(button({ text: 'Show full text', actionId: ACTION.fullText, value: ref }));
  if (view.images.length) buttons.push(button({ text: 'Images & alt text', actionId: ACTION.images, value: ref }));
  if (buttons.length) blocks.push(actions(BLOCK.cardActions, buttons));
  return blocks;
}
