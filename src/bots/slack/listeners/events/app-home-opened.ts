import { publishHome } from '../../home.js';
import type { SlackDeps } from '../deps.js';
import type { ListenerTable } from '../listener-table.js';

/** App Home: my posts, the approval queue with decision buttons, what is scheduled next. */
export function register(listeners: ListenerTable, deps: SlackDeps): void {
  listeners.homeOpened(async ({ event }) => {
    if (event.tab !== 'home') return;
    try {
      await publishHome(deps, event.user);
    } catch (error) {
      deps.logger.error('could not publish App Home', { user: event.user, error });
    }
  });
}
