import { z } from 'zod';

/**
 * Meta's error body, the same on every Graph API endpoint:
 * `{"error":{"message","type","code","error_subcode","is_transient","error_user_title","error_user_msg","fbtrace_id"}}`.
 * The HTTP status says little (throttling and bad tokens both come as 400); the codes say what happened.
 */
const GraphErrorBody = z.object({
  error: z.object({
    message: z.string().optional(),
    type: z.string().optional(),
    code: z.coerce.number().int().optional(),
    error_subcode: z.coerce.number().int().optional(),
    is_transient: z.boolean().optional(),
    error_user_title: z.string().optional(),
    error_user_msg: z.string().optional(),
    fbtrace_id: z.string().optional(),
  }),
});

export interface GraphError {
  code: number | undefined;
  subcode: number | undefined;
  message: string | undefined;
  /** Written for people, when Meta has one (Instagram's publishing errors mostly do). */
  userMessage: string | undefined;
  isTransient: boolean;
  fbtraceId: string | undefined;
}

export function readGraphError(json: unknown): GraphError | undefined {
  const parsed = GraphErrorBody.safeParse(json);
  if (!parsed.success) return undefined;
  const e = parsed.data.error;
  return {
    code: e.code,
    subcode: e.error_subcode,
    message: e.message,
    userMessage: e.error_user_msg,
    isTransient: e.is_transient ?? false,
    fbtraceId: e.fbtrace_id,
  };
}

const MAX_QUOTE = 300;

/** The network's own words, one line, for quoting after our sentence. */
export function graphWords(error: GraphError): string | undefined {
  const words = (error.userMessage ?? error.message)?.replace(/\s+/g, ' ').trim();
  if (!words) return undefined;
  return words.length > MAX_QUOTE ? `${words.slice(0, MAX_QUOTE - 1)}…` : words;
}

/** `message (It said: "…")`, the shape the shared classifier uses too. */
export function withGraphWords(message: string, error: GraphError): string {
  const words = graphWords(error);
  return words ? `${message} (It said: "${words}")` : message;
}
