/**
 * The playground's page and its script and styles, served by Greenlight itself (no CDN, no
 * build step): read once at start-up, sent with a strict content security policy.
 */
import { readFileSync } from 'node:fs';
import type { Route } from '../server/http-server.js';

const FILES = {
  '/': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/playground/assets/playground.js': { file: 'playground.js', type: 'text/javascript; charset=utf-8' },
  '/playground/assets/playground.css': { file: 'playground.css', type: 'text/css; charset=utf-8' },
  '/playground/assets/teams-view.js': { file: 'teams-view.js', type: 'text/javascript; charset=utf-8' },
} as const;

/** Scripts and styles only from here; images also from the links Greenlight's cards carry. */
const CSP =
  "default-src 'self'; img-src 'self' data: blob: https: http:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export function playgroundAssets(): Record<string, Route> {
  const routes: Record<string, Route> = {};
  for (const [path, { file, type }] of Object.entries(FILES)) {
    const body = readFileSync(new URL(`./assets/${file}`, import.meta.url));
    routes[`GET ${path}`] = (_req, res) => {
      res.writeHead(200, {
        'content-type': type,
        'content-length': body.length,
        'cache-control': 'no-cache',
        'content-security-policy': CSP,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
      });
      res.end(body);
    };
  }
  return routes;
}
