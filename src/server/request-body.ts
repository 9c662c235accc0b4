import type http from 'node:http';

/** Why a body was not read; `status` is what the client is answered (if it still listens). */
export class BodyReadError extends Error {
  constructor(
    readonly status: 400 | 408 | 413 | 503,
    message: string,
  ) {
    super(message);
    this.name = 'BodyReadError';
  }
}

export interface BodyLimits {
  /** Bytes; a declared Content-Length above it is refused before anything is read. */
  maxBytes: number;
  /** From the moment reading starts until the last byte. */
  deadlineMs: number;
  /** Shared by every body being read on a route: what they may hold together. */
  budget?: BodyBudget;
}

/**
 * Bytes that bodies still being read may hold in all. The per-body limit alone would let many
 * slow clients each hold almost a whole body; with this, memory for unauthenticated bodies is
 * bounded whatever the number of connections, and a flood is answered 503 instead.
 */
export class BodyBudget {
  #held = 0;
  constructor(readonly maxBytes: number) {}

  get held(): number {
    return this.#held;
  }

  take(bytes: number): boolean {
    if (this.#held + bytes > this.maxBytes) return false;
    this.#held += bytes;
    return true;
  }

  give(bytes: number): void {
    this.#held -= bytes;
  }
}

/**
 * Reads a request body within a size limit and a deadline, for routes that must see the
 * exact bytes (signature checks) before they know who sent them. Whatever goes wrong, the
 * body is dropped at once: an unauthenticated client never holds more than `maxBytes` for
 * longer than `deadlineMs`.
 */
export function readBody(req: http.IncomingMessage, limits: BodyLimits): Promise<Buffer> {
  const declared = req.headers['content-length'];
  if (declared !== undefined && Number(declared) > limits.maxBytes) {
    return Promise.reject(new BodyReadError(413, `declared body of ${declared} bytes is over the limit`));
  }
  return new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    const finish = (error: BodyReadError | undefined) => {
      clearTimeout(timer);
      limits.budget?.give(received);
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
      if (error) {
        chunks.length = 0;
        // Stop reading: the socket goes when the answer has been written (or now, if aborted).
        req.pause();
        reject(error);
      } else {
        resolve(Buffer.concat(chunks, received));
      }
    };
    const onData = (chunk: Buffer) => {
      if (received + chunk.length > limits.maxBytes) return finish(new BodyReadError(413, 'body over the limit'));
      if (limits.budget && !limits.budget.take(chunk.length)) return finish(new BodyReadError(503, 'too many bodies being read at once'));
      received += chunk.length;
      chunks.push(chunk);
    };
    const onEnd = () => finish(undefined);
    const onError = () => finish(new BodyReadError(400, 'the client went away while sending the body'));
    const onClose = () => {
      if (!req.complete) finish(new BodyReadError(400, 'the client went away while sending the body'));
    };
    const timer = setTimeout(() => finish(new BodyReadError(408, `body not complete within ${limits.deadlineMs} ms`)), limits.deadlineMs);
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}
