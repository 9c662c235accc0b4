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
  youtube: 'YOUTUBE_CLIENT_ID, YOUTUBE_CLIENT_SECRET and YOUTUBE_REFRESH_TOKEN',
};

const line = (name: string, on: boolean, detail: string) => `${on ? 'on ' : 'off'}  ${name.padEnd(12)} ${detail}`;

/**
 * One line per feature for the start-up log: on or off, and for what is off, the
 * variables that turn it on. `networks` are the networks that actually have a publisher.
 */
export function featureLines(config: Config, networks: readonly NetworkId[]): string[] {
  const lines: string[] = [];
  lines.push(line('database', true, config.databaseUrl.startsWith('file:') ? `SQLite ${config.databaseUrl.slice(5)}` : 'PostgreSQL'));
  if (config.playground)
    lines.push(
      line('playground', true, 'a local Slack and Teams workspace in the browser (open the address below; PLAYGROUND=off turns it off)'),
    );
  lines.push(
    config.playground && config.slack
      ? line('slack', true, "the playground's own workspace, emulated on this machine (no Slack app needed)")
      : config.slack
        ? line(
            'slack',
            true,
            config.slack.mode === 'socket' ? 'Socket Mode' : `HTTP at POST /slack/events, approvals in ${config.slack.approvalChannel}`,
          )
        : line(
            'slack',
            false,
            'set SLACK_BOT_TOKEN, SLACK_SIGNING_SECRET, SLACK_APPROVAL_CHANNEL and SLACK_APPROVERS (SLACK_APP_TOKEN for Socket Mode)',
          ),
  );
  lines.push(
    !config.teams
      ? line(
          'teams',
          false,
          'set MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD, MICROSOFT_APP_TENANT_ID and TEAMS_APPROVERS (TEAMS_APPROVERS alone: local mode)',
        )
      : config.teams.mode === 'local' && config.teams.playground
        ? line('teams', true, "the playground's own Teams, emulated on this machine (no Azure bot needed)")
        : config.teams.mode === 'local'
          ? line(
              'teams',
              true,
              'local mode (no MICROSOFT_APP_ID): POST /api/messages without authentication, from this machine only (Microsoft 365 Agents Playground)',
            )
          : line(
              'teams',
              true,
              `HTTP at POST /api/messages, ${config.teams.appType} app ${config.teams.appId}; approvals in the channel an approver chooses ("@Greenlight use this channel for approvals")`,
            ),
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
  const digestTo = [
    ...(config.slack ? [config.slack.digestChannel] : []),
    ...(config.teams ? ['the Teams channel chosen with "use this channel for the digest" (else the approvals channel)'] : []),
  ];
  lines.push(
    digestTo.length
      ? line('digest', true, `${config.digest.cron} ${config.digest.timezone} to ${digestTo.join(' and ')}`)
      : line('digest', false, 'needs a chat: it is posted to SLACK_DIGEST_CHANNEL or a Teams channel'),
  );
  lines.push(
    config.mediaStore.publicUrl
      ? line(
          'media links',
          true,
          `signed, expiring links at ${config.mediaStore.publicUrl}/media/… for networks that fetch uploaded images by URL (Instagram)`,
        )
      : line(
          'media links',
          false,
          'set PUBLIC_URL so Instagram can take uploaded images and videos (it fetches them by URL); image links in drafts still work',
        ),
  );
  lines.push(
    config.prometheus
      ? line(
          'metrics',
          true,
          `GET /metrics (Prometheus)${config.prometheus.token ? ' with the bearer token METRICS_TOKEN' : ', open to anyone who reaches the port (METRICS_TOKEN requires a bearer token)'}`,
        )
      : line('metrics', false, 'set METRICS_ENABLED=true for GET /metrics (Prometheus)'),
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
