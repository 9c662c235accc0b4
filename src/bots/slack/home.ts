import { buildAppHome } from './blocks/queue.js';
import type { SlackDeps } from './listeners/deps.js';
import { loadQueue } from './queue-model.js';

/** Renders App Home for one user (on opening it, and after they decide from it). */
export async function publishHome(deps: SlackDeps, userId: string): Promise<void> {
  const person = await deps.people.identify(userId);
  await deps.client.views.publish({ user_id: userId, view: buildAppHome(await loadQueue(deps, person)) });
}
