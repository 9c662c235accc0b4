/**
 * The draft form in a Teams dialog: opened from the message extension (`draftPost`), from the
 * button on a `draft …` reply, or from "Edit draft"; submitted back here. Every submission is
 * validated on the server; problems go back on the form (`task: continue`) and nothing is
 * saved; a saved draft closes the dialog and the author hears the rest in their 1:1 chat.
 */
import { CardFactory, type TaskModuleResponse, type TurnContext } from 'botbuilder';
import { z } from 'zod';
import { isNetworkId, NETWORK_IDS, type NetworkId } from '../../domain/network.js';
import type { Person, PostImage, PostVideo, YouTubeDetails } from '../../domain/post.js';
import { formatInstant } from '../../domain/time.js';
import { zonedToInstant } from '../../domain/zoned-time.js';
import { DEFAULT_TONE, isTone } from '../../workflows/captions/types.js';
import type { DraftErrors, DraftInput, YouTubeInput } from '../../workflows/draft-validation.js';
import {
  buildDraftForm,
  FORM_ACTION,
  formIds,
  YOUTUBE_INPUT,
  type DraftFormModel,
  type DraftFormValues,
  type FormImage,
  type YouTubeFormValues,
} from './cards/draft-form.js';
import type { TeamsDeps } from './teams-deps.js';

/** What a form submission carries: the inputs and the button's data, as Teams sends them. */
const Submission = z
  .object({
    action: z.string().optional(),
    postId: z.coerce.number().int().positive().optional(),
    revisionId: z.coerce.number().int().positive().optional(),
    suggestionId: z.string().optional(),
    aiAssisted: z.union([z.boolean(), z.string()]).optional(),
    text: z.string().optional(),
    networks: z.string().optional(),
    date: z.string().optional(),
    time: z.string().optional(),
    mediaUrl: z.string().optional(),
    tone: z.string().optional(),
    images: z.string().optional(),
    video: z.string().optional(),
    // YouTube's fields, as strings (absent when the form had none: YouTube not connected).
    [YOUTUBE_INPUT.title]: z.string().optional(),
    [YOUTUBE_INPUT.tags]: z.string().optional(),
    [YOUTUBE_INPUT.category]: z.string().optional(),
    [YOUTUBE_INPUT.privacy]: z.string().optional(),
    [YOUTUBE_INPUT.kids]: z.string().optional(),
    [YOUTUBE_INPUT.thumbnail]: z.string().optional(),
  })
  .passthrough();
type Submission = z.infer<typeof Submission>;

/** The zone a person enters times in, and where it came from (the form says which). */
export function zoneOf(context: TurnContext, person: Person): { zone: string; source: DraftFormModel['zoneSource'] } {
  if (context.activity.localTimezone && person.timezone === context.activity.localTimezone)
    return { zone: person.timezone, source: 'teams' };
  if (person.timezone) return { zone: person.timezone, source: 'set' };
  return { zone: 'UTC', source: 'default' };
}

const dialog = (card: ReturnType<typeof buildDraftForm>, title: string): TaskModuleResponse => ({
  task: { type: 'continue', value: { title, width: 'large', height: 'large', card: CardFactory.adaptiveCard(card) } },
});

function localDateTime(at: Date, zone: string): { date: string; time: string } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

const field = (s: Submission, id: string): string | undefined => {
  const value = (s as Record<string, unknown>)[id];
  return typeof value === 'string' ? value : undefined;
};

/** YouTube's answers as the form holds them; an unknown answer to "made for kids" is no answer. */
function youtubeValuesFrom(s: Submission): YouTubeFormValues {
  const kids = s[YOUTUBE_INPUT.kids];
  return {
    title: s[YOUTUBE_INPUT.title] ?? '',
    tags: s[YOUTUBE_INPUT.tags] ?? '',
    categoryId: s[YOUTUBE_INPUT.category] ?? '',
    privacy: s[YOUTUBE_INPUT.privacy] ?? '',
    madeForKids: kids === 'yes' || kids === 'no' ? kids : '',
    thumbnailUrl: (s[YOUTUBE_INPUT.thumbnail] ?? '').trim(),
  };
}

