/**
 * The draft form, in a Teams dialog (task module): Adaptive Card 1.5 with the text, the
 * networks (multi-select, expanded), the publish date and time in the author's zone (the form
 * says which), an image link, the images sent in the chat (each with its alt text) or the
 * video sent there (with YouTube's daily quota when YouTube is connected), YouTube's own
 * fields when YouTube is connected, a text per network, and, when AI captions are on, the
 * tone and Suggest captions. Problems come back on the form next to their field; suggestions
 * come back with Use this.
 */
import { NETWORK_LABELS, type NetworkId } from '../../../domain/network.js';
import type { ImageType } from '../../../domain/image-format.js';
import type { PostVideo } from '../../../domain/post.js';
import {
  DEFAULT_YOUTUBE_CATEGORY,
  MAX_ALT_TEXT,
  YOUTUBE_CATEGORIES,
  YOUTUBE_FIELDS,
  YOUTUBE_TITLE_MAX,
  type DraftErrors,
  type DraftField,
} from '../../../workflows/draft-validation.js';
import { imageFacts, videoFacts } from '../../presentation/image-lines.js';
import type { NetworkUsage } from '../../../workflows/post-view.js';
import type { CaptionSuggestion, Tone } from '../../../workflows/captions/types.js';
import { TONES } from '../../../workflows/captions/types.js';
import { attention, card, heading, submit, subtle, text, type AdaptiveCard, type CardElement } from './adaptive.js';
import { escapeCardMarkdown } from './teams-markup.js';

/** The message-extension command (and the buttons of `draft` and media replies) that opens the draft form. */
export const DRAFT_COMMAND = 'draftPost';

export const FORM_ACTION = { submit: 'submit', suggest: 'suggest', use: 'use' } as const;

export interface DraftFormValues {
  text: string;
  networks: readonly NetworkId[];
  /** `YYYY-MM-DD` and `HH:mm` in `zone`; empty: as soon as approved. */
  date: string;
  time: string;
  mediaUrl: string;
  tone: Tone;
  /** Uploaded images the form shows (pasted into the chat, or already on the post), with their alt text. */
  images?: readonly FormImage[];
  /** Network → its own text, as typed. */
  variants?: Partial<Record<NetworkId, string>>;
  /** The uploaded video the form shows (sent in the chat, or already on the post); then there are no images. */
  video?: PostVideo | null;
  /** YouTube's fields as typed (read only when YouTube is chosen). */
  youtube?: YouTubeFormValues;
}

/** YouTube's fields as the form holds them: strings, as Teams sends them back. */
export interface YouTubeFormValues {
  title: string;
  /** Comma-separated, as typed. */
  tags: string;
  categoryId: string;
  privacy: string;
  /** '' until the author answers (YouTube requires an answer). */
  madeForKids: 'yes' | 'no' | '';
  /** A link to a thumbnail image, as typed (empty: keep the post's own, or none). */
  thumbnailUrl?: string;
}

export interface FormImage {
  sha256: string;
  type: ImageType;
  width: number;
  height: number;
  bytes: number;
  alt: string;
}

/** Input ids: image n's alt text and whether to keep it, and a network's own text. */
export const formIds = {
  alt: (n: number) => `alt_${n}`,
  keep: (n: number) => `keep_${n}`,
  keepVideo: 'keep_video',
  variant: (network: NetworkId) => `variant_${network}`,
} as const;

/** YouTube's inputs are named for their fields, so the workflow's errors land next to them. */
/** Each YouTube input's id is its field's name, so the workflow's errors land next to it. */
export const YOUTUBE_INPUT = YOUTUBE_FIELDS;

export interface DraftFormModel {
  /** An edit of an existing post, at the revision the author is editing. */
  editing?: { postId: number; revisionId: number };
  values: DraftFormValues;
  available: readonly NetworkId[];
  zone: string;
  /** Where the zone came from, said on the form. */
  zoneSource: 'teams' | 'set' | 'default';
  usage: readonly NetworkUsage[];
  errors?: DraftErrors;
  /** A problem that belongs to no one field (a refusal). */
  problem?: string;
  captions: { enabled: boolean; hint?: string; suggestions?: readonly CaptionSuggestion[]; message?: string };
  /** What the networks' daily allowances say about one more upload (YouTube's quota), shown with the video. */
  notices?: readonly string[];
  /** The name of a video sent in the chat that is still arriving. */
  receiving?: string;
}

const ZONE_SOURCE = {
  teams: 'your Teams time zone',
  set: 'the time zone you set with “timezone …”',
  default: 'UTC: Teams did not say your time zone; set one with “timezone Europe/Berlin”',
} as const;

const fieldError = (message: string | undefined): CardElement[] => (message ? [attention(escapeCardMarkdown(message))] : []);

