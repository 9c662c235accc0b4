/**
 * LinkedIn's versioned API (`/rest/...`) needs the month of the API it was written against.
 * LinkedIn publishes a version every month and serves each for about a year; after that
 * every call answers 426 NONEXISTENT_VERSION. 202609 (September 2026) should stay served
 * until about September 2027: move it forward (and re-run the LinkedIn tests) before then.
 */
export const LINKEDIN_API_VERSION = '202609';

/** What every `/rest/` call carries, but not the PUT to an image upload URL (another host, no Rest.li). */
export const LINKEDIN_REST_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'LinkedIn-Version': LINKEDIN_API_VERSION,
  'X-Restli-Protocol-Version': '2.0.0',
});

/** Rest.li 2.0 wants URNs percent-encoded inside paths and `List(...)` query values. */
export const restliEncode = (urn: string): string => encodeURIComponent(urn);

/** `List(a,b)` with each element encoded; the caller puts it in the path itself, so it is not encoded twice. */
export const restliList = (urns: readonly string[]): string => `List(${urns.map(restliEncode).join(',')})`;

/** A key or header that may come back percent-encoded. */
export function restliDecode(value: string): string {
  if (!value.includes('%')) return value;
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
