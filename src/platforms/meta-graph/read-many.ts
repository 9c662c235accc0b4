import { z } from 'zod';
import { PublishError } from '../publisher.js';
import type { GraphClient } from './graph-client.js';
import type { GraphError } from './graph-error.js';
import { GRAPH_API_VERSION, graphPath } from './version.js';

/** The Graph API's limit on `?ids=` ("up to 50 IDs" per request, Graph API "Multiple ID read requests"). */
export const MAX_IDS_PER_REQUEST = 50;

/**
 * 100 ("Object does not exist, cannot be loaded due to missing permissions") and 803 ("Some of
 * the aliases you requested do not exist") mean a post was deleted or is no longer ours: it is
 * left out, as the Publisher contract says, instead of failing every other post's figures.
 */
const isGone = (error: GraphError | undefined) => error?.code === 100 || error?.code === 803;

/**
 * Reads `fields` of many objects with `GET /v25.0/?ids=a,b,c&fields=…`, 50 ids a request.
 * One missing object fails a whole multi-id request, so a batch refused that way is read
 * again id by id, and only the missing ones are left out. Every other failure (token,
 * throttling) is thrown: it would fail the single reads as well.
 */
export async function readMany<T>(
  graph: GraphClient,
  ids: readonly string[],
  fields: string,
  schema: z.ZodType<T>,
  signal?: AbortSignal,
): Promise<Map<string, T>> {
  const unique = [...new Set(ids)];
  const found = new Map<string, T>();

  for (let start = 0; start < unique.length; start += MAX_IDS_PER_REQUEST) {
    const chunk = unique.slice(start, start + MAX_IDS_PER_REQUEST);
    let refusal: GraphError | undefined;
    try {
      const byId = await graph.get({
        path: `/${GRAPH_API_VERSION}/`,
        query: { ids: chunk.join(','), fields },
        schema: z.record(z.string(), z.unknown()),
        retry: true,
        onGraphError: (error) => (refusal = error),
        ...(signal ? { signal } : {}),
      });
      for (const id of chunk) {
        const parsed = schema.safeParse(byId[id]);
        if (parsed.success) found.set(id, parsed.data);
      }
    } catch (error) {
      if (!(error instanceof PublishError) || !isGone(refusal)) throw error;
      for (const id of chunk) {
        const one = await readOne(graph, id, fields, schema, signal);
        if (one !== undefined) found.set(id, one);
      }
    }
  }
  return found;
}

async function readOne<T>(
  graph: GraphClient,
  id: string,
  fields: string,
  schema: z.ZodType<T>,
  signal?: AbortSignal,
): Promise<T | undefined> {
  let refusal: GraphError | undefined;
  try {
    const body = await graph.get({
      path: graphPath(id),
      query: { fields },
      schema: z.unknown(),
      retry: true,
      onGraphError: (error) => (refusal = error),
      ...(signal ? { signal } : {}),
    });
    // Same rule as the batch: an object whose figures we cannot read is left out, not fatal.
    const parsed = schema.safeParse(body);
    return parsed.success ? parsed.data : undefined;
  } catch (error) {
    if (error instanceof PublishError && isGone(refusal)) return undefined;
    throw error;
  }
}
