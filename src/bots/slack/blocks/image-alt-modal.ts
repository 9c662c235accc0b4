import type { InputBlock, KnownBlock, ModalView, SectionBlock } from '@slack/types';
import type { ImageType } from '../../../domain/image-format.js';
import { imageFacts } from '../../presentation/image-lines.js';
import { MAX_ALT_TEXT } from '../../../workflows/draft-validation.js';
import { BLOCK, CALLBACK, INPUT_ACTION } from '../ids.js';
import { context, escapeMrkdwn, LIMITS, plain, truncate } from './block-kit.js';

/** One image as the second step lists it. */
export interface AltImage {
  name: string;
  type: ImageType;
  width: number;
  height: number;
  bytes: number;
  alt: string | null;
  /** A Slack file the app can read: shown as a thumbnail (`slack_file`). */
  slackFileId?: string;
}

export interface ImageAltModalInput {
  /** Where the first step's values wait (PendingDrafts). */
  key: string;
  mode: 'create' | 'edit';
  postId?: number;
  images: readonly AltImage[];
  requireAltText: boolean;
}

export const altBlockId = (index: number): string => `${BLOCK.altPrefix}${index}`;

/**
 * The draft dialog's second step, pushed over the first: each image (name, thumbnail when
 * Slack can show it, type and size) with an alt text input. Submitting it creates the draft.
 */
export function buildImageAltModal(input: ImageAltModalInput): ModalView {
  const blocks: KnownBlock[] = [
    context(
      input.requireAltText
        ? 'Describe each image for people who cannot see it. Alt text is required here.'
        : 'Describe each image for people who cannot see it (recommended; networks show it to screen readers).',
    ),
  ];
  input.images.forEach((image, i) => {
    const line: SectionBlock = {
      type: 'section',
      text: { type: 'mrkdwn', text: `*${i + 1}. ${escapeMrkdwn(truncate(image.name, 200))}*\n${imageFacts(image)}` },
      ...(image.slackFileId
        ? { accessory: { type: 'image', slack_file: { id: image.slackFileId }, alt_text: truncate(`Image ${i + 1}: ${image.name}`, 2000) } }
        : {}),
    };
    const alt: InputBlock = {
      type: 'input',
      block_id: altBlockId(i),
      label: plain(`Alt text for image ${i + 1}`),
      optional: !input.requireAltText,
      element: {
        type: 'plain_text_input',
        action_id: INPUT_ACTION,
        multiline: true,
        max_length: MAX_ALT_TEXT,
        ...(image.alt ? { initial_value: truncate(image.alt, MAX_ALT_TEXT) } : {}),
        placeholder: plain('What the image shows'),
      },
    };
    blocks.push(line, alt);
  });
  return {
    type: 'modal',
    callback_id: CALLBACK.draftImages,
    title: plain('Describe your images', LIMITS.modalTitle),
    submit: plain(input.mode === 'edit' ? 'Resubmit' : 'Submit for approval', LIMITS.modalTitle),
    close: plain('Back', LIMITS.modalTitle),
    private_metadata: JSON.stringify({ k: input.key }),
    blocks,
  };
}

export function decodeImageAltState(metadata: string): { key: string } | undefined {
  try {
    const raw = JSON.parse(metadata) as { k?: unknown };
    return typeof raw.k === 'string' && raw.k.length <= 64 ? { key: raw.k } : undefined;
  } catch {
    return undefined;
  }
}
