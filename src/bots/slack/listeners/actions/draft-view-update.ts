import type { ModalView } from '@slack/types';
import type { SlackDeps } from '../deps.js';

const slackError = (error: unknown) => (error as { data?: { error?: string } }).data?.error;

/**
 * Updates the draft dialog for something the person clicked (suggest, use a suggestion).
 * `hash` guards against a stale render; but unlike a live-limit refresh, a click must not
 * be dropped when a refresh got in first, so on `hash_conflict` it is sent again without
 * the hash. Nothing typed is lost by that: Slack keeps input values whose block and
 * action ids are unchanged. Returns the new hash, for the next update in the same flow.
 */
export async function updateDraftView(
  deps: Pick<SlackDeps, 'client'>,
  viewId: string,
  hash: string | undefined,
  view: ModalView,
): Promise<string | undefined> {
  try {
    const result = await deps.client.views.update({ view_id: viewId, ...(hash ? { hash } : {}), view });
    return result.view?.hash;
  } catch (error) {
    if (slackError(error) !== 'hash_conflict') throw error;
    const result = await deps.client.views.update({ view_id: viewId, view });
    return result.view?.hash;
  }
}
