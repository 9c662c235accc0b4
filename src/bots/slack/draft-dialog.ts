import type { NetworkId } from '../../domain/network.js';
import type { PostAggregate } from '../../domain/post.js';
import { networkUsage } from '../../workflows/post-view.js';
import type { DraftInput } from '../../workflows/draft-validation.js';
import { buildDraftModal, type DraftModalState } from './blocks/draft-modal.js';
import type { SlackDeps } from './listeners/deps.js';

/** The draft dialog for a new post (prefilled with `/draft`'s text) or for editing one. */
export function draftDialog(
  deps: Pick<SlackDeps, 'gl' | 'aiHint'>,
  state: DraftModalState,
  values: Pick<DraftInput, 'text' | 'networks' | 'publishAt' | 'mediaUrl'>,
) {
  const available = deps.gl.networks();
  const selected = values.networks.filter((n): n is NetworkId => available.includes(n as NetworkId));
  return buildDraftModal({
    ...state,
    text: values.text,
    available,
    selected,
    publishAt: values.publishAt,
    mediaUrl: values.mediaUrl,
    usage: networkUsage(values.text, selected, deps.gl.ctx.catalog),
    aiHint: deps.aiHint,
  });
}

export function newDraftDialog(deps: Pick<SlackDeps, 'gl' | 'aiHint'>, timezone: string, text: string) {
  const available = deps.gl.networks();
  // With only the sandbox available there is nothing to choose: tick it.
  return draftDialog(deps, { mode: 'create', timezone }, { text, networks: available.length === 1 ? available : [], publishAt: null, mediaUrl: null });
}

export function editDraftDialog(deps: Pick<SlackDeps, 'gl' | 'aiHint'>, post: PostAggregate, timezone: string) {
  return draftDialog(
    deps,
    { mode: 'edit', postId: post.post.id, revisionId: post.revision.id, timezone, aiAssisted: post.revision.aiAssisted },
    { text: post.revision.text, networks: post.revision.networks, publishAt: post.post.publishAt, mediaUrl: post.revision.mediaUrl },
  );
}