/** Each image with its facts, an alt text field and a switch to leave it out. */
function imageInputs(images: readonly FormImage[], errors: DraftErrors, receiving: boolean): CardElement[] {
  if (!images.length) {
    return receiving
      ? []
      : [
          subtle(
            'To add pictures or a video, send them in your chat with Greenlight first (paste images, or attach files with the paperclip): they wait there for your next draft.',
          ),
        ];
  }
  const out: CardElement[] = [
    text(`**Images** (${images.length}, published in this order)`, { spacing: 'Medium' }),
    ...fieldError(errors.images),
  ];
  images.forEach((image, n) => {
    out.push(
      subtle(`Image ${n + 1} · ${imageFacts(image)}`),
      {
        type: 'Input.Text',
        id: formIds.alt(n),
        label: `Alt text for image ${n + 1}: what it shows, for people who cannot see it`,
        value: image.alt,
        maxLength: MAX_ALT_TEXT,
        isMultiline: true,
      },
      ...fieldError(errors[`alt_${n}` as DraftField]),
      { type: 'Input.Toggle', id: formIds.keep(n), title: 'Include this image', value: 'true', valueOn: 'true', valueOff: 'false' },
    );
  });
  return out;
}

/** The video with its facts (in place of images: a post has one or the other), a switch to leave it out, and quota notices. */
function videoInputs(video: PostVideo, errors: DraftErrors, notices: readonly string[]): CardElement[] {
  return [
    text('**Video**', { spacing: 'Medium' }),
    subtle(`🎬 ${escapeCardMarkdown(video.name)} · ${videoFacts(video)}`),
    ...fieldError(errors.images),
    { type: 'Input.Toggle', id: formIds.keepVideo, title: 'Include this video', value: 'true', valueOn: 'true', valueOff: 'false' },
    ...notices.map((n) => subtle(escapeCardMarkdown(n))),
  ];
}

const CATEGORY_CHOICES = Object.entries(YOUTUBE_CATEGORIES).map(([value, title]) => ({ title, value }));
const PRIVACY_CHOICES = [
  { title: 'Public', value: 'public' },
  { title: 'Unlisted (only people with the link)', value: 'unlisted' },
];
const KIDS_CHOICES = [
  { title: 'No, it is not made for kids', value: 'no' },
  { title: 'Yes, it is made for kids', value: 'yes' },
];

/**
 * YouTube's own fields, shown whenever YouTube is connected (a form cannot grow as networks
 * are ticked) and read only when it is chosen. "Made for kids" starts unanswered: YouTube
 * requires the author's own answer, so none is chosen for them.
 */
function youtubeInputs(youtube: YouTubeFormValues | undefined, errors: DraftErrors): CardElement[] {
  const v = youtube ?? { title: '', tags: '', categoryId: DEFAULT_YOUTUBE_CATEGORY, privacy: 'public', madeForKids: '' };
  return [
    text('**YouTube** (when YouTube is chosen; the text above is the video’s description)', { spacing: 'Medium' }),
    {
      type: 'Input.Text',
      id: YOUTUBE_INPUT.title,
      label: `YouTube title (required for YouTube: up to ${YOUTUBE_TITLE_MAX} characters, no < or >)`,
      value: v.title,
      maxLength: 150,
    },
    ...fieldError(errors.youtube_title),
    {
      type: 'Input.Text',
      id: YOUTUBE_INPUT.tags,
      label: 'YouTube tags (separated by commas, 500 characters in all)',
      value: v.tags,
      maxLength: 600,
    },
    ...fieldError(errors.youtube_tags),
    {
      type: 'Input.ChoiceSet',
      id: YOUTUBE_INPUT.category,
      label: 'YouTube category',
      value: v.categoryId || DEFAULT_YOUTUBE_CATEGORY,
      choices: CATEGORY_CHOICES,
    },
    ...fieldError(errors.youtube_category),
    {
      type: 'Input.ChoiceSet',
      id: YOUTUBE_INPUT.privacy,
      label: 'YouTube visibility (it waits as private on YouTube until the publish time)',
      style: 'expanded',
      value: v.privacy || 'public',
      choices: PRIVACY_CHOICES,
    },
    ...fieldError(errors.youtube_privacy),
    {
      type: 'Input.ChoiceSet',
      id: YOUTUBE_INPUT.kids,
      label: 'Made for kids? (YouTube requires an answer for every video)',
      style: 'expanded',
      ...(v.madeForKids ? { value: v.madeForKids } : {}),
      choices: KIDS_CHOICES,
    },
    ...fieldError(errors.youtube_kids),
    {
      type: 'Input.Text',
      id: YOUTUBE_INPUT.thumbnail,
      label: 'YouTube thumbnail (optional: a link to a JPEG, PNG or GIF up to 2 MB, 1280×720 is best; Greenlight keeps a copy)',
      placeholder: 'https://…/thumbnail.jpg',
      style: 'Url',
      value: v.thumbnailUrl ?? '',
      maxLength: 2000,
    },
    ...fieldError(errors.youtube_thumbnail),
  ];
}

