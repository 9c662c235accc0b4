/**
 * The one Graph API version Greenlight speaks (DESIGN §4: `/v25.0/{page}/feed`). Meta keeps
 * each version for about two years; moving to a newer one is a change to this line plus a
 * look at that version's changelog for renamed fields and metrics.
 */
export const GRAPH_API_VERSION = 'v25.0';

/** `/v25.0/a/b`, each segment escaped (ids are digits, but a stray character must not change the path). */
export function graphPath(...segments: string[]): string {
  return `/${GRAPH_API_VERSION}/${segments.map((s) => encodeURIComponent(s)).join('/')}`;
}
