import type { InputBlock, PlainTextOption } from '@slack/types';
import type { YouTubeDetails } from '../../../domain/post.js';
import { DEFAULT_YOUTUBE_CATEGORY, YOUTUBE_CATEGORIES, YOUTUBE_FIELDS, YOUTUBE_TITLE_MAX } from '../../../workflows/draft-validation.js';
import { INPUT_ACTION } from '../ids.js';
import { plain, truncate } from './block-kit.js';

/** Each YouTube field's block id is its field name, so errors land next to it. */
export const YOUTUBE_BLOCK = YOUTUBE_FIELDS;

const option = (text: string, value: string): PlainTextOption => ({ text: plain(text, 75), value });
const PRIVACY = [option('Public', 'public'), option('Unlisted (only people with the link)', 'unlisted')];
const KIDS = [option('No, it is not made for kids', 'no'), option('Yes, it is made for kids', 'yes')];
const CATEGORIES = Object.entries(YOUTUBE_CATEGORIES).map(([id, name]) => option(name, id));

/**
 * YouTube's own fields in the draft dialog, shown when YouTube is connected (a view cannot
 * grow as networks are ticked without losing focus) and read only when YouTube is chosen.
 */
export function youtubeBlocks(current: YouTubeDetails | null | undefined): InputBlock[] {
  const category = CATEGORIES.find((o) => o.value === (current?.categoryId ?? DEFAULT_YOUTUBE_CATEGORY));
  const privacy = PRIVACY.find((o) => o.value === (current?.privacy ?? 'public'));
  const kids = current ? KIDS[current.madeForKids ? 1 : 0] : undefined;
  return [
    {
      type: 'input',
      block_id: YOUTUBE_BLOCK.title,
      label: plain('YouTube title'),
      optional: true,
      element: {
        type: 'plain_text_input',
        action_id: INPUT_ACTION,
        max_length: 150,
        ...(current?.title ? { initial_value: truncate(current.title, 150) } : {}),
      },
      hint: plain(
        `Required when YouTube is chosen: up to ${YOUTUBE_TITLE_MAX} characters, no < or >. The text above is the video's description.`,
      ),
    },
    {
      type: 'input',
      block_id: YOUTUBE_BLOCK.tags,
      label: plain('YouTube tags'),
      optional: true,
      element: {
        type: 'plain_text_input',
        action_id: INPUT_ACTION,
        max_length: 600,
        ...(current?.tags.length ? { initial_value: current.tags.join(', ') } : {}),
      },
      hint: plain('Separated by commas, 500 characters in all.'),
    },
    {
      type: 'input',
      block_id: YOUTUBE_BLOCK.category,
      label: plain('YouTube category'),
      optional: true,
      element: { type: 'static_select', action_id: INPUT_ACTION, options: CATEGORIES, ...(category ? { initial_option: category } : {}) },
    },
    {
      type: 'input',
      block_id: YOUTUBE_BLOCK.privacy,
      label: plain('YouTube visibility'),
      optional: true,
      element: { type: 'radio_buttons', action_id: INPUT_ACTION, options: PRIVACY, ...(privacy ? { initial_option: privacy } : {}) },
      hint: plain('It waits as private on YouTube until the publish time.'),
    },
    {
      type: 'input',
      block_id: YOUTUBE_BLOCK.kids,
      label: plain('Made for kids?'),
      optional: true,
      element: { type: 'radio_buttons', action_id: INPUT_ACTION, options: KIDS, ...(kids ? { initial_option: kids } : {}) },
      hint: plain('YouTube requires an answer for every video (COPPA).'),
    },
    {
      type: 'input',
      block_id: YOUTUBE_BLOCK.thumbnail,
      label: plain('YouTube thumbnail'),
      optional: true,
      element: { type: 'file_input', action_id: INPUT_ACTION, filetypes: ['jpg', 'jpeg', 'png', 'gif'], max_files: 1 },
      hint: plain(
        current?.thumbnail
          ? 'The post has its own thumbnail; it stays unless you pick another.'
          : 'Optional: JPEG, PNG or GIF up to 2 MB, 1280×720 is best. Without one YouTube picks a frame.',
      ),
    },
  ];
}
