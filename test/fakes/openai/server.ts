/**
 * A fake OpenAI-compatible server (point OPENAI_BASE_URL at `baseUrl`): Chat Completions
 * with structured output, answering the way OpenAI does, including its `{error: …}` bodies.
 * It checks what a real server would refuse (the key, the JSON-schema response format, a
 * token budget), writes three captions per network the schema asks for unless a test
 * scripts another answer, and can misbehave through the network fake's faults (429 with
 * Retry-After, 5xx, a slow answer).
 */
import { randomBytes } from 'node:crypto';
import { startFakeNetworkServer, type Fault, type FakeNetworkServer, type FakeRequest, type FakeResponse } from '../network/server.js';

export interface ChatMessage {
  role: string;
  content: string;
}

/** One chat completion request as the fake received it. */
export interface ChatRequest {
  raw: FakeRequest;
  model: string;
  messages: ChatMessage[];
  /** The networks the response schema requires (its `required`). */
  networks: string[];
  schema: Record<string, unknown>;
  maxTokens: number | undefined;
  maxCompletionTokens: number | undefined;
}

export type FakeAnswer =
  | { captions: Record<string, string[]> }
  | { content: string; finishReason?: 'stop' | 'length' | 'content_filter' }
  | { refusal: string };

export type AnswerScript = FakeAnswer | ((request: ChatRequest) => FakeAnswer);

export interface OpenAIFake {
  /** The value for OPENAI_BASE_URL (ends in /v1, as OpenAI's own). */
  readonly baseUrl: string;
  readonly server: FakeNetworkServer;
  /** Chat completion requests that were well-formed, in order. */
  readonly requests: ChatRequest[];
  /** The next requests get these answers, in order; then the default captions again. */
  answerNext(...answers: AnswerScript[]): void;
  /** The next request gets an HTTP fault instead (status, delay, hang, drop). */
  failNext(fault: Fault, times?: number): void;
  close(): Promise<void>;
}

/** The draft between the prompt's `"""` fences in the last user message. */
export function draftOf(request: ChatRequest): string {
  const user = [...request.messages].reverse().find((m) => m.role === 'user' && m.content.includes('Draft:'));
  const match = user?.content.match(/Draft:\n"""\n([\s\S]*)\n"""/);
  return match?.[1] ?? '';
}

/** Three captions per network, each shorter than any network's limit. */
export function defaultCaptions(request: ChatRequest): Record<string, string[]> {
  const gist = draftOf(request).split(/\s+/).slice(0, 8).join(' ');
  return Object.fromEntries(request.networks.map((n) => [n, [1, 2, 3].map((i) => `${gist} (take ${i} for ${n}) #Spring${i}`)]));
}

const errorBody = (message: string, type: string, code: string | null, param: string | null = null) => ({
  error: { message, type, param, code },
});

function completion(model: string, answer: FakeAnswer): FakeResponse {
  const message =
    'refusal' in answer
      ? { role: 'assistant', content: null, refusal: answer.refusal }
      : { role: 'assistant', content: 'captions' in answer ? JSON.stringify(answer.captions) : answer.content, refusal: null };
  const finish = 'content' in answer ? (answer.finishReason ?? 'stop') : 'stop';
  return {
    json: {
      id: `chatcmpl-${randomBytes(12).toString('hex')}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model,
      choices: [{ index: 0, message, logprobs: null, finish_reason: finish }],
      usage: { prompt_tokens: 100, completion_tokens: 100, total_tokens: 200 },
    },
  };
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses a request the way OpenAI validates it; a string is the 400 message. */
function parseChatRequest(req: FakeRequest): ChatRequest | string {
  const body = req.json;
  if (!isObject(body)) return 'We could not parse the JSON body of your request.';
  if (typeof body.model !== 'string' || !body.model) return "Missing required parameter: 'model'.";
  if (!Array.isArray(body.messages) || !body.messages.length) return "Missing required parameter: 'messages'.";
  const messages = body.messages.filter(isObject).map((m) => ({ role: String(m.role), content: String(m.content) }));
  const format = body.response_format;
  if (!isObject(format) || format.type !== 'json_schema' || !isObject(format.json_schema)) {
    return "Invalid parameter: 'response_format' must be a json_schema format (the fake only serves structured output).";
  }
  const spec = format.json_schema;
  if (typeof spec.name !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(spec.name)) return "Invalid 'response_format.json_schema.name'.";
  const schema = spec.schema;
  if (!isObject(schema) || schema.type !== 'object')
    return 'Invalid schema for response_format: schema must be a JSON Schema of \'type: "object"\'.';
  if (spec.strict === true) {
    // OpenAI's strict mode: every property required, no additional properties.
    const props = isObject(schema.properties) ? Object.keys(schema.properties) : [];
    const required = Array.isArray(schema.required) ? schema.required.map(String) : [];
    if (schema.additionalProperties !== false)
      return "Invalid schema for response_format: 'additionalProperties' is required to be supplied and to be false.";
    if (props.some((p) => !required.includes(p)))
      return "Invalid schema for response_format: 'required' is required to be supplied and to be an array including every key in properties.";
  }
  const number = (v: unknown) => (typeof v === 'number' && Number.isInteger(v) && v > 0 ? v : undefined);
  const maxTokens = number(body.max_tokens);
  const maxCompletionTokens = number(body.max_completion_tokens);
  if (maxTokens === undefined && maxCompletionTokens === undefined)
    return 'The fake insists on a token budget: set max_tokens or max_completion_tokens.';
  return {
    raw: req,
    model: body.model,
    messages,
    networks: Array.isArray(schema.required) ? schema.required.map(String) : [],
    schema,
    maxTokens,
    maxCompletionTokens,
  };
}

export async function startFakeOpenAI(options: { apiKey: string }): Promise<OpenAIFake> {
  const server = await startFakeNetworkServer({ name: 'openai' });
  const requests: ChatRequest[] = [];
  const script: AnswerScript[] = [];

  server.route('POST', '/v1/chat/completions', (req) => {
    const auth = String(req.headers.authorization ?? '');
    if (auth !== `Bearer ${options.apiKey}`) {
      return {
        status: 401,
        json: errorBody(
          'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
          'invalid_request_error',
          'invalid_api_key',
        ),
      };
    }
    const parsed = parseChatRequest(req);
    if (typeof parsed === 'string') return { status: 400, json: errorBody(parsed, 'invalid_request_error', null) };
    requests.push(parsed);
    const next = script.shift() ?? ((r: ChatRequest) => ({ captions: defaultCaptions(r) }));
    return completion(parsed.model, typeof next === 'function' ? next(parsed) : next);
  });

  return {
    baseUrl: `${server.url}/v1`,
    server,
    requests,
    answerNext: (...answers) => script.push(...answers),
    failNext: (fault, times = 1) => server.failNext({ method: 'POST', path: '/v1/chat/completions' }, fault, times),
    close: () => server.close(),
  };
}

/** OpenAI's 429 for too many requests, with the headers it sends. */
export const RATE_LIMITED: Fault = {
  kind: 'status',
  status: 429,
  headers: { 'retry-after': '20', 'x-ratelimit-remaining-requests': '0' },
  json: errorBody('Rate limit reached for requests. Please try again in 20s.', 'requests', 'rate_limit_exceeded'),
};
