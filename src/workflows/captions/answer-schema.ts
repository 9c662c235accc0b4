/**
 * The shape the model must answer in (a JSON schema for structured output), and the one
 * place its answer is parsed and checked (zod). The schema stays inside the subset every
 * strict structured-output implementation accepts: every property required, no extra
 * properties, no length keywords; the count of captions is checked here instead.
 */
import { z } from 'zod';
import type { NetworkId } from '../../domain/network.js';
import type { JsonSchema } from './caption-model.js';
import { SUGGESTIONS_PER_NETWORK } from './prompt.js';

export const SCHEMA_NAME = 'caption_suggestions';

/** `{ "<network>": ["caption", "caption", "caption"], … }` for exactly these networks. */
export function answerSchema(networks: readonly NetworkId[]): JsonSchema {
  return {
    type: 'object',
    properties: Object.fromEntries(
      networks.map((n) => [
        n,
        { type: 'array', description: `Exactly ${SUGGESTIONS_PER_NETWORK} different captions for ${n}.`, items: { type: 'string' } },
      ]),
    ),
    required: [...networks],
    additionalProperties: false,
  };
}

export type ParsedAnswer = { ok: true; captions: Map<NetworkId, string[]> } | { ok: false; problem: string };

const Captions = z.array(z.string()).transform((list) => list.map((c) => c.trim()).filter(Boolean));

/**
 * Parses the model's JSON text. Every network asked for must have at least one non-empty
 * caption; more than three are cut to three, networks not asked for are ignored.
 */
export function parseAnswer(content: string, networks: readonly NetworkId[]): ParsedAnswer {
  let json: unknown;
  try {
    json = JSON.parse(content);
  } catch {
    return { ok: false, problem: 'not JSON' };
  }
  const schema = z.object(Object.fromEntries(networks.map((n) => [n, Captions])) as Record<NetworkId, typeof Captions>);
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, problem: parsed.error.issues.map((i) => `${i.path.join('.') || 'answer'}: ${i.message}`).join('; ') };
  }
  const captions = new Map<NetworkId, string[]>();
  for (const network of networks) {
    const list = parsed.data[network]!.slice(0, SUGGESTIONS_PER_NETWORK);
    if (!list.length) return { ok: false, problem: `${network}: no captions` };
    captions.set(network, list);
  }
  return { ok: true, captions };
}
