import { afterEach, describe, expect, it } from 'vitest';
import { FileMediaStore } from '../../../src/media/file-media-store.js';
import { createMemoryLogger } from '../../../src/observability/logger.js';
import type { WorkflowContext } from '../../../src/workflows/context.js';
import { isVideoLink, takeVideoLink } from '../../../src/workflows/media/video-link.js';
import { tempDir } from '../../support/temp-db.js';

let tmp: ReturnType<typeof tempDir> | undefined;
afterEach(() => tmp?.cleanup());

describe('a video given by link', () => {
  it('is a link whose path names an MP4, M4V or MOV file', () => {
    expect(['https://cdn.example.com/launch.mp4', 'https://x.example/a/b.MOV?sig=1', 'http://h/v.m4v'].map(isVideoLink)).toEqual([
      true,
      true,
      true,
    ]);
    expect(['https://example.com/launch.jpg', 'https://example.com/watch?v=launch.mp4', 'not a link', '', null].map(isVideoLink)).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('is refused before any connection when it could reach inside the network, with the reason in words', async () => {
    tmp = tempDir();
    const store = new FileMediaStore(tmp.dir);
    // No media policy: https on the public internet only.
    const ctx = { mediaStore: store, videoLimits: { maxBytes: 10_000_000 }, logger: createMemoryLogger() } as unknown as WorkflowContext;
    const said = async (link: string) => {
      const taken = await takeVideoLink(ctx, link);
      return taken.ok ? 'taken' : taken.message;
    };
    expect(await said('https://127.0.0.1/inside.mp4')).toBe(
      'The video link must point to the public internet, not to a private or local address.',
    );
    expect(await said('https://[::1]/inside.mp4')).toBe(
      'The video link must point to the public internet, not to a private or local address.',
    );
    expect(await said('http://example.com/plain.mp4')).toBe('The video link must be a web address starting with https://.');
    expect(await said('https://ann:secret@example.com/a.mp4')).toBe('The video link must not contain a user name or password.');
    const left: string[] = [];
    for await (const file of store.list()) left.push(file.sha256);
    expect(left).toEqual([]);
  });
});
