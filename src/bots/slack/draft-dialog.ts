import type { NetworkId } from '../../domain/network.js';
import type { PostAggregate, YouTubeDetails } from '../../domain/post.js';
import { DEFAULT_TONE, isTone, type Tone } from '../../workflows/captions/types.js';
import type { DraftInput } from '../../workflows/draft-validation.js';
import { buildDraftModal, type CaptionPanel, type CaptionsState, type DraftModalState } from './blocks/draft-modal.js';
import type { SlackDeps } from './listeners/deps.js';

type DialogDeps = Pick<SlackDeps, 'gl' | 'aiHint'>;

/** The suggestions part as it should look now; suggestions come from the server, by batch id. */
function captionPanel(deps: DialogDeps, captions: CaptionsState | undefined): CaptionPanel {
  if (!captions) return { status: 'idle' };
  switch (captions.status) {
    case 'ready': {
      const batch = deps.gl.captionBatch(captions.batchId);
      // Kept in memory for hours; gone after a restart.
      return batch
        ? { status: 'ready', suggestions: batch.suggestions }
        : { status: 'failed', reason: 'these suggestions have expired. Ask again.' };
    }
    default:
      return captions;
  }
}

/** The draft dialog for a new post (prefilled with `/draft`'s text) or for editing one. */
export function draftDialog(
  deps: DialogDeps,
  state: DraftModalState,
  values: Pick<DraftInput, 'text' | 'networks' | 'publishAt' | 'mediaUrl' | 'variants'>,
  /** `youtube`: the post's YouTube fields when editing (Slack keeps what is typed across updates). */
  options: { tone?: string | null; youtube?: YouTubeDetails | null } = {},
) {
  const available = deps.gl.networks();
  const selected = values.networks.filter((n): n is NetworkId => available.includes(n as NetworkId));
  const tone: Tone = isTone(options.tone) ? options.tone : DEFAULT_TONE;
  return buildDraftModal({
    ...state,
    text: values.text,
    available,
    selected,
    publishAt: values.publishAt,
    mediaUrl: values.mediaUrl,
    ...(values.variants ? { variants: values.variants } : {}),
    ...(options.youtube ? { youtube: options.youtube } : {}),
    usage: deps.gl.usage(values.text, selected),
    aiHint: deps.aiHint,
    ai: deps.gl.captionsEnabled() ? { tone, panel: captionPanel(deps, state.captions) } : undefined,
  });
}

export function newDraftDialog(deps: DialogDeps, timezone: string, text: string) {
  const available = deps.gl.networks();
  // With only the sandbox available there is nothing to choose: tick it.
  return draftDialog(
    deps,
    { mode: 'create', timezone },
    { text, networks: available.length === 1 ? available : [], publishAt: null, mediaUrl: null },
  );
}

export function editDraftDialog(deps: DialogDeps, post: PostAggregate, timezone: string) {
  return draftDialog(
    deps,
    {
      mode: 'edit',
      postId: post.post.id,
      revisionId: post.revision.id,
      timezone,
      aiAssisted: post.revision.aiAssisted,
      ...(post.revision.images.length ? { existingImages: post.revision.images.length } : {}),
      ...(post.revision.video ? { existingVideo: true } : {}),
    },
    {
      text: post.revision.text,
      networks: post.revision.networks,
      publishAt: post.post.publishAt,
      mediaUrl: post.revision.mediaUrl,
      variants: post.revision.variants,
    },
    { youtube: post.revision.youtube },
  );
}
