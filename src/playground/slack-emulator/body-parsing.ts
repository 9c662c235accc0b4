/**
 * @slack/web-api sends arguments form-encoded and flattens every non-scalar (blocks, view,
 * files…) into a JSON string; other callers may post JSON. Both arrive here as one plain
 * object with the nested fields parsed back, so handlers and recorded calls never care.
 */
const JSON_ENCODED_FIELDS = ['blocks', 'attachments', 'view', 'files', 'metadata'] as const;

export class BodyParseError extends Error {
  constructor(readonly slackError: 'invalid_json' | 'invalid_form_data') {
    super(slackError);
  }
}

export async function parseApiArgs(contentType: string, body: Buffer, query: URLSearchParams): Promise<Record<string, unknown>> {
  const args: Record<string, unknown> = Object.fromEntries(query);
  if (body.length > 0) Object.assign(args, await parseBody(contentType, body));
  for (const field of JSON_ENCODED_FIELDS) {
    const value = args[field];
    if (typeof value !== 'string') continue;
    try {
      args[field] = JSON.parse(value);
    } catch {
      // Left as the raw string: the method answers it the way Slack does (e.g. invalid_blocks_format).
    }
  }
  return args;
}

async function parseBody(contentType: string, body: Buffer): Promise<Record<string, unknown>> {
  if (contentType.startsWith('application/json')) {
    try {
      const parsed: unknown = JSON.parse(body.toString('utf8'));
      if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
    } catch {
      // fall through
    }
    throw new BodyParseError('invalid_json');
  }
  if (contentType.startsWith('multipart/form-data')) {
    try {
      const form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
      const args: Record<string, unknown> = {};
      for (const [key, value] of form) args[key] = typeof value === 'string' ? value : Buffer.from(await value.arrayBuffer());
      return args;
    } catch {
      throw new BodyParseError('invalid_form_data');
    }
  }
  return Object.fromEntries(new URLSearchParams(body.toString('utf8')));
}

/**
 * The upload URL files.getUploadURLExternal hands out receives the file's bytes either raw
 * or, as @slack/web-api does it, as a multipart form with a single `body` file field.
 */
export async function parseUploadBytes(contentType: string, body: Buffer): Promise<Buffer> {
  if (!contentType.startsWith('multipart/form-data')) return body;
  const form = await new Response(body, { headers: { 'content-type': contentType } }).formData();
  for (const [, value] of form) if (typeof value !== 'string') return Buffer.from(await value.arrayBuffer());
  return Buffer.alloc(0);
}
