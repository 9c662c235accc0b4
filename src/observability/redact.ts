/**
 * Keeps secrets out of logs, chat messages and errors (rule 8 in docs/architecture.md).
 *
 * Two layers: every configured secret value is registered at start-up and replaced
 * wherever it appears, and well-known token shapes are masked even if nobody
 * registered them (a token echoed back by a network in an error body, say).
 */
const registered = new Set<string>();

/** Secrets shorter than this are not worth masking (they would mask ordinary words). */
const MIN_SECRET_LENGTH = 6;

export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= MIN_SECRET_LENGTH) registered.add(value);
}

const PATTERNS: Array<[RegExp, string]> = [
  // Authorization headers and bearer tokens
  [/\b(Bearer|Basic)\s+[A-Za-z0-9\-._~+/]+=*/gi, '$1 [redacted]'],
  // Slack tokens: xoxb-, xoxp-, xapp-, xoxe- …
  [/\bx(?:ox[a-z]|app)-[A-Za-z0-9-]{8,}/g, '[redacted]'],
  // OpenAI-style keys
  [/\bsk-[A-Za-z0-9_-]{16,}/g, '[redacted]'],
  // access tokens and secrets in query strings or form bodies
  [/\b(access_token|refresh_token|client_secret|password|app_password|token)=([^&\s"']+)/gi, '$1=[redacted]'],
  // the same in JSON bodies
  [/"(access_?token|refresh_?jwt|access_?jwt|refresh_?token|password|client_secret|api_?key)"\s*:\s*"[^"]*"/gi, '"$1":"[redacted]"'],
];

export function redact(text: string): string {
  let out = text;
  for (const secret of registered) {
    if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  }
  for (const [pattern, replacement] of PATTERNS) out = out.replace(pattern, replacement);
  return out;
}

/**
 * Names whose value is a secret whatever it looks like: the names the patterns above mask in
 * `name=value` and `"name":"value"` text, plus `authorization`. Structured output (JSON logs)
 * has no such text around a value, so it asks by name.
 */
const SECRET_NAME =
  /^(access_?token|refresh_?token|client_?secret|password|app_?password|token|refresh_?jwt|access_?jwt|api_?key|authorization)$/i;

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** For tests: forget registered secrets. */
export function clearRegisteredSecrets(): void {
  registered.clear();
}
