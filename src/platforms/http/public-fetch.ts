/**
 * Fetching what an author links to, only from the public internet. The link is checked, then
 * each address its host name resolves to before connecting (so nothing inside is ever even
 * connected to), then the address the socket actually reached, and the same again for every
 * redirect, which is followed here hop by hop instead of by fetch.
 */
import dns from 'node:dns/promises';
import net from 'node:net';
import type { buildConnector } from 'undici';
import { checkMediaLink, isAllowedAddress, type MediaLinkPolicy, type MediaLinkProblem } from '../../domain/media-links.js';
import type { FetchLike } from './http-client.js';

export const MAX_REDIRECTS = 5;

/** The link (or one it redirected to) is not one Greenlight fetches from. */
export class RefusedMediaLink extends Error {
  constructor(readonly problem: MediaLinkProblem | 'redirects') {
    super(`refused media link: ${problem}`);
    this.name = 'RefusedMediaLink';
  }
}

/** Host name → addresses, as the operating system resolves them (tests may answer for it). */
export type ResolveHost = (hostname: string) => Promise<string[]>;
const systemResolve: ResolveHost = async (hostname) => (await dns.lookup(hostname, { all: true })).map((a) => a.address);

/** The RefusedMediaLink somewhere in `error`'s causes (fetch wraps what a connector throws). */
export function refusedLinkIn(error: unknown): RefusedMediaLink | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof RefusedMediaLink) return e;
  }
  return undefined;
}

/**
 * Connects only to allowed addresses: a host name is resolved here and an allowed address
 * connected to directly (the name still goes to TLS for the certificate check), so the
 * answer checked is the answer used; then the socket's own remote address is checked too.
 */
function guardedConnector(connect: buildConnector.connector, policy: MediaLinkPolicy, resolve: ResolveHost): buildConnector.connector {
  return (options, callback) => {
    const port = Number(options.port) || (options.protocol === 'https:' ? 443 : 80);
    const allowed = (address: string) => isAllowedAddress(address, port, policy);
    const refuse = () => callback(new RefusedMediaLink('not_public'), null);
    const attempt = (addresses: string[], i: number) => {
      connect({ ...options, hostname: addresses[i]! }, (error, socket) => {
        if (error) return i + 1 < addresses.length ? attempt(addresses, i + 1) : callback(error, null);
        if (!socket.remoteAddress || !allowed(socket.remoteAddress)) {
          socket.destroy();
          return refuse();
        }
        callback(null, socket);
      });
    };
    const addresses = net.isIP(options.hostname) ? Promise.resolve([options.hostname]) : resolve(options.hostname);
    addresses.then(
      (all) => {
        const usable = all.filter(allowed);
        if (usable.length) attempt(usable, 0);
        else refuse();
      },
      (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), null),
    );
  };
}

export interface PublicFetchOptions {
  policy: MediaLinkPolicy;
  headers?: Record<string, string>;
  signal?: AbortSignal;
  /** Replaces the guarded connection (a proxy): links and redirects are still checked, but not what names resolve to. */
  fetch?: FetchLike;
  resolve?: ResolveHost;
}

export interface PublicResponse {
  response: Response;
  /** Where the response came from, after redirects. */
  url: URL;
  /** Lets the connection go once the body has been read (or given up on). */
  close(): Promise<void>;
}

/** GETs `link` under `options.policy`, following at most MAX_REDIRECTS redirects; throws RefusedMediaLink. */
export async function fetchPublic(link: string | URL, options: PublicFetchOptions): Promise<PublicResponse> {
  // undici (for its connector hook) is loaded on the first link fetched, not at start-up.
  const undici = options.fetch ? undefined : await import('undici');
  const agent = undici
    ? new undici.Agent({ connect: guardedConnector(undici.buildConnector({}), options.policy, options.resolve ?? systemResolve) })
    : undefined;
  const close = async () => {
    await agent?.destroy().catch(() => undefined);
  };
  const get: FetchLike =
    options.fetch ??
    ((input, init) => undici!.fetch(input as string, { ...(init as object), dispatcher: agent }) as unknown as Promise<Response>);
  let current: string | URL = link;
  try {
    for (let hop = 0; ; hop++) {
      const checked = checkMediaLink(current, options.policy);
      if (!checked.ok) throw new RefusedMediaLink(checked.problem);
      const response = await get(checked.url, { headers: options.headers, redirect: 'manual', signal: options.signal });
      const location = response.headers.get('location');
      if (![301, 302, 303, 307, 308].includes(response.status) || !location) return { response, url: checked.url, close };
      await response.body?.cancel().catch(() => undefined);
      if (hop >= MAX_REDIRECTS) throw new RefusedMediaLink('redirects');
      try {
        current = new URL(location, checked.url);
      } catch {
        throw new RefusedMediaLink('not_a_link');
      }
    }
  } catch (error) {
    await close();
    throw error;
  }
}
