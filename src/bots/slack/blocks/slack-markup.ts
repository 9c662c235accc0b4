import type { Markup } from '../../presentation/markup.js';
import { escapeMrkdwn } from './block-kit.js';

/** Slack's mrkdwn: `*bold*`, `<url|label>`, and `<@U…>` mentions for Slack people. */
export const SLACK_MARKUP: Markup = {
  text: escapeMrkdwn,
  bold: (marked) => `*${marked}*`,
  link: (url, label) => `<${url}|${label}>`,
  person: (p) => (p.platform === 'slack' ? `<@${p.platformUserId}>` : escapeMrkdwn(p.displayName)),
};
