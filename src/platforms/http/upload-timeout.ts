/**
 * The slowest upload Greenlight waits for: 128 KiB a second (about 1 Mbit/s, a weak office
 * uplink). One request's timeout covers sending its body too, so a fixed 30 s would cut off
 * every large video on an ordinary line.
 */
const SLOWEST_BYTES_PER_SECOND = 128 * 1024;

/** The time one request carrying `bytes` may take: the usual timeout plus the time to send them slowly. */
export function uploadTimeoutMs(baseMs: number, bytes: number): number {
  return baseMs + Math.ceil(Math.max(0, bytes) / SLOWEST_BYTES_PER_SECOND) * 1000;
}
