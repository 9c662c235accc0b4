/**
 * The YouTube fake in a process of its own, so the bytes it receives and hashes do not share
 * an event loop (or a heap) with the Greenlight being measured. Prints what to connect with.
 */
import { startYouTubeFake } from '../../test/fakes/youtube/server.js';

const fake = await startYouTubeFake({ processingLooks: 0 });
process.stdout.write(
  `${JSON.stringify({ url: fake.url, clientId: fake.clientId, clientSecret: fake.clientSecret, refreshToken: fake.refreshToken })}\n`,
);
process.on('message', (message) => {
  if (message === 'videos?') process.send!([...fake.videos.values()].map((v) => ({ id: v.id, sha256: v.sha256, bytes: v.bytes })));
});
process.on('SIGTERM', () => void fake.close().then(() => process.exit(0)));