/** A post's YouTube fields as the form shows them (editing). */
function youtubeValuesOf(youtube: YouTubeDetails | null): YouTubeFormValues | undefined {
  if (!youtube) return undefined;
  return {
    title: youtube.title,
    tags: youtube.tags.join(', '),
    categoryId: youtube.categoryId,
    privacy: youtube.privacy,
    madeForKids: youtube.madeForKids ? 'yes' : 'no',
  };
}

/** The form's YouTube answers as the workflow takes them (it checks them when YouTube is chosen). */
function youtubeInput(values: YouTubeFormValues | undefined, thumbnail: PostImage | null): YouTubeInput {
  return {
    title: values?.title ?? '',
    tags: values?.tags ?? '',
    categoryId: values?.categoryId || null,
    privacy: values?.privacy || null,
    madeForKids: values?.madeForKids === 'yes' ? true : values?.madeForKids === 'no' ? false : null,
    thumbnail,
  };
}

/**
 * The form's values. Images are those the form showed (`images`, by sha256) that Greenlight
 * knows for this person (sent in the chat, or on the post being edited), and the video the
 * same way (`video`): what the bytes are is never taken from the form. Left-out images are
 * dropped, so a form shown again (with problems) lists the kept ones in the order validation
 * counts them.
 */
function valuesFrom(
  s: Submission,
  fallbackNetworks: readonly NetworkId[],
  known: { images: readonly Omit<FormImage, 'alt'>[]; videos: readonly PostVideo[] },
): DraftFormValues {
  const networks =
    s.networks === undefined
      ? fallbackNetworks
      : s.networks
          .split(',')
          .map((n) => n.trim())
          .filter((n): n is NetworkId => isNetworkId(n));
  const shown = (s.images ?? '').split(',').filter(Boolean);
  const images: FormImage[] = [];
  shown.forEach((sha256, n) => {
    const image = known.images.find((k) => k.sha256 === sha256);
    if (image && field(s, formIds.keep(n)) !== 'false') images.push({ ...image, alt: field(s, formIds.alt(n)) ?? '' });
  });
  const video = s.video && field(s, formIds.keepVideo) !== 'false' ? (known.videos.find((v) => v.sha256 === s.video) ?? null) : null;
  const variants: Partial<Record<NetworkId, string>> = {};
  for (const network of NETWORK_IDS) {
    const value = field(s, formIds.variant(network));
    if (value?.trim()) variants[network] = value;
  }
  return {
    text: s.text ?? '',
    networks,
    date: s.date ?? '',
    time: s.time ?? '',
    mediaUrl: s.mediaUrl ?? '',
    tone: isTone(s.tone) ? s.tone : DEFAULT_TONE,
    images,
    variants,
    video,
    youtube: youtubeValuesFrom(s),
  };
}

/** The publish time the form's date and time name in `zone`; null when both are empty. */
function publishAtFrom(values: DraftFormValues, zone: string): { at: Date | null } | { error: string } {
  const date = values.date.trim();
  const time = values.time.trim();
  if (!date && !time) return { at: null };
  if (!date || !time) return { error: 'Give both a date and a time, or leave both empty to publish as soon as it is approved.' };
  const d = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})/.exec(time);
  if (!d || !t) return { error: 'That is not a valid date and time.' };
  return { at: zonedToInstant(Number(d[1]), Number(d[2]), Number(d[3]), Number(t[1]), Number(t[2]), zone) };
}

export class DraftTask {
  constructor(private readonly deps: TeamsDeps) {}

