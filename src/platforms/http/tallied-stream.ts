/**
 * An approved file's bytes as they are sent (issue 15's videos): counted for progress and fed
 * to a hash on the way, so a publisher knows exactly which bytes left without holding them.
 * The stream fails at the first byte past the length it may have, so a file longer than the
 * approved one is never sent whole.
 */
import type { Hash } from 'node:crypto';
import { pipeline, Transform, type Readable } from 'node:stream';

/** What one stream let through. */
export interface Tally {
  bytes: number;
  /** The source ended and every byte went through (the hash holds them all). */
  complete: boolean;
  /** The source ran past `limit` and was stopped there. */
  overlong: boolean;
}

export function talliedStream(
  source: Readable,
  options: {
    /** The most bytes this stream may carry. */
    limit: number;
    /** Fed every byte that passes, in order. */
    hash: Hash;
    /** Called with this stream's running count after each chunk. */
    onBytes?: (bytes: number) => void;
  },
): { stream: Readable; tally: Tally } {
  const tally: Tally = { bytes: 0, complete: false, overlong: false };
  const tap = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      tally.bytes += chunk.length;
      if (tally.bytes > options.limit) {
        tally.overlong = true;
        return done(new Error('the stored file is longer than the approved one'));
      }
      options.hash.update(chunk);
      options.onBytes?.(tally.bytes);
      done(null, chunk);
    },
    flush(done) {
      tally.complete = true;
      done();
    },
  });
  // The pipeline closes the file when the request stops reading (an error, a cancelled fetch).
  pipeline(source, tap, () => undefined);
  return { stream: tap, tally };
}
