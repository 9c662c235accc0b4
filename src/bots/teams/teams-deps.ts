import type { Clock } from '../../domain/clock.js';
import type { Logger } from '../../observability/logger.js';
import type { Greenlight } from '../../workflows/greenlight.js';
import type { MediaInbox } from './media-inbox.js';
import type { TeamsApproverDirectory } from './teams-approvers.js';
import type { TeamsPeople } from './teams-people.js';

/** What every Teams handler needs; built once by the Teams bot. */
export interface TeamsDeps {
  gl: Greenlight;
  people: TeamsPeople;
  approvers: TeamsApproverDirectory;
  logger: Logger;
  clock: Clock;
  /** Shown on the draft form while AI captions are off. */
  aiHint: string | undefined;
  /** The zone the digest's days are counted in. */
  digestZone: string;
  /** Images or a video sent in the chat, waiting for the next draft form. */
  inbox: MediaInbox;
}
