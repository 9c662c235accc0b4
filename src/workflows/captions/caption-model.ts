/**
 * What the suggester needs from a language model: one chat call constrained by a JSON
 * schema. The OpenAI client wrapper implements it; unit tests can hand in anything.
 */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export type JsonSchema = Record<string, unknown>;

export interface ModelCall {
  messages: ChatMessage[];
  schema: JsonSchema;
  /** Aborts the call when the request's time is up. */
  signal: AbortSignal;
}

/** The model's raw JSON text, or why there is none, phrased for the author. */
export type ModelAnswer = { ok: true; content: string } | { ok: false; reason: string };

export interface CaptionModel {
  complete(call: ModelCall): Promise<ModelAnswer>;
}
