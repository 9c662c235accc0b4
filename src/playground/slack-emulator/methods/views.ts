import { checkView } from '../block-kit-limits.js';
import { fail, invalidArguments, ok, type SlackResult } from '../results.js';
import type { FakeView } from '../state.js';
import { triggerIssuedAt } from '../trigger-ids.js';
import { stringArg, type MethodContext, type MethodHandler } from '../workspace.js';

/** Slack keeps at most three views on a modal's stack. */
const MAX_STACK = 3;

type ViewInput = Record<string, unknown> & { type: 'modal' | 'home'; blocks: unknown[] };

/** Validates `view` against Block Kit rules; on success hands back the view object. */
function checkViewArg(ctx: MethodContext, type: 'modal' | 'home'): { error: SlackResult } | { view: ViewInput } {
  const violations = checkView(ctx.args.view, type);
  return violations.length > 0 ? { error: invalidArguments(violations) } : { view: ctx.args.view as ViewInput };
}

/**
 * A trigger_id can be exchanged once, within a few seconds of the interaction that made it
 * (documented errors: invalid_trigger_id, exchanged_trigger_id, expired_trigger_id).
 * Returns the error, or the id to mark as used once the call succeeds.
 */
function checkTrigger(ctx: MethodContext): { error: SlackResult } | { triggerId: string } {
  const triggerId = stringArg(ctx.args, 'trigger_id') ?? stringArg(ctx.args, 'interactivity_pointer');
  if (triggerId === undefined) {
    return { error: invalidArguments([{ pointer: '/trigger_id', message: 'missing required field: trigger_id' }]) };
  }
  const issuedAt = triggerIssuedAt(triggerId);
  if (issuedAt === undefined) return { error: fail('invalid_trigger_id') };
  if (ctx.state.usedTriggerIds.has(triggerId)) return { error: fail('exchanged_trigger_id') };
  if (ctx.workspace.now() - issuedAt > ctx.workspace.triggerTtlMs) return { error: fail('expired_trigger_id') };
  return { triggerId };
}

function externalIdTaken(ctx: MethodContext, externalId: unknown, exceptViewId?: string): boolean {
  if (typeof externalId !== 'string' || externalId === '') return false;
  return [...ctx.state.views.values()].some((v) => v.external_id === externalId && v.id !== exceptViewId);
}

/** The view object Slack returns: the submitted definition plus server-side fields. */
function materialize(
  ctx: MethodContext,
  input: ViewInput,
  identity: { id: string; root: string; previous: string | null; state?: FakeView['state'] },
): FakeView {
  const { workspace: w } = ctx;
  const text = (key: string) => (typeof input[key] === 'string' ? (input[key] as string) : '');
  return {
    ...input,
    id: identity.id,
    team_id: w.teamId,
    type: input.type,
    blocks: input.blocks,
    private_metadata: text('private_metadata'),
    callback_id: text('callback_id'),
    external_id: text('external_id'),
    state: identity.state ?? { values: {} },
    hash: ctx.ids.viewHash(),
    clear_on_close: input.clear_on_close === true,
    notify_on_close: input.notify_on_close === true,
    root_view_id: identity.root,
    previous_view_id: identity.previous,
    app_id: w.appId,
    app_installed_team_id: w.teamId,
    bot_id: w.botId,
  };
}

function openOrPush(ctx: MethodContext, mode: 'open' | 'push'): SlackResult {
  const checked = checkViewArg(ctx, 'modal');
  if ('error' in checked) return checked.error;
  const input = checked.view;
  const trigger = checkTrigger(ctx);
  if ('error' in trigger) return trigger.error;
  if (externalIdTaken(ctx, input.external_id)) return fail('duplicate_external_id');
  const stack = mode === 'push' ? ctx.state.modalStacks.at(-1) : [];
  if (stack === undefined) return fail('not_found');
  if (stack.length >= MAX_STACK) return fail('push_limit_reached');
  const id = ctx.ids.next('V');
  const view = materialize(ctx, input, { id, root: stack[0] ?? id, previous: stack.at(-1) ?? null });
  ctx.state.usedTriggerIds.add(trigger.triggerId);
  ctx.state.views.set(id, view);
  stack.push(id);
  if (mode === 'open') ctx.state.modalStacks.push(stack);
  return ok({ view });
}

