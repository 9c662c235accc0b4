import type { ChatConversation, Refusal } from '../../db/store.js';
import { actorLabel } from '../domain/audit.js';
import type { ChatPlatform, Person } from '../domain/post.js';
import type { WorkflowContext } from './context.js';

export type ChannelPurpose = 'approvals' | 'digest';

/**
 * An approver chooses the channel approval cards (or the digest) go to, in chats where the
 * channel is chosen in the chat rather than in configuration (Teams). Audited.
 */
export async function chooseChannel(
  ctx: WorkflowContext,
  actor: Person,
  platform: ChatPlatform,
  purpose: ChannelPurpose,
  reference: Record<string, unknown>,
  describe: string,
): Promise<{ ok: true } | { ok: false; refusal: Refusal }> {
  if (!(await ctx.approvers.isApprover(actor))) {
    return {
      ok: false,
      refusal: {
        code: 'not_approver',
        refused: `Only approvers can choose the channel for ${purpose === 'approvals' ? 'approvals' : 'the digest'}.`,
      },
    };
  }
  const now = ctx.clock.now();
  const conversation: ChatConversation = { platform, kind: 'channel', key: purpose, reference, setBy: actor.id };
  await ctx.store.saveConversation(conversation, now);
  await ctx.store.appendAudit(
    [
      {
        platform: actor.platform,
        actorId: actor.id,
        actorLabel: actorLabel(actor),
        action: `chat.channel_chosen`,
        details: { purpose, channel: describe },
      },
    ],
    now,
  );
  return { ok: true };
}
