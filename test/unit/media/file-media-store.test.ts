import { createHash } from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FileMediaStore } from '../../../src/media/file-media-store.js';
import { MediaRejected } from '../../../src/media/media-rejected.js';
import { gif, jpeg, png, webpExtended, webpLossless, webpLossy } from '../../support/image-fixtures.js';

const MiB = 1024 * 1024;
const limits = { maxBytes: 25 * MiB };
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

let dir: string;
let store: FileMediaStore;

beforeEach(async () => {
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'greenlight-media-'));
  store = new FileMediaStore(dir);
});

afterEach(async () => {
  vi.restoreAllMocks();
  await fsp.rm(dir, { recursive: true, force: true });
});

/** Every file under the store's directory, relative to it. */
function filesUnder(root = dir): string[] {
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();
}

/** `bytes` in chunks of `size`, counting how many chunks were asked for (a refused source should stop being read). */
function chunked(bytes: Uint8Array, size: number) {
  const source = {
    pulled: 0,
    async *[Symbol.asyncIterator]() {
      for (let at = 0; at < bytes.length; at += size) {
        source.pulled++;
        yield bytes.subarray(at, at + size);
      }
    },
  };
  return source;
}

async function rejection(promise: Promise<unknown>): Promise<MediaRejected> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof MediaRejected) return error;
    throw error;
  }
  throw new Error('expected MediaRejected');
}

async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}

