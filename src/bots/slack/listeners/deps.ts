import type { WebClient } from '@slack/web-api';
import type { Clock } from '../../../domain/clock.js';
import { UserFacingError } from '../../../domain/errors.js';
import type { Logger } from '../../../observability/logger.js';
import type { Greenlight } from '../../../workflows/greenlight.js';
import { privateNotice } from '../blocks/messages.js';
import type { PrivateNotices } from '../private-notices.js';
import type { RequestMemory } from './request-memory.js';
import type { PendingDrafts } from '../pending-drafts.js';
import type { UploadDeps } from '../slack-uploads.js';
import type { SlackPeople } from '../slack-people.js';

/** What every listener needs; built once by the Slack bot. */
export interface SlackDeps {
  gl: Greenlight;
  client: WebClient;
  people: SlackPeople;
  notices: PrivateNotices;
  logger: Logger;
  clock: Clock;
  /** Shown in the draft dialog while AI captions are off. */
  aiHint: string | undefined;
  /** Clicks and dialog submissions already acted on (replays are acknowledged and ignored). */
  requests: RequestMemory;
  /** Drafts waiting for their images' alt text (the dialog's second step). */
  pending: PendingDrafts;
  /** Where uploaded files go, and how they are fetched from Slack. */
  uploads: UploadDeps;
  /** REQUIRE_ALT_TEXT: the second step says alt text is required. */
  requireAltText: boolean;
  /** Where `/digest` posts for approvers, and the zone its days are counted in. */
  digest: { channel: string; zone: string } | undefined;
}

/**
 * Runs the slow part of a listener (after it acknowledged). A problem the person can act on
 * is told to them privately; anything else is logged and they hear that it failed, never
 * the internals.
 */
export async function afterAck(
  deps: SlackDeps,
  where: { userId: string; channelId?: string },
  what: string,
  work: () => Promise<void>,
): Promise<void> {
  try {
    // Let requests already waiting on the socket be read and acknowledged first: under
    // load, an acknowledgement should not queue behind another request's slow work.
    await new Promise((resolve) => setImmediate(resolve));
    await work();
  } catch (error) {
    const message =
      error instanceof UserFacingError
        ? error.userMessage
        : `Sorry, something went wrong while ${what}. Please try again; if it keeps happening, tell your Greenlight admin.`;
    if (!(error instanceof UserFacingError)) deps.logger.error(`failed while ${what}`, { user: where.userId, error });
    await deps.notices.ephemeral(where.userId, where.channelId, privateNotice(message)).catch((e: unknown) => {
      deps.logger.error('could not tell the user about a failure', { user: where.userId, error: e });
    });
  }
}
