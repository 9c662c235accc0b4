import type { BlockAction } from '@slack/bolt';
import { decodeDraftState, TEXT_BLOCK_PATTERN } from '../../blocks/draft-modal.js';
import { draftDialog } from '../../draft-dialog.js';
import { readCaptionTone, readDraftForm } from '../../draft-form.js';
import { BLOCK, INPUT_ACTION } from '../../ids.js';
import type { SlackDeps } from '../deps.js';
import type { ListenerTable } from '../listener-table.js';

/**
 * As the author types or ticks networks, Slack sends the dialog's state; the dialog is
 * re-rendered with the limits for what is there now. `hash` makes Slack drop an update that
 * raced a newer one, which is exactly right for a live counter.
 */
export function register(listeners: ListenerTable, deps: SlackDeps): void {
  const refresh = async ({ ack, body }: { ack: () => Promise<void>; body: BlockAction }) => {
    await ack();
    const view = body.view;
    if (!view) return;
    const state = decodeDraftState(view.private_metadata);
    if (!state) return;
    try {
      const input = readDraftForm(view.state?.values, state);
      const tone = readCaptionTone(view.state?.values);
      await deps.client.views.update({ view_id: view.id, hash: view.hash, view: draftDialog(deps, state, input, { tone }) });
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error;
      if (code !== 'hash_conflict') deps.logger.warn('could not refresh the draft limits', { error });
    }
  };
  // Every version of the text block: its id changes when a suggestion is put in.
  listeners.action({ block_id: TEXT_BLOCK_PATTERN, action_id: INPUT_ACTION }, refresh);
  listeners.action({ block_id: BLOCK.networks, action_id: INPUT_ACTION }, refresh);
}
