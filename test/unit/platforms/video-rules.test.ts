/**
 * Each network's video rules (issue 15), checked against the facts a video's file gives: the
 * edges each network's reference states, one plain message per problem.
 */
import { describe, expect, it } from 'vitest';
import { defaultRules } from '../../../src/platforms/rules/index.js';
import { videoViolations } from '../../../src/platforms/rules/violations.js';
import type { ContentVideo } from '../../../src/platforms/rules/types.js';
import type { NetworkId } from '../../../src/domain/network.js';

const MB = 1024 * 1024;
const video = (facts: Partial<ContentVideo> = {}): ContentVideo => ({
  container: 'mp4',
  durationSeconds: 30,
  width: 1080,
  height: 1920,
  videoCodec: 'avc1.640028',
  audioCodec: 'mp4a.40.2',
  bytes: 20 * MB,
  ...facts,
});
const check = (network: NetworkId, facts: Partial<ContentVideo> = {}) =>
  videoViolations(network, defaultRules[network].media.video, video(facts)).map((v) => v.message);

describe('video rules per network', () => {
  it('a 30 s, 20 MB vertical H.264/AAC MP4 suits every network that takes video', () => {
    for (const network of ['x', 'linkedin', 'facebook', 'instagram', 'mastodon', 'bluesky', 'sandbox'] as const)
      expect(check(network), network).toEqual([]);
  });

  it('X: 140 s, 512 MB, H.264 and AAC, 1:3 to 3:1', () => {
    expect(check('x', { durationSeconds: 140 })).toEqual([]);
    expect(check('x', { durationSeconds: 180 })).toEqual(['X takes videos up to 2 min 20 s (this one is 3 min)']);
    expect(check('x', { bytes: 600 * MB })).toEqual(['X takes videos up to 512 MB (this one is 600 MB)']);
    expect(check('x', { videoCodec: 'hvc1.1.6.L93.B0' })).toEqual(['X takes H.264 video (this one is HEVC)']);
    expect(check('x', { width: 400, height: 1920 })).toEqual(['X: the video is 400×1920 (0.21:1); it takes 1:3 to 3:1']);
    expect(check('x', { durationSeconds: 0.2 })).toEqual(['X takes videos of at least 0.5 s (this one is 0.2 s)']);
  });

  it('Instagram Reels: 3 s to 15 min, 300 MB, HEVC allowed', () => {
    expect(check('instagram', { videoCodec: 'hvc1.1.6.L93.B0', container: 'mov' })).toEqual([]);
    expect(check('instagram', { durationSeconds: 2 })).toEqual(['Instagram takes videos of at least 3 s (this one is 2 s)']);
    expect(check('instagram', { durationSeconds: 16 * 60, bytes: 301 * MB })).toEqual([
      'Instagram takes videos up to 15 min (this one is 16 min)',
      'Instagram takes videos up to 300 MB (this one is 301 MB)',
    ]);
  });

  it('LinkedIn takes MP4 only; Bluesky up to 3 minutes and 100 MB; sound must be AAC', () => {
    expect(check('linkedin', { container: 'mov' })).toEqual(['LinkedIn takes MP4 videos (this one is MOV)']);
    expect(check('bluesky', { durationSeconds: 181 })).toEqual(['Bluesky takes videos up to 3 min (this one is 3 min 1 s)']);
    expect(check('bluesky', { audioCodec: 'Opus' })).toEqual(['Bluesky takes AAC sound (this video has Opus)']);
    expect(check('bluesky', { audioCodec: null })).toEqual([]);
  });

  it('Pinterest says plainly that it takes images only', () => {
    expect(check('pinterest')).toEqual(['Pinterest takes images only from Greenlight']);
  });
});
