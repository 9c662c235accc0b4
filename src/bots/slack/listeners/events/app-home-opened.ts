import type { App } from '@slack/bolt';
import { publishHome } from '../../home.js';
import type { SlackDeps } from '../deps.js';

/** App Home: my posts, the approval queue with decision buttons, what is scheduled next. */
export function register(app: App, deps: SlackDeps): void {
  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    try {
      await publishHome(deps, event.user);
    } catch (error) {
      deps.logger.error('could not publish App Home', { user: event.user, error });
    }
  });
}
