/**
 * The media store on a local (or mounted) filesystem under MEDIA_DIR:
 *
 *   <dir>/sha256/ab/ab12…ef   one file per content, fanned out by its first two hex digits
 *   <dir>/tmp/<uuid>.part     a file still arriving
 *
 * A file arrives in tmp/ (the same filesystem, so the final rename is atomic) and is renamed
 * to its sha256 only once it is complete, checked and flushed to disk: a reader sees a whole
 * file or none, and a failure of any kind deletes the part file before the error is thrown.
 */
import { randomUUID } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { IncomingMedia, IncomingVideo } from './incoming-media.js';
import { probeVideo, type VideoSource } from './video-probe.js';
import { MediaRejected } from './media-rejected.js';
import {
  isSha256,
  type ByteRange,
  type MediaLimits,
  type MediaSource,
  type MediaStore,
  type StoredMedia,
  type StoredVideo,
} from './media-store.js';

const isMissing = (error: unknown) => (error as NodeJS.ErrnoException).code === 'ENOENT';

/** A folder's entries, none when it does not exist (nothing stored yet). */
async function entries(folder: string): Promise<string[]> {
  try {
    return await fsp.readdir(folder);
  } catch (error) {
    if (isMissing(error)) return [];
    throw error;
  }
}

/** Runs a step that touches the disk; its failure becomes the author's "could not save" (or "disk full"). */
async function onDisk<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    throw error instanceof MediaRejected ? error : MediaRejected.storing(error);
  }
}

/** FileHandle.write may write less than asked (a disk filling up does); the rest is written until done or an error. */
async function writeAll(file: FileHandle, chunk: Uint8Array): Promise<void> {
  for (let at = 0; at < chunk.byteLength; ) {
    const { bytesWritten } = await file.write(chunk, at, chunk.byteLength - at);
    if (bytesWritten <= 0) throw Object.assign(new Error('write made no progress'), { code: 'EIO' });
    at += bytesWritten;
  }
}

/** `length` bytes from `position` (fewer at the end of the file). */
async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

export class FileMediaStore implements MediaStore {
  readonly dir: string;

  constructor(dir: string) {
    this.dir = path.resolve(dir);
  }

  put(source: MediaSource, limits: MediaLimits): Promise<StoredMedia> {
    const incoming = new IncomingMedia(limits);
    return this.#store(source, incoming, async () => incoming.finish());
  }

