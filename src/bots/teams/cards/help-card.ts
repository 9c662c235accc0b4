/** `help`, and what anything Greenlight does not understand gets. */
import { card, heading, subtle, text, type AdaptiveCard } from './adaptive.js';
import { escapeCardMarkdown } from './teams-markup.js';

export function buildHelpCard(options: { isApprover: boolean; approvalsChannelSet: boolean; unknown?: string }): AdaptiveCard {
  const lines = [
    '**Draft a post**: “Draft a post” in the message box’s apps, or send **draft** (with the text if you like).',
    '**Images or a video**: paste images here, or attach them or one MP4 or MOV video with the paperclip; they wait for your next draft.',
    '**queue**: your posts, and what is scheduled.',
    '**digest**: how posts did in the last 24 hours.',
    '**timezone Europe/Berlin**: the time zone your publish times are in (Teams usually says it).',
  ];
  if (options.isApprover) {
    lines.push(
      '**use this channel for approvals**: in a channel, @mention Greenlight with this; approval cards go there.',
      '**use this channel for the digest**: the daily digest goes there.',
    );
  }
  const body = [heading('Greenlight')];
  if (options.unknown)
    body.push(subtle(`I did not understand “${escapeCardMarkdown(options.unknown.slice(0, 80))}”. This is what I can do:`));
  body.push(...lines.map((l) => text(`• ${l}`, { spacing: 'Small' })));
  if (!options.approvalsChannelSet)
    body.push(
      subtle('No approvals channel is set yet: an approver sets it with “@Greenlight use this channel for approvals” in a channel.'),
    );
  return card(body);
}
