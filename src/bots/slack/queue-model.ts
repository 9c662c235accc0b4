import type { Person } from '../../domain/post.js';
import type { QueueModel } from './blocks/queue.js';
import { SlackPeople } from './slack-people.js';
import { CARD_PURPOSE } from './slack-news.js';
import type { SlackDeps } from './listeners/deps.js';

/** Everything `/queue` and App Home show for one person, with links to the cards. */
export async function loadQueue(deps: Pick<SlackDeps, 'gl' | 'clock'>, person: Person): Promise<QueueModel> {
  const queue = await deps.gl.queue(person);
  const posts = [...queue.mine, ...queue.pending, ...queue.scheduled];
  const permalinks = new Map<number, string>();
  for (const id of new Set(posts.map((p) => p.post.id))) {
    const ref = await deps.gl.findMessage(id, 'slack', CARD_PURPOSE);
    const link = ref?.reference?.permalink;
    if (typeof link === 'string') permalinks.set(id, link);
  }
  return {
    isApprover: queue.isApprover,
    mine: queue.mine.map(deps.gl.describe),
    pending: queue.pending.map(deps.gl.describe),
    scheduled: queue.scheduled.map(deps.gl.describe),
    totals: queue.totals,
    permalinks,
    now: deps.clock.now(),
    timezone: SlackPeople.zoneOf(person),
  };
}