  putVideo(source: MediaSource, limits: MediaLimits): Promise<StoredVideo> {
    const incoming = new IncomingVideo(limits);
    return this.#store(source, incoming, async (file, size) => {
      const { sha256, bytes } = incoming.finish();
      // Read from the part file, before it has a name: a file that is no video never gets one.
      const facts = await probeVideo({ size, read: (position, length) => readAt(file, position, length) });
      return { sha256, bytes, ...facts };
    });
  }

  async reader(sha256: string): Promise<(VideoSource & { close(): Promise<void> }) | undefined> {
    const file = this.#pathOf(sha256);
    if (!file) return undefined;
    try {
      const handle = await fsp.open(file, 'r');
      const { size } = await handle.stat();
      return { size, read: (position, length) => readAt(handle, position, length), close: () => handle.close() };
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  /**
   * Streams `source` into a part file under tmp/ through `incoming`'s checks, asks `finish`
   * what was stored (reading the complete part file if it must), then names it by its sha256.
   * Any failure removes the part file before the error is thrown.
   */
  async #store<T extends { sha256: string }>(
    source: MediaSource,
    incoming: { take(chunk: Uint8Array): void },
    finish: (file: FileHandle, size: number) => Promise<T>,
  ): Promise<T> {
    const temp = path.join(this.dir, 'tmp', `${randomUUID()}.part`);
    let file: FileHandle | undefined;
    try {
      file = await onDisk(async () => {
        await fsp.mkdir(path.dirname(temp), { recursive: true });
        return fsp.open(temp, 'wx+');
      });
      const open = file;
      let size = 0;
      try {
        for await (const chunk of source) {
          incoming.take(chunk);
          await onDisk(() => writeAll(open, chunk));
          size += chunk.byteLength;
        }
      } catch (error) {
        // Leaving the loop early cancels the source, so a refused download stops downloading.
        throw error instanceof MediaRejected ? error : MediaRejected.interrupted(error);
      }
      const media = await finish(open, size);
      // Flushed before the rename: after a power cut the name never points at missing bytes.
      await onDisk(() => open.sync());
      file = undefined;
      await onDisk(() => open.close());
      await onDisk(() => this.#settle(temp, media.sha256));
      return media;
    } catch (error) {
      await file?.close().catch(() => undefined);
      await fsp.rm(temp, { force: true }).catch(() => undefined);
      throw error;
    }
  }

  async open(sha256: string, range: ByteRange = {}): Promise<Readable | undefined> {
    const file = this.#pathOf(sha256);
    if (!file) return undefined;
    if (range.end !== undefined && range.end <= (range.start ?? 0)) return (await this.has(sha256)) ? Readable.from([]) : undefined;
    try {
      // Opened here rather than by the stream, so a missing file is undefined, not a stream error later.
      const handle = await fsp.open(file, 'r');
      // createReadStream's `end` is inclusive; ours is exclusive, like slice.
      return handle.createReadStream({ start: range.start ?? 0, ...(range.end !== undefined ? { end: range.end - 1 } : {}) });
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async has(sha256: string): Promise<boolean> {
    return (await this.size(sha256)) !== undefined;
  }

  async size(sha256: string): Promise<number | undefined> {
    const file = this.#pathOf(sha256);
    if (!file) return undefined;
    try {
      return (await fsp.stat(file)).size;
    } catch (error) {
      if (isMissing(error)) return undefined;
      throw error;
    }
  }

  async delete(sha256: string, options: { storedBefore?: Date } = {}): Promise<boolean> {
    const file = this.#pathOf(sha256);
    if (!file) return false;
    try {
      if (options.storedBefore && (await fsp.stat(file)).mtime >= options.storedBefore) return false;
      await fsp.unlink(file);
      return true;
    } catch (error) {
      if (isMissing(error)) return false;
      throw error;
    }
  }

  async *list(): AsyncIterable<{ sha256: string; storedAt: Date }> {
    const root = path.join(this.dir, 'sha256');
    for (const fan of await entries(root)) {
      if (!/^[0-9a-f]{2}$/.test(fan)) continue;
      for (const name of await entries(path.join(root, fan))) {
        if (!isSha256(name) || !name.startsWith(fan)) continue;
        const stat = await fsp.stat(path.join(root, fan, name)).catch(() => undefined);
        if (stat?.isFile()) yield { sha256: name, storedAt: stat.mtime };
      }
    }
  }

  async removeAbandoned(before: Date): Promise<number> {
    const tmp = path.join(this.dir, 'tmp');
    let removed = 0;
    for (const name of await entries(tmp)) {
      if (!name.endsWith('.part')) continue;
      const file = path.join(tmp, name);
      const stat = await fsp.stat(file).catch(() => undefined);
      if (stat && stat.mtime < before) {
        await fsp.rm(file, { force: true });
        removed++;
      }
    }
    return removed;
  }

  #pathOf(sha256: string): string | undefined {
    return isSha256(sha256) ? path.join(this.dir, 'sha256', sha256.slice(0, 2), sha256) : undefined;
  }

  /** Gives the complete temp file its name; the same bytes stored before keep their file and the copy goes. */
  async #settle(temp: string, sha256: string): Promise<void> {
    const final = this.#pathOf(sha256)!;
    const folder = path.dirname(final);
    await fsp.mkdir(folder, { recursive: true });
    const exists = await fsp.access(final).then(
      () => true,
      () => false,
    );
    if (exists) {
      await fsp.rm(temp, { force: true });
      // Stored again now: retention measures from here (see MediaStore.list).
      const now = new Date();
      await fsp.utimes(final, now, now);
      return;
    }
    // Two puts of the same bytes may both get here: each rename swaps in identical bytes atomically.
    await fsp.rename(temp, final);
    // The rename itself survives a power cut only once its directory is flushed; some systems
    // cannot open a directory for that, and there the rename is as durable as they make it.
    const directory = await fsp.open(folder, 'r').catch(() => undefined);
    await directory?.sync().catch(() => undefined);
    await directory?.close().catch(() => undefined);
  }
}
