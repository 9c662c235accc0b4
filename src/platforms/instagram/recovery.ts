import { z } from 'zod';
import type { GraphClient } from '../meta-graph/graph-client.js';
import { graphPath } from '../meta-graph/version.js';

/**
 * A container does not say which media it became, so a post an earlier attempt published
 * (its answer lost to a timeout) is found among the account's newest media: the same
 * caption, published no earlier than the container was created.
 */
const RecentMedia = z.object({
  data: z.array(
    z.object({
      id: z.string(),
      caption: z.string().optional(),
      timestamp: z.string().optional(),
      permalink: z.string().optional(),
    }),
  ),
});

/** Newest first; an account publishing more than this between two attempts is far beyond the API's 50 a day. */
const RECENT_MEDIA_LIMIT = 50;
/** Instagram's clock and ours may disagree a little. */
const CLOCK_SKEW_MS = 10 * 60_000;

/** Instagram keeps the caption as sent, bar line-ending and edge whitespace differences. */
const normalise = (text: string) => text.replace(/\r\n?/g, '\n').trim();

export interface FoundMedia {
  id: string;
  permalink: string | undefined;
}

export async function findPublishedMedia(args: {
  graph: GraphClient;
  userId: string;
  caption: string;
  notBefore: Date;
  signal?: AbortSignal;
}): Promise<FoundMedia | undefined> {
  const recent = await args.graph.get({
    path: graphPath(args.userId, 'media'),
    query: { fields: 'id,caption,timestamp,permalink', limit: RECENT_MEDIA_LIMIT },
    schema: RecentMedia,
    retry: true,
    ...(args.signal ? { signal: args.signal } : {}),
  });
  const wanted = normalise(args.caption);
  const earliest = args.notBefore.getTime() - CLOCK_SKEW_MS;
  const matches = recent.data.filter((media) => {
    if (normalise(media.caption ?? '') !== wanted) return false;
    const at = media.timestamp ? Date.parse(media.timestamp) : NaN;
    return Number.isNaN(at) || at >= earliest;
  });
  // The oldest match is the one this publication made; a later one would be someone else's repeat.
  const first = matches.sort((a, b) => Date.parse(a.timestamp ?? '') - Date.parse(b.timestamp ?? ''))[0];
  return first ? { id: first.id, permalink: first.permalink } : undefined;
}
