import { CallRecorder, type CallListener as GenericListener } from '../call-recorder.js';
import type { JwtClaims } from './jwt.js';

/**
 * Named as botframework-connector names the calls (ConnectorClient.conversations.*,
 * TeamsConnectorClient.teams.*), plus the auth endpoints the SDK reaches.
 */
export type FakeTeamsOperation =
  | 'sendToConversation'
  | 'replyToActivity'
  | 'updateActivity'
  | 'deleteActivity'
  | 'createConversation'
  | 'getConversationMembers'
  | 'getConversationMember'
  | 'getConversationPagedMembers'
  | 'getAttachment'
  /** OneDrive/SharePoint: a file attached in a 1:1 chat, from its pre-authorised download link. */
  | 'downloadFile'
  | 'fetchTeamDetails'
  | 'fetchChannelList'
  /** AAD: the bot's client-credentials token request. */
  | 'token'
  /** AAD: a tenant's OpenID configuration (MSAL reads it before its first token request). */
  | 'aadOpenIdConfiguration'
  | 'aadKeys'
  /** Bot Framework: the OpenID metadata and keys the bot validates incoming tokens with. */
  | 'channelOpenIdConfiguration'
  | 'channelKeys'
  | 'unknown';

export interface BearerCheck {
  /** An Authorization header came with the request. */
  presented: boolean;
  /** It held a token the fake issued for the bot and that has not expired. */
  valid: boolean;
  /** The token's claims, when it parsed. */
  claims?: JwtClaims;
}

export interface RecordedCall {
  operation: FakeTeamsOperation;
  method: string;
  /** The decoded path, e.g. `/teams/v3/conversations/19:…;messageid=…/activities/…`. */
  path: string;
  /** Path parameters, decoded: conversationId, activityId, memberId, teamId, tenant. */
  params: Record<string, string>;
  /** The parsed JSON (or form) body; undefined for GETs. */
  body: unknown;
  status: number;
  /** What the fake answered. */
  response: unknown;
  /** When it arrived (the fake's clock, ms). */
  at: number;
  auth: BearerCheck;
}

export type CallListener = GenericListener<RecordedCall>;

/** The Teams fake's recorder: calls by connector (or AAD) operation. */
export const teamsRecorder = () =>
  new CallRecorder<RecordedCall, FakeTeamsOperation>(
    (c) => c.operation,
    (c) => `${c.operation} → ${c.status}`,
  );
