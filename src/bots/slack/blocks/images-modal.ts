import type { KnownBlock, ModalView } from '@slack/types';
import type { PostImage } from '../../../domain/post.js';
import { imageFacts } from '../../presentation/image-lines.js';
import { CALLBACK } from '../ids.js';
import { context, escapeMrkdwn, LIMITS, plain, section, truncate } from './block-kit.js';

/**
 * Every uploaded image of a post with its whole alt text, and the image itself where Slack can
 * fetch it (`urls`, signed under PUBLIC_URL): what the card's "Images & alt text" opens, since
 * the card shows at most five images and cuts long alt text.
 */
export function buildImagesModal(postId: number, revisionNumber: number, images: readonly PostImage[], urls: readonly string[]): ModalView {
  const blocks: KnownBlock[] = [
    context(
      `Post #${postId}, revision ${revisionNumber} · ${images.length} image${images.length === 1 ? '' : 's'}, in the order they are published`,
    ),
  ];
  for (const [i, image] of images.entries()) {
    // An alt text is at most 1,000 characters: it fits one section whole.
    blocks.push(
      section(
        `*Image ${i + 1}* · ${imageFacts(image)}\n${image.alt ? `Alt text: “${escapeMrkdwn(image.alt)}”` : '⚠️ No alt text: people using screen readers will not know what it shows.'}`,
      ),
    );
    if (urls[i])
      blocks.push({ type: 'image', image_url: urls[i]!, alt_text: truncate(image.alt ?? `Image ${i + 1} of post #${postId}`, 2000) });
  }
  if (!urls.length) blocks.push(context('The images themselves show here when Greenlight has a public address (PUBLIC_URL).'));
  return {
    type: 'modal',
    callback_id: CALLBACK.images,
    title: plain(`Post #${postId} · images`, LIMITS.modalTitle),
    close: plain('Close', LIMITS.modalTitle),
    blocks,
  };
}
