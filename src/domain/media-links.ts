/**
 * Which image links Greenlight follows. An author's link is fetched from inside the network
 * Greenlight runs in, so a link to a loopback, private, link-local or multicast address (a
 * cloud metadata service, an admin port) would let anyone who can write a draft reach what
 * only Greenlight can. Only public unicast addresses are fetched from, over https (http where
 * ALLOW_HTTP_MEDIA=true), and never with credentials in the link.
 */
import ipaddr from 'ipaddr.js';

export interface MediaLinkPolicy {
  /** ALLOW_HTTP_MEDIA: plain http links too. */
  allowHttp: boolean;
  /**
   * ALLOW_PRIVATE_MEDIA_HOSTS, for tests and local fakes only: which addresses outside the
   * public internet may be fetched from anyway (the port is the one being connected to).
   */
  allowPrivate: (address: string, port: number) => boolean;
}

export const PUBLIC_MEDIA_ONLY: MediaLinkPolicy = { allowHttp: false, allowPrivate: () => false };

/** What is wrong with a link: not one at all, a scheme not allowed, credentials in it, or an address inside. */
export type MediaLinkProblem = 'not_a_link' | 'scheme' | 'credentials' | 'not_public';

/**
 * True for an address on the public internet: unicast, and none of loopback, private,
 * link-local, unique-local, multicast, broadcast, unspecified, carrier-grade NAT, reserved,
 * documentation or benchmarking ranges, nor an IPv6 form that carries an IPv4 address
 * (mapped, NAT64, 6to4, Teredo), which could hide any of those.
 */
export function isPublicAddress(address: string): boolean {
  const bare = address.startsWith('[') && address.endsWith(']') ? address.slice(1, -1) : address;
  if (!ipaddr.isValid(bare)) return false;
  // ::ffff:127.0.0.1 is 127.0.0.1.
  return ipaddr.process(bare).range() === 'unicast';
}

/** May Greenlight connect to `address` on `port` under `policy`? */
export function isAllowedAddress(address: string, port: number, policy: MediaLinkPolicy): boolean {
  return isPublicAddress(address) || policy.allowPrivate(address.replace(/^\[|\]$/g, ''), port);
}

export const defaultPort = (url: URL): number => Number(url.port) || (url.protocol === 'https:' ? 443 : 80);

/**
 * Checks what can be checked in the link itself: scheme, credentials, and a host that is an
 * address (or `localhost`) inside. A host name is checked again on the address it resolves
 * to, when Greenlight connects (see platforms/http/public-fetch.ts), and so is every redirect.
 */
export function checkMediaLink(
  link: string | URL,
  policy: MediaLinkPolicy,
): { ok: true; url: URL } | { ok: false; problem: MediaLinkProblem } {
  let url: URL;
  try {
    url = typeof link === 'string' ? new URL(link.trim()) : link;
  } catch {
    return { ok: false, problem: 'not_a_link' };
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && policy.allowHttp)) return { ok: false, problem: 'scheme' };
  if (url.username || url.password) return { ok: false, problem: 'credentials' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const port = defaultPort(url);
  if (ipaddr.isValid(host) && !isAllowedAddress(host, port, policy)) return { ok: false, problem: 'not_public' };
  if ((host === 'localhost' || host.endsWith('.localhost')) && !policy.allowPrivate('127.0.0.1', port))
    return { ok: false, problem: 'not_public' };
  return { ok: true, url };
}
