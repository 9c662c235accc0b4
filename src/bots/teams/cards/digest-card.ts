/**
 * The digest in Teams: an Adaptive Card with the week's engagement chart as a PNG data URI
 * (Teams does not fetch images from Greenlight, which may not be reachable from the internet).
 * Lists are capped so the card stays under 28 KB whatever the numbers (the chart's data URI
 * is counted apart, as Teams counts inline images).
 */
import type { Digest } from '../../../workflows/digest/build-digest.js';
import { digestPeriod, digestSubtitle, postLine, todayLine, totalLine, waitingLine } from '../../presentation/digest-lines.js';
import { card, heading, subtle, text, type AdaptiveCard, type CardElement } from './adaptive.js';
import { TEAMS_MARKUP as m } from './teams-markup.js';

const MAX_POSTS = 15;
const MAX_WAITING = 8;
const MAX_TODAY = 8;

const section = (title: string): CardElement => text(`**${title}**`, { separator: true, spacing: 'Medium' });

export function buildDigestCard(digest: Digest, chart: Buffer | null): AdaptiveCard {
  const zone = digest.zone;
  const period = digestPeriod(digest);
  const body: CardElement[] = [heading(`📊 ${digest.title}`), subtle(digestSubtitle(m, digest))];
  if (chart)
    body.push({
      type: 'Image',
      url: `data:image/png;base64,${chart.toString('base64')}`,
      altText: `Chart: ${digest.chart.title}`,
      size: 'Stretch',
    });
  if (digest.totals.length)
    body.push(
      section('Totals per network (against the day before)'),
      ...digest.totals.map((t) => text(totalLine(m, t), { spacing: 'Small' })),
    );
  if (digest.top) body.push(text(`🏆 **Top post**: ${postLine(m, digest.top)}`, { spacing: 'Medium' }));

  body.push(section(`Published ${period}`));
  if (!digest.posts.length) body.push(subtle(`Nothing was published ${period}.`));
  for (const p of digest.posts.slice(0, MAX_POSTS)) body.push(text(postLine(m, p), { spacing: 'Small' }));
  if (digest.posts.length > MAX_POSTS) body.push(subtle(`…and ${digest.posts.length - MAX_POSTS} more posts.`));

  body.push(section('Waiting for approval (oldest first)'));
  if (!digest.waiting.length) body.push(subtle('Nothing is waiting.'));
  for (const w of digest.waiting.slice(0, MAX_WAITING)) body.push(subtle(waitingLine(m, w, zone)));
  const shown = Math.min(digest.waiting.length, MAX_WAITING);
  if (digest.waitingTotal > shown) body.push(subtle(`…and ${digest.waitingTotal - shown} more: send “queue”.`));

  body.push(section('Scheduled for today'));
  if (!digest.today.length) body.push(subtle('Nothing else is scheduled today.'));
  for (const t of digest.today.slice(0, MAX_TODAY)) body.push(subtle(todayLine(m, t, zone)));
  if (digest.today.length > MAX_TODAY) body.push(subtle(`…and ${digest.today.length - MAX_TODAY} more: send “queue”.`));
  return card(body);
}
