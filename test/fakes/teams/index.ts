/**
 * A local Microsoft Teams for Greenlight's tests: one HTTP server (`startFakeBotConnector()`)
 * that is the Bot Connector (REST API v3 under `serviceUrl` = `{origin}/teams/`), the Bot
 * Framework channel's OpenID metadata and signing key, and the AAD token endpoint. It records
 * every call and keeps what people would see (test/support/teams-activities.ts builds the
 * activities Teams posts). Checked against botbuilder 4.23.3 / botframework-connector 4.23.3.
 *
 * Wiring the real CloudAdapter to it (what teams.test.ts does):
 *   new CloudAdapter(new ConfigurationBotFrameworkAuthentication(fake.botFrameworkAuthConfig(), fake.credentialsFactory()))
 * and post activities with `Authorization: Bearer ${fake.mintActivityToken()}`.
 *
 * What ConfigurationBotFrameworkAuthentication reads (PascalCase keys only; MICROSOFT_APP_ID and
 * the like are ignored, so Greenlight maps its variables to these names):
 * - MicrosoftAppId, MicrosoftAppPassword, MicrosoftAppType, MicrosoftAppTenantId (credentials).
 * - Any of ToChannelFromBotLoginUrl, ToChannelFromBotOAuthScope, ToBotFromChannelTokenIssuer,
 *   OAuthUrl (alias OAuthApiEndpoint), ToBotFromChannelOpenIdMetadataUrl (alias
 *   BotOpenIdMetadata), ToBotFromEmulatorOpenIdMetadataUrl or CallerId switches from the public
 *   cloud's constants to exactly the values given, with no per-key default: set them all
 *   (botFrameworkAuthConfig() does). A partial set fails closed (no issuer: every token 401).
 *   ChannelService picks the US Gov constants instead; ValidateAuthority is parsed and unused.
 * - Inbound: the OpenID document at ToBotFromChannelOpenIdMetadataUrl (plain HTTP is fine) names
 *   the JWKS; keys are cached per URL for the process (24 h; an unknown kid refetches at most
 *   hourly). A token passes when `iss` = ToBotFromChannelTokenIssuer, `aud` = MicrosoftAppId,
 *   `serviceurl` = the activity's serviceUrl exactly, the key is endorsed for its channelId,
 *   RS256/384/512, 5 min clock skew. Tokens whose `iss` is an AAD issuer are "emulator" tokens,
 *   checked against ToBotFromEmulatorOpenIdMetadataUrl instead.
 * - Outbound: ToChannelFromBotLoginUrl is the MSAL authority. Under https://login.microsoftonline.com/
 *   botbuilder adds the tenant itself; any other URL is used as given (lower-cased, tenant
 *   included). ToChannelFromBotOAuthScope (+ "/.default") is the scope and the audience the
 *   connector checks. MSAL refuses http authorities and asks login.microsoftonline.com about
 *   unknown hosts, so no key points the token request at a local server: pass a
 *   ServiceClientCredentialsFactory as the second argument (fake.credentialsFactory(): real
 *   MSAL through a loopback network client). It replaces the factory MicrosoftAppType chooses.
 * - MicrosoftAppType: missing means MultiTenant (not SingleTenant): tokens from tenant
 *   botframework.com, MicrosoftAppTenantId ignored. SingleTenant asserts MicrosoftAppId,
 *   MicrosoftAppTenantId and MicrosoftAppPassword when constructed (AssertionError) and gets
 *   tokens from login.microsoftonline.com/{MicrosoftAppTenantId}. UserAssignedMsi: managed
 *   identity. Inbound checks are the same for all (the tenant is not checked).
 *
 * Local mode (Microsoft 365 Agents Playground): no MicrosoftAppId at all (botFrameworkAuthConfig()
 * returns {} with `credentials: false`). Every request is accepted as anonymous whatever its
 * Authorization header, outgoing calls carry no token, and no serviceUrl is checked (botbuilder
 * 4.x trusts every serviceUrl): the bot posts its replies to whatever serviceUrl the request
 * names, which is why Greenlight accepts local mode only from loopback. Setting
 * MicrosoftAppType=SingleTenant without an app id throws.
 *
 * Teams behaviour the fake keeps: a channel post's conversation id is `{channel};messageid={root}`
 * and the conversation id alone decides threading (a bare channel id starts a new post, even for
 * replyToActivity); member lookups take the `29:` id, the AAD object id or the UPN (an email that
 * is not the UPN is MemberNotFoundInConversation) and answer `objectId`, not `aadObjectId`;
 * proactive 1:1s to someone without the app get 403 BotNotInConversationRoster.
 */
import type { ServiceClientCredentialsFactory } from 'botframework-connector';
import { startTeamsEmulator, type TeamsEmulator, type TeamsEmulatorOptions } from '../../../src/playground/teams-emulator/index.js';
import { loopbackCredentialsFactory } from './msal-loopback.js';

export * from '../../../src/playground/teams-emulator/index.js';
export { forgetCachedBotTokens } from './msal-loopback.js';

/** The playground's Teams emulator, plus the credentials factory botbuilder's MSAL needs to reach its AAD. */
export interface FakeBotConnector extends TeamsEmulator {
  /** The credentials factory to pass with `botFrameworkAuthConfig()`, so the bot's token comes from the fake AAD. */
  credentialsFactory(): ServiceClientCredentialsFactory;
}
export type FakeBotConnectorOptions = TeamsEmulatorOptions;

export async function startFakeBotConnector(options: FakeBotConnectorOptions = {}): Promise<FakeBotConnector> {
  const emulator = await startTeamsEmulator(options);
  return Object.assign(emulator, { credentialsFactory: () => loopbackCredentialsFactory(emulator.msalTarget()) });
}
