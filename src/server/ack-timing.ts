import { performance } from 'node:perf_hooks';
import type { ChatPlatform } from '../domain/post.js';
import type { Metrics } from '../observability/metrics.js';
import type { Route } from './http-server.js';

/**
 * A chat's routes, each POST timed from the request's arrival to its answer: the
 * acknowledgement Slack waits 3 s for (Bolt answers once a listener acks; the work after it is
 * not counted) and the Teams turn's answer. Refusals (forged, malformed: 4xx) are not
 * acknowledgements and are left out. Real elapsed time, whatever clock the app runs on.
 */
export function timeAcknowledgements(chat: ChatPlatform, routes: Readonly<Record<string, Route>>, metrics: Metrics): Record<string, Route> {
  return Object.fromEntries(
    Object.entries(routes).map(([key, route]): [string, Route] => {
      if (!key.startsWith('POST ')) return [key, route];
      return [
        key,
        (req, res) => {
          const arrived = performance.now();
          res.once('finish', () => {
            if (res.statusCode < 400) metrics.acknowledged(chat, (performance.now() - arrived) / 1000);
          });
          return route(req, res);
        },
      ];
    }),
  );
}
