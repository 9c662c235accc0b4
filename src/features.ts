import { NETWORK_IDS, NETWORK_LABELS, type NetworkId } from './domain/network.js';
import type { Config } from './config.js';

const NETWORK_VARIABLES: Record<Exclude<NetworkId, 'sandbox'>, string> = {
  x: 'X_ACCESS_TOKEN (or X_CLIENT_ID and X_REFRESH_TOKEN)',
  linkedin: 'LINKEDIN_ACCESS_TOKEN and LINKEDIN_AUTHOR_URN',
  facebook: 'FACEBOOK_PAGE_ID and FACEBOOK_PAGE_TOKEN',
  instagram: 'INSTAGRAM_USER_ID and INSTAGRAM_ACCESS_TOKEN',
  pinterest: 'PINTEREST_ACCESS_TOKEN and PINTEREST_BOARD_ID',
  mastodon: 'MASTODON_URL and MASTODON_ACCESS_TOKEN',
  bluesky: 'BLUESKY_IDENTIFIER and BLUESKY_APP_PASSWORD',
};

const line = (name: string, on: boolean, detail: string) => `${on ? 'on ' : 'off'}  ${name.padEnd(12)} ${detail}`;

/**
 * One line per feature for the start-up log: on or off, and for what is off, the
 * variables that turn it on. `networks` are the networks that actually have a publisher.
 */
export function featureLines(config: Config, networks: readonly NetworkId[]): string[] {
  const lines: string[] = [];
  lines.push(line('database', true, config.databaseUrl.startsWith('file:') ? `SQLite ${config.databaseUrl.slice(5)}` : 'PostgreSQL'));
  lines.push(
    config.slack
      ? line('slack', true, config.slack.mode === 'socket' ? 'Socket Mode' : `HTTP at POST /slack/events, approvals in ${config.slack.approvalChannel}`)
      : line('slack', false, 'set SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APPROVAL_CHANNEL and SLACK_APPROVERS (SLACK_APP_TOKEN for Socket Mode)'),
  );
  lines.push(
    config.teams
      ? line('teams', false, 'configured, but the Teams bot is not part of this version yet (see README, "Missing")')
      : line('teams', false, 'set MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and TEAMS_APPROVERS (the Teams bot is not part of this version yet)'),
  );
  lines.push(
    config.openai
      ? line(
          'ai captions',
          true,
          `model ${config.openai.model}${config.openai.baseUrl ? ` at ${config.openai.baseUrl}` : ''}, ` +
            `${config.openai.suggestionsPerHour} an hour per person${config.openai.brandVoice ? ', with a brand voice' : ''}`,
        )
      : line('ai captions', false, 'set OPENAI_API_KEY (and OPENAI_BASE_URL for a compatible server)'),
  );
  lines.push(
    config.slack
      ? line('digest', true, `${config.digest.cron} ${config.digest.timezone} to ${config.slack.digestChannel}`)
      : line('digest', false, 'needs Slack: it is posted to SLACK_DIGEST_CHANNEL'),
  );
  for (const network of NETWORK_IDS) {
    if (network === 'sandbox') {
      lines.push(line('sandbox', true, 'always available; publishes nowhere'));
      continue;
    }
    const on = networks.includes(network);
    lines.push(line(NETWORK_LABELS[network].toLowerCase(), on, on ? 'publishing enabled' : `set ${NETWORK_VARIABLES[network]}`));
  }
  return lines;
}