const update: MethodHandler = (ctx) => {
  const viewId = stringArg(ctx.args, 'view_id');
  const externalId = stringArg(ctx.args, 'external_id');
  if (viewId === undefined && externalId === undefined) {
    return invalidArguments([{ pointer: '/view_id', message: 'either view_id or external_id is required' }]);
  }
  const current =
    viewId !== undefined ? ctx.state.views.get(viewId) : [...ctx.state.views.values()].find((v) => v.external_id === externalId);
  if (!current) return fail('not_found');
  const hash = stringArg(ctx.args, 'hash');
  if (hash !== undefined && hash !== current.hash) return fail('hash_conflict');
  const checked = checkViewArg(ctx, 'modal');
  if ('error' in checked) return checked.error;
  const input = checked.view;
  if (externalIdTaken(ctx, input.external_id, current.id)) return fail('duplicate_external_id');
  // Keeps state (Slack preserves what was typed into inputs whose block/action ids survive)
  // and the external_id when the new definition leaves it out, so later lookups still work.
  const kept = input.external_id === undefined && current.external_id !== '' ? { ...input, external_id: current.external_id } : input;
  const view = materialize(ctx, kept, {
    id: current.id,
    root: current.root_view_id,
    previous: current.previous_view_id,
    state: current.state,
  });
  ctx.state.views.set(view.id, view);
  return ok({ view });
};

const publish: MethodHandler = (ctx) => {
  const userId = stringArg(ctx.args, 'user_id');
  if (userId === undefined || (ctx.workspace.users.size > 0 && !ctx.workspace.users.has(userId))) return fail('user_not_found');
  const current = ctx.state.homes.get(userId);
  const hash = stringArg(ctx.args, 'hash');
  if (hash !== undefined && current !== undefined && hash !== current.hash) return fail('hash_conflict');
  const checked = checkViewArg(ctx, 'home');
  if ('error' in checked) return checked.error;
  const input = checked.view;
  // A user's Home tab keeps one view id across publishes.
  const id = current?.id ?? ctx.ids.next('V');
  const view = materialize(ctx, input, { id, root: id, previous: null });
  ctx.state.homes.set(userId, view);
  return ok({ view });
};

export const viewMethods: Record<string, MethodHandler> = {
  'views.open': (ctx) => openOrPush(ctx, 'open'),
  'views.push': (ctx) => openOrPush(ctx, 'push'),
  'views.update': update,
  'views.publish': publish,
};

/** What an app answered to a view_submission (Slack's `response_action`s; empty: close the view). */
export interface SubmissionAnswer {
  response_action?: 'errors' | 'update' | 'push' | 'clear';
  errors?: Record<string, string>;
  view?: unknown;
}

/**
 * Carries out an app's answer to a view_submission as Slack does: `errors` keeps the view
 * open with a message under each named input, `update` replaces it, `push` adds a view on top,
 * `clear` closes the whole stack, and anything else closes the submitted view. Returns the
 * errors to show, or the problem Slack would report when the answer is not a valid view.
 */
export function answerSubmission(
  ctx: MethodContext,
  viewId: string,
  answer: SubmissionAnswer,
): { errors?: Record<string, string>; invalid?: string } {
  const stack = ctx.state.modalStacks.find((s) => s.includes(viewId));
  if (!stack) return { invalid: 'not_found' };
  switch (answer.response_action) {
    case 'errors':
      return { errors: answer.errors ?? {} };
    case 'update':
    case 'push': {
      const violations = checkView(answer.view, 'modal');
      if (violations.length) return { invalid: violations.map((v) => `${v.pointer}: ${v.message}`).join('; ') };
      const input = answer.view as ViewInput;
      if (answer.response_action === 'update') {
        const current = ctx.state.views.get(viewId)!;
        ctx.state.views.set(
          viewId,
          materialize(ctx, input, { id: viewId, root: current.root_view_id, previous: current.previous_view_id }),
        );
        return {};
      }
      if (stack.length >= MAX_STACK) return { invalid: 'push_limit_reached' };
      const id = ctx.ids.next('V');
      ctx.state.views.set(id, materialize(ctx, input, { id, root: stack[0]!, previous: stack.at(-1)! }));
      stack.push(id);
      return {};
    }
    case 'clear':
      closeStack(ctx, stack);
      return {};
    default:
      closeView(ctx, viewId);
      return {};
  }
}

/** Closes a view (and what was pushed over it); the stack goes when its root does. */
export function closeView(ctx: MethodContext, viewId: string): void {
  const stack = ctx.state.modalStacks.find((s) => s.includes(viewId));
  if (!stack) return;
  const closed = stack.splice(stack.indexOf(viewId));
  for (const id of closed) ctx.state.views.delete(id);
  if (!stack.length) ctx.state.modalStacks.splice(ctx.state.modalStacks.indexOf(stack), 1);
}

function closeStack(ctx: MethodContext, stack: string[]): void {
  closeView(ctx, stack[0]!);
}
