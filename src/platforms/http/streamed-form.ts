/**
 * A multipart/form-data body whose file part is streamed from its source as it is sent, for
 * files too big to hold in memory (videos). `FormData` would need the file whole as a Blob;
 * this writes the same framing (RFC 7578) around the file's stream, and knows the exact
 * length up front, so the request carries a Content-Length as a browser's upload would.
 */
import { randomBytes } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { BodySource } from './http-client.js';

export interface StreamedFile {
  /** The form field's name (`file`, `media`). */
  field: string;
  filename: string;
  contentType: string;
  /** Exactly how many bytes `open` yields: the Content-Length depends on it. */
  size: number;
  /**
   * A fresh stream of the file's bytes for each attempt. Called before the request leaves, so
   * a file that cannot be read fails as itself rather than as a broken connection.
   */
  open(): Promise<Readable>;
}

export interface StreamedForm {
  /** `multipart/form-data; boundary=…`, for the request's Content-Type. */
  contentType: string;
  /** The whole body's length in bytes, for the request's Content-Length. */
  contentLength: number;
  body: BodySource;
}

/** A header parameter's value, quoted: quotes and line breaks percent-encoded as browsers (and undici's FormData) do. */
const quoted = (value: string) => `"${value.replace(/\r/g, '%0D').replace(/\n/g, '%0A').replace(/"/g, '%22')}"`;

/** Text fields first, then the file: servers that stream the upload read the small fields before the big one. */
export function streamedForm(fields: Readonly<Record<string, string>>, file: StreamedFile): StreamedForm {
  const boundary = `----GreenlightFormBoundary${randomBytes(12).toString('hex')}`;
  const parts = Object.entries(fields).map(
    ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name=${quoted(name)}\r\n\r\n${value}\r\n`,
  );
  const head = Buffer.from(
    `${parts.join('')}--${boundary}\r\nContent-Disposition: form-data; name=${quoted(file.field)}; filename=${quoted(file.filename)}\r\nContent-Type: ${file.contentType}\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);

  return {
    contentType: `multipart/form-data; boundary=${boundary}`,
    contentLength: head.length + file.size + tail.length,
    body: async () => framed(head, await file.open(), tail),
  };
}

/**
 * The file between its framing. Ending the iteration early (fetch gave up, or never started)
 * closes the file too: a generator that has not started would not run its own clean-up.
 */
function framed(head: Uint8Array, file: Readable, tail: Uint8Array): AsyncIterable<Uint8Array> {
  async function* parts(): AsyncGenerator<Uint8Array> {
    yield head;
    for await (const chunk of file) yield chunk as Uint8Array;
    yield tail;
  }
  const iterator = parts();
  return {
    [Symbol.asyncIterator]: () => ({
      next: () => iterator.next(),
      return: async () => {
        file.destroy();
        return iterator.return(undefined);
      },
    }),
  };
}