  /** Opens the form: empty, with `text`, or with an existing post to edit. */
  async open(
    context: TurnContext,
    options: { text?: string; edit?: { postId: number; revisionId: number } } = {},
  ): Promise<TaskModuleResponse> {
    const { gl } = this.deps;
    const person = await this.deps.people.identify(context);
    const { zone, source } = zoneOf(context, person);
    const available = gl.networks();
    if (options.edit) {
      const post = await gl.getPost(options.edit.postId);
      if (!post || post.post.authorId !== person.id) return this.#message('Only the author can edit this post.');
      const when = post.post.publishAt ? localDateTime(post.post.publishAt, zone) : { date: '', time: '' };
      // The post keeps its media, unless a video sent in the chat since waits: it takes their place.
      const newVideo = this.deps.inbox.waiting(person.id).video;
      const youtube = youtubeValuesOf(post.revision.youtube ?? null);
      const values: DraftFormValues = {
        text: post.revision.text,
        networks: post.revision.networks,
        ...when,
        mediaUrl: post.revision.mediaUrl ?? '',
        tone: DEFAULT_TONE,
        images: newVideo ? [] : post.revision.images.map((i) => ({ ...i, alt: i.alt ?? '' })),
        variants: post.revision.variants,
        video: newVideo ?? post.revision.video ?? null,
        ...(youtube ? { youtube } : {}),
      };
      const extras = await this.#videoExtras(person, values, available, zone);
      return dialog(
        this.#form({ editing: options.edit, values, available, zone, zoneSource: source, ...extras }),
        `Edit post #${post.post.id}`,
      );
    }
    const refusal = await this.#noApprovalsChannel();
    if (refusal) return this.#message(refusal);
    const waiting = this.deps.inbox.waiting(person.id);
    const values: DraftFormValues = {
      text: options.text ?? '',
      networks: available.includes('sandbox') && available.length === 1 ? ['sandbox'] : [],
      date: '',
      time: '',
      mediaUrl: '',
      tone: DEFAULT_TONE,
      images: waiting.images.map((i) => ({ ...i, alt: '' })),
      video: waiting.video,
    };
    const extras = await this.#videoExtras(person, values, available, zone);
    return dialog(this.#form({ values, available, zone, zoneSource: source, ...extras }), 'Draft a post');
  }

  /** A button on the form was pressed: submit, suggest captions, or use a suggestion. */
  async submit(context: TurnContext, data: unknown): Promise<TaskModuleResponse> {
    const { gl } = this.deps;
    const parsed = Submission.safeParse(data ?? {});
    if (!parsed.success) return this.#message('That form could not be read. Open it again.');
    const s = parsed.data;
    const person = await this.deps.people.identify(context);
    const { zone, source } = zoneOf(context, person);
    const available = gl.networks();
    const editing = s.postId && s.revisionId ? { postId: s.postId, revisionId: s.revisionId } : undefined;
    const edited = editing ? await gl.getPost(editing.postId) : undefined;
    const own = edited?.post.authorId === person.id ? edited.revision : undefined;
    const waiting = this.deps.inbox.waiting(person.id);
    const known = {
      images: [...(own?.images ?? []), ...waiting.images],
      videos: [own?.video, waiting.video].filter((v): v is PostVideo => Boolean(v)),
    };
    const values = valuesFrom(s, [], known);
    const aiAssisted = s.aiAssisted === true || s.aiAssisted === 'true';
    const base = {
      editing,
      values,
      available,
      zone,
      zoneSource: source,
      aiAssisted,
      ...(await this.#videoExtras(person, values, available, zone)),
    } as const;
    const title = editing ? `Edit post #${editing.postId}` : 'Draft a post';

    if (s.action === FORM_ACTION.suggest) {
      const outcome = await gl.suggestCaptions(person, { text: values.text, networks: values.networks, tone: values.tone });
      const captions = outcome.ok
        ? { suggestions: outcome.batch.suggestions }
        : { message: outcome.kind === 'input' ? outcome.message : `Suggestions unavailable: ${outcome.reason}` };
      return dialog(this.#form(base, { captions }), title);
    }
    if (s.action === FORM_ACTION.use) {
      const suggestion = s.suggestionId ? gl.captionSuggestion(person, s.suggestionId) : undefined;
      if (!suggestion) return dialog(this.#form(base, { problem: 'That suggestion is no longer available: ask for new ones.' }), title);
      return dialog(this.#form({ ...base, values: { ...values, text: suggestion.text }, aiAssisted: true }), title);
    }

    // The form showed a video Greenlight no longer holds for this person: never post without it unsaid.
    if (s.video && field(s, formIds.keepVideo) !== 'false' && !values.video) {
      const newer = waiting.video;
      const problem = newer
        ? `The video on this form was replaced by ${newer.name}, sent in your chat since: check the post with it and submit again.`
        : 'The video on this form is no longer waiting (videos wait two hours): send it again in your chat with Greenlight, then open a new form.';
      return dialog(this.#form({ ...base, values: { ...values, video: newer, ...(newer ? { images: [] } : {}) } }, { problem }), title);
    }
    const when = publishAtFrom(values, zone);
    if ('error' in when) return dialog(this.#form(base, { errors: { publishAt: when.error } }), title);
    // A thumbnail link is taken now (a small image, within the form's answer); its problem goes next to its field.
    let thumbnail = own?.youtube?.thumbnail ?? null;
    if (values.youtube?.thumbnailUrl && values.networks.includes('youtube')) {
      const taken = await gl.takeImageLink(values.youtube.thumbnailUrl);
      if (!taken.ok) return dialog(this.#form(base, { errors: { youtube_thumbnail: taken.message } }), title);
      thumbnail = taken.image;
    }
    const input: DraftInput = {
      text: values.text,
      networks: values.networks,
      publishAt: when.at,
      timezone: zone,
      mediaUrl: values.mediaUrl || null,
      aiAssisted,
      images: (values.images ?? []).map(({ alt, ...image }) => ({ ...image, alt: alt.trim() || null })),
      variants: values.variants ?? {},
      video: values.video ?? null,
      // An edited post keeps its YouTube thumbnail unless a link to another is given.
      youtube: youtubeInput(values.youtube, thumbnail),
    };
    if (!editing) {
      const refusal = await this.#noApprovalsChannel();
      if (refusal) return dialog(this.#form(base, { problem: refusal }), title);
    }
    const result = editing ? await gl.reviseDraft(person, editing.postId, editing.revisionId, input) : await gl.submitDraft(person, input);
    if (!result.ok) {
      return dialog(this.#form(base, 'errors' in result ? { errors: result.errors } : { problem: result.refusal.refused }), title);
    }
    // What waited in the chat is on the post now; the next draft starts without it.
    if (!editing || (waiting.video && values.video?.sha256 === waiting.video.sha256)) this.deps.inbox.clear(person.id);
    const publish = result.post.post.publishAt
      ? `It publishes ${formatInstant(result.post.post.publishAt, result.post.post.publishZone)} once approved.`
      : 'It publishes as soon as it is approved.';
    return this.#message(`Post #${result.post.post.id} is waiting for approval. ${publish} You will hear in your chat with Greenlight.`);
  }

  #form(
    model: Omit<DraftFormModel, 'usage' | 'captions'> & { aiAssisted?: boolean },
    extra: {
      errors?: DraftErrors;
      problem?: string;
      captions?: { suggestions?: DraftFormModel['captions']['suggestions']; message?: string };
    } = {},
  ): ReturnType<typeof buildDraftForm> {
    const { gl } = this.deps;
    const card = buildDraftForm({
      ...model,
      usage: gl.usage(model.values.text, model.values.networks),
      ...(extra.errors ? { errors: extra.errors } : {}),
      ...(extra.problem ? { problem: extra.problem } : {}),
      captions: { enabled: gl.captionsEnabled(), ...(this.deps.aiHint ? { hint: this.deps.aiHint } : {}), ...extra.captions },
    });
    // The form remembers that a suggestion was used (it marks the post AI-assisted).
    if (model.aiAssisted) for (const action of card.actions ?? []) (action.data as Record<string, unknown>).aiAssisted = true;
    return card;
  }

  /**
   * What the form says beside the media: a video still arriving, and, with a video on the form
   * and YouTube connected, where the upload stands against YouTube's daily quota.
   */
  async #videoExtras(
    person: Person,
    values: DraftFormValues,
    available: readonly NetworkId[],
    zone: string,
  ): Promise<Pick<DraftFormModel, 'notices' | 'receiving'>> {
    const receiving = this.deps.inbox.receiving(person.id);
    const notices = values.video && available.includes('youtube') ? await this.deps.gl.quotaNotices(['youtube'], zone) : [];
    return { ...(notices.length ? { notices } : {}), ...(receiving ? { receiving } : {}) };
  }

  async #noApprovalsChannel(): Promise<string | undefined> {
    if (await this.deps.gl.findConversation('teams', 'channel', 'approvals')) return undefined;
    return 'No approvals channel is set yet, so nobody could approve a post. An approver can set it: in the channel approvers use, send “@Greenlight use this channel for approvals”.';
  }

  #message(value: string): TaskModuleResponse {
    return { task: { type: 'message', value } };
  }
}