/** A text per network, in a part the author opens (empty: the network gets the text above). */
function variantInputs(available: readonly NetworkId[], variants: Partial<Record<NetworkId, string>>, errors: DraftErrors): CardElement[] {
  const networks = available.filter((n) => n !== 'sandbox');
  if (!networks.length) return [];
  const hasError = networks.some((n) => errors[`variant_${n}` as DraftField]);
  const open = hasError || networks.some((n) => variants[n]);
  const fields: CardElement[] = networks.flatMap((n) => [
    {
      type: 'Input.Text',
      id: formIds.variant(n),
      label: `Text for ${NETWORK_LABELS[n]} (empty: the text above)`,
      value: variants[n] ?? '',
      isMultiline: true,
    },
    ...fieldError(errors[`variant_${n}` as DraftField]),
  ]);
  return [
    {
      type: 'ActionSet',
      actions: [{ type: 'Action.ToggleVisibility', title: 'Customize the text per network', targetElements: ['variants'] }],
    },
    { type: 'Container', id: 'variants', isVisible: open, items: fields },
  ];
}

export function buildDraftForm(model: DraftFormModel): AdaptiveCard {
  const { values, errors = {} } = model;
  const context = {
    ...(model.editing ? { postId: model.editing.postId, revisionId: model.editing.revisionId } : {}),
    // Which images the form showed, in order: the answer's alt_n and keep_n refer to these.
    ...(values.images?.length && !values.video ? { images: values.images.map((i) => i.sha256).join(',') } : {}),
    // Which video the form showed: the answer's keep_video refers to it.
    ...(values.video ? { video: values.video.sha256 } : {}),
  };
  const body: CardElement[] = [heading(model.editing ? `Edit post #${model.editing.postId}` : 'Draft a post')];
  if (model.problem) body.push(attention(escapeCardMarkdown(model.problem)));
  body.push(
    { type: 'Input.Text', id: 'text', label: 'Text', isMultiline: true, value: values.text, placeholder: 'What should go out?' },
    ...fieldError(errors.text),
  );
  if (model.usage.length)
    body.push(
      subtle(
        model.usage
          .map((u) => `${u.ok ? '✓' : '✗'} ${u.label} ${u.used.toLocaleString('en-US')}/${u.limit.toLocaleString('en-US')}`)
          .join('   '),
      ),
    );
  body.push(
    {
      type: 'Input.ChoiceSet',
      id: 'networks',
      label: 'Networks',
      isMultiSelect: true,
      style: 'expanded',
      value: values.networks.join(','),
      choices: model.available.map((n) => ({ title: NETWORK_LABELS[n], value: n })),
    },
    ...fieldError(errors.networks),
    { type: 'Input.Date', id: 'date', label: `Publish date (${model.zone})`, value: values.date },
    { type: 'Input.Time', id: 'time', label: `Publish time (${model.zone})`, value: values.time },
    subtle(`Times are in ${escapeCardMarkdown(ZONE_SOURCE[model.zoneSource])}. Leave both empty to publish as soon as it is approved.`),
    ...fieldError(errors.publishAt ?? errors.timezone),
    { type: 'Input.Text', id: 'mediaUrl', label: 'Image link (optional)', style: 'Url', value: values.mediaUrl, placeholder: 'https://…' },
    ...fieldError(errors.mediaUrl),
  );
  if (values.video) body.push(...videoInputs(values.video, errors, model.notices ?? []));
  else body.push(...imageInputs(values.images ?? [], errors, Boolean(model.receiving)));
  if (model.receiving) {
    body.push(
      attention(
        `Your video ${escapeCardMarkdown(model.receiving)} is still arriving: Greenlight says in your chat when it is ready. Open the form again then to post it.`,
      ),
    );
  }
  if (model.available.includes('youtube')) body.push(...youtubeInputs(values.youtube, errors));
  body.push(...variantInputs(model.available, values.variants ?? {}, errors));

  const actions: CardElement[] = [];
  if (model.captions.enabled) {
    body.push({
      type: 'Input.ChoiceSet',
      id: 'tone',
      label: 'Tone of suggestions',
      value: values.tone,
      choices: TONES.map((t) => ({ title: t[0]!.toUpperCase() + t.slice(1), value: t })),
    });
    if (model.captions.message) body.push(attention(escapeCardMarkdown(model.captions.message)));
    for (const s of model.captions.suggestions ?? []) {
      body.push(
        subtle(
          `${NETWORK_LABELS[s.network]} · ${s.used.toLocaleString('en-US')}/${s.limit.toLocaleString('en-US')} ${s.unit}${s.shortened ? ' · shortened' : ''}`,
        ),
        text(escapeCardMarkdown(s.text), { spacing: 'None' }),
        { type: 'ActionSet', actions: [submit('Use this', { ...context, action: FORM_ACTION.use, suggestionId: s.id })] },
      );
    }
    actions.push(submit('✨ Suggest captions', { ...context, action: FORM_ACTION.suggest }));
  } else if (model.captions.hint) {
    body.push(subtle(escapeCardMarkdown(model.captions.hint)));
  }
  actions.push(
    submit(
      model.editing ? 'Resubmit for approval' : 'Submit for approval',
      { ...context, action: FORM_ACTION.submit },
      { style: 'positive' },
    ),
  );
  return card(body, { actions });
}