describe('FileMediaStore.put', () => {
  it.each([
    ['PNG', png(1080, 1350), 'image/png', 1080, 1350],
    ['JPEG', jpeg(1920, 1005), 'image/jpeg', 1920, 1005],
    ['GIF', gif(320, 200), 'image/gif', 320, 200],
    ['WebP (VP8)', webpLossy(1200, 628), 'image/webp', 1200, 628],
    ['WebP (VP8L)', webpLossless(500, 400), 'image/webp', 500, 400],
    ['WebP (VP8X)', webpExtended(2000, 1000), 'image/webp', 2000, 1000],
  ])('stores a %s under its sha256 with its real type and pixel size', async (_name, bytes, type, width, height) => {
    const media = await store.put(chunked(bytes, 5), limits);
    const hash = sha256(bytes);
    expect(media).toEqual({ sha256: hash, bytes: bytes.length, type, width, height });
    expect(filesUnder()).toEqual([path.join('sha256', hash.slice(0, 2), hash)]);
    expect(await readAll((await store.open(hash))!)).toEqual(bytes);
    expect(await store.has(hash)).toBe(true);
    expect(await store.size(hash)).toBe(bytes.length);
  });

  it('keeps one file for the same bytes stored twice, even at once, and one per different image', async () => {
    const bytes = png(64, 48);
    const [first, second] = await Promise.all([store.put(chunked(bytes, 10), limits), store.put(chunked(bytes, 33), limits)]);
    const third = await store.put(chunked(bytes, 1000), limits);
    expect(second).toEqual(first);
    expect(third).toEqual(first);
    expect(filesUnder()).toHaveLength(1);
    await store.put(chunked(png(64, 49), 100), limits);
    expect(filesUnder()).toHaveLength(2);
  });

  it('takes a web ReadableStream (a fetch body) and a Node stream', async () => {
    const bytes = gif(20, 10);
    const web = await store.put(new Blob([bytes]).stream(), limits);
    const node = await store.put(Readable.from([bytes.subarray(0, 7), bytes.subarray(7)]), limits);
    expect(web).toMatchObject({ sha256: sha256(bytes), type: 'image/gif', width: 20, height: 10 });
    expect(node).toEqual(web);
  });

  it('stops reading a file too large as soon as it passes the limit, and leaves nothing behind', async () => {
    const bytes = Buffer.concat([png(10, 10), Buffer.alloc(3 * MiB)]);
    const source = chunked(bytes, 64 * 1024);
    const error = await rejection(store.put(source, { maxBytes: 1 * MiB }));
    expect(error.reason).toBe('too_large');
    expect(error.userMessage).toBe('That file is larger than 1 MB; images can be at most 1 MB (MEDIA_MAX_MB).');
    expect(source.pulled).toBe(17); // 16 chunks make 1 MiB; the 17th passes it; the other 32 are never asked for
    expect(filesUnder()).toEqual([]);
  });

  it('refuses bytes that are not an image whatever they are called, after the first chunk', async () => {
    const page = Buffer.from(`<!doctype html><title>photo.png</title>${'x'.repeat(10_000)}`);
    const source = chunked(page, 100);
    const error = await rejection(store.put(source, limits));
    expect(error.reason).toBe('not_an_image');
    expect(source.pulled).toBe(1);
    expect(filesUnder()).toEqual([]);
  });

  it('refuses an image cut off before its size, and an empty file', async () => {
    const cut = await rejection(store.put(chunked(png(10, 10).subarray(0, 20), 4), limits));
    expect(cut.reason).toBe('damaged');
    expect(cut.userMessage).toContain('starts like a PNG image, but it is cut off or damaged');
    const empty = await rejection(store.put(chunked(Buffer.alloc(0), 1), limits));
    expect(empty.userMessage).toBe('That file is empty.');
    expect(filesUnder()).toEqual([]);
  });

  it('says the upload was interrupted when the source fails midway, and leaves nothing behind', async () => {
    const bytes = png(200, 200);
    async function* dropped() {
      yield bytes.subarray(0, 100);
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    }
    const error = await rejection(store.put(dropped(), limits));
    expect(error.reason).toBe('interrupted');
    expect(error.userMessage).toBe('The image stopped arriving before it was complete; try again.');
    expect((error.cause as NodeJS.ErrnoException).code).toBe('ECONNRESET');
    expect(filesUnder()).toEqual([]);
  });

  it('says the disk is full when a write fails with ENOSPC, and removes what it had written', async () => {
    const realOpen = fsp.open.bind(fsp);
    let partWritten: string | undefined;
    vi.spyOn(fsp, 'open').mockImplementation(async (file, flags, mode) => {
      const handle = await realOpen(file, flags, mode);
      if (!String(flags).startsWith('wx')) return handle; // the part file (opened to write, and read back for videos)
      const write = handle.write.bind(handle) as (...args: unknown[]) => Promise<{ bytesWritten: number }>;
      let writes = 0;
      // The first write lands on disk for real; the second finds the disk full.
      handle.write = (async (...args: unknown[]) => {
        if (++writes === 1) {
          partWritten = String(file);
          return write(...args);
        }
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC', errno: -28, syscall: 'write' });
      }) as typeof handle.write;
      return handle;
    });
    const error = await rejection(store.put(chunked(png(300, 300), 50), limits));
    expect(error.reason).toBe('disk_full');
    expect(error.userMessage).toBe(
      'Greenlight’s storage for images is full, so the image was not kept; try again once an admin has freed space (MEDIA_DIR).',
    );
    expect(partWritten).toMatch(/[/\\]tmp[/\\][0-9a-f-]{36}\.part$/);
    expect(fs.existsSync(partWritten!)).toBe(false);
    expect(filesUnder()).toEqual([]);
  });

  it('says it could not save the image when the directory cannot be written', async () => {
    const blocked = path.join(dir, 'not-a-directory');
    await fsp.writeFile(blocked, 'a file where the store wants a folder');
    const error = await rejection(new FileMediaStore(blocked).put(chunked(png(4, 4), 10), limits));
    expect(error.reason).toBe('storage_failed');
    expect(error.userMessage).toMatch(/^Greenlight could not save the image because of a problem on its server/);
  });
});

describe('FileMediaStore: reading and deleting', () => {
  it('deletes a file once: then it is gone for has, size and open', async () => {
    const { sha256: key } = await store.put(chunked(jpeg(30, 20), 8), limits);
    expect(await store.delete(key)).toBe(true);
    expect(await store.has(key)).toBe(false);
    expect(await store.size(key)).toBeUndefined();
    expect(await store.open(key)).toBeUndefined();
    expect(await store.delete(key)).toBe(false);
    expect(filesUnder()).toEqual([]);
  });

  it('has no file for a key that is not a sha256, so a key can never reach outside the store', async () => {
    await fsp.writeFile(path.join(dir, 'secret.txt'), 'outside the store');
    const { sha256: key } = await store.put(chunked(png(2, 2), 8), limits);
    for (const bad of ['../secret.txt', '../../etc/passwd', key.toUpperCase(), key.slice(0, 63), `${key}/..`]) {
      expect(await store.has(bad)).toBe(false);
      expect(await store.open(bad)).toBeUndefined();
      expect(await store.delete(bad)).toBe(false);
    }
    expect(await readAll((await store.open(key))!)).toEqual(png(2, 2));
    expect(fs.existsSync(path.join(dir, 'secret.txt'))).toBe(true);
  });
});
