/**
 * What a video file is, read from the file itself with mp4box (GPAC's MP4 parser): its
 * container (MP4 or QuickTime MOV), duration, the size it is shown at (a phone video turned a
 * quarter is taller than it is wide), and its video and audio codecs. Networks check these
 * before anything is published, and the card shows them.
 *
 * Only the boxes that describe the movie are read: the file is fed to the parser in chunks
 * from where the parser asks, so a movie box after gigabytes of media data costs a seek, not
 * the gigabytes, and memory stays bounded whatever the file's size.
 */
import type { Movie } from 'mp4box';
import { MediaRejected } from './media-rejected.js';

export type VideoContainer = 'mp4' | 'mov';

export interface VideoFacts {
  container: VideoContainer;
  durationSeconds: number;
  /** As shown, after the track's rotation. */
  width: number;
  height: number;
  /** Degrees the picture is turned for display. */
  rotation: 0 | 90 | 180 | 270;
  /** RFC 6381 codec strings: `avc1.640028` (H.264), `hvc1…` (HEVC), `mp4a.40.2` (AAC). */
  videoCodec: string;
  audioCodec: string | null;
}

/** Random access to the file's bytes (a file handle, or ranged reads from shared storage). */
export interface VideoSource {
  size: number;
  read(position: number, length: number): Promise<Buffer>;
}

const CHUNK = 1024 * 1024;
/** Movie boxes of long videos run to a few megabytes; past this, it is not a video we can read. */
const MAX_READ = 64 * 1024 * 1024;

const notVideo = (why: string) => new MediaRejected('not_a_video', `This file is not a video Greenlight can read (MP4 or MOV): ${why}.`);

/** Rotation from the track's display matrix (a, b, c, d in 16.16 fixed point). */
function rotationOf(matrix: ArrayLike<number> | undefined): VideoFacts['rotation'] {
  if (!matrix) return 0;
  const [a = 0x10000, b = 0] = [matrix[0], matrix[1]];
  if (a === 0 && b > 0) return 90;
  if (a < 0 && b === 0) return 180;
  if (a === 0 && b < 0) return 270;
  return 0;
}

function factsOf(movie: Movie): VideoFacts {
  const video = movie.videoTracks[0];
  if (!video) throw notVideo('it has no video track');
  const brands = movie.brands.map((b) => b.trim());
  const rotation = rotationOf(video.matrix as unknown as ArrayLike<number>);
  const width = video.video?.width ?? video.track_width;
  const height = video.video?.height ?? video.track_height;
  const turned = rotation === 90 || rotation === 270;
  const duration = movie.duration && movie.timescale ? movie.duration / movie.timescale : video.duration / (video.timescale || 1);
  if (!(duration > 0)) throw notVideo('it has no length');
  return {
    container: brands.includes('qt') ? 'mov' : 'mp4',
    durationSeconds: Math.round(duration * 1000) / 1000,
    width: turned ? height : width,
    height: turned ? width : height,
    rotation,
    videoCodec: video.codec,
    audioCodec: movie.audioTracks[0]?.codec ?? null,
  };
}

export async function probeVideo(source: VideoSource): Promise<VideoFacts> {
  // Loaded on the first video, not at start-up.
  const { createFile, MP4BoxBuffer } = await import('mp4box');
  const file = createFile();
  let movie: Movie | undefined;
  let failure: string | undefined;
  file.onReady = (info) => (movie = info);
  file.onError = (_module, message) => (failure = message);
  let position = 0;
  let read = 0;
  while (!movie && !failure && position < source.size && read < MAX_READ) {
    const bytes = await source.read(position, Math.min(CHUNK, source.size - position));
    if (!bytes.length) break;
    read += bytes.length;
    const buffer = MP4BoxBuffer.fromArrayBuffer(
      bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer,
      position,
    );
    // The parser says where it wants to read next: past a media data box it skips ahead.
    const next = file.appendBuffer(buffer, position + bytes.length >= source.size);
    position = next > position ? next : position + bytes.length;
  }
  if (!movie && !failure) file.flush();
  if (failure) throw notVideo(failure);
  if (!movie)
    throw notVideo(read >= MAX_READ ? 'its description was not found in the first 64 MB' : 'its description is missing or cut short');
  return factsOf(movie);
}
