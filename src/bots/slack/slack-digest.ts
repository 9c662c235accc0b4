import type { WebClient } from '@slack/web-api';
import type { Digest } from '../../workflows/digest/build-digest.js';
import type { DigestSink } from '../../workflows/digest/deliver-digest.js';
import { buildDigestMessage } from './blocks/digest.js';

/** Posts the digest to SLACK_DIGEST_CHANNEL, then its chart as a PNG in the digest's thread. */
export class SlackDigestSink implements DigestSink {
  constructor(
    private readonly client: WebClient,
    private readonly channel: string,
  ) {}

  async postDigest(digest: Digest, chart: Buffer | null): Promise<void> {
    const message = buildDigestMessage(digest);
    const posted = await this.client.chat.postMessage({ channel: this.channel, text: message.text, blocks: message.blocks, unfurl_links: false });
    if (!chart || !posted.ts) return;
    await this.client.files.uploadV2({
      channel_id: this.channel,
      thread_ts: posted.ts,
      file: chart,
      filename: 'engagement-last-7-days.png',
      title: digest.chart.title,
      alt_text: `Chart: ${digest.chart.title}`,
    });
  }
}
