import { ConfigurationBotFrameworkAuthentication, type Activity } from 'botbuilder';
import {
  ConnectorFactory,
  JwtTokenValidation,
  type AuthenticateRequestResult,
  type ClaimsIdentity,
  type ConnectorClient,
  type ServiceClientCredentialsFactory,
  type UserTokenClient,
} from 'botframework-connector';
import type { TeamsConfig } from '../../config.js';

/**
 * Test and sovereign-cloud overrides: botbuilder's own configuration keys (ToBotFromChannel…,
 * ToChannelFromBot…; set all of them or none, botbuilder has no per-key default) and a
 * credentials factory for outgoing tokens. Tests point these at local fakes.
 */
export interface TeamsAuthOverrides {
  config?: Record<string, string>;
  credentialsFactory?: ServiceClientCredentialsFactory;
}

/**
 * botbuilder reads PascalCase keys (MicrosoftAppId, …) and ignores Greenlight's variable
 * names, so they are mapped here. Local mode has no app id: botbuilder then accepts every
 * activity as anonymous and sends without tokens (the HTTP route admits loopback only).
 */
export function teamsAuthentication(config: TeamsConfig, overrides: TeamsAuthOverrides = {}): ConfigurationBotFrameworkAuthentication {
  const settings: Record<string, string> =
    config.mode === 'local'
      ? {}
      : {
          MicrosoftAppId: config.appId,
          MicrosoftAppPassword: config.appPassword,
          MicrosoftAppType: config.appType,
          ...(config.tenantId ? { MicrosoftAppTenantId: config.tenantId } : {}),
          ...overrides.config,
        };
  return new ReusingClientsAuthentication(settings, overrides.credentialsFactory);
}

/** How many distinct clients are kept: one per service URL and audience Greenlight talks to. */
const KEPT_CLIENTS = 32;

/**
 * botbuilder builds a new ConnectorClient and UserTokenClient (each a whole HTTP pipeline) for
 * every incoming activity and every proactive turn: measured under bench:teams, a fifth of
 * Greenlight's own CPU per invoke. The clients hold no per-turn state (tokens are cached and
 * refreshed by their credentials on each request), so one per app id, service URL and
 * audience is kept and handed out again.
 */
class ReusingClientsAuthentication extends ConfigurationBotFrameworkAuthentication {
  readonly #connectors = new Map<string, Promise<ConnectorClient>>();
  readonly #tokenClients = new Map<string, Promise<UserTokenClient>>();

  override createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.#reusing(claimsIdentity, super.createConnectorFactory(claimsIdentity));
  }

  /** Incoming activities get their connector factory from authentication, not from the method above. */
  override async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await super.authenticateRequest(activity, authHeader);
    return result.connectorFactory
      ? { ...result, connectorFactory: this.#reusing(result.claimsIdentity, result.connectorFactory) }
      : result;
  }

  #reusing(claimsIdentity: ClaimsIdentity, inner: ConnectorFactory): ConnectorFactory {
    const appId = JwtTokenValidation.getAppIdFromClaims(claimsIdentity.claims) ?? '';
    const kept = this.#connectors;
    return new (class extends ConnectorFactory {
      create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
        return reuse(kept, `${appId} ${serviceUrl} ${audience ?? ''}`, () => inner.create(serviceUrl, audience));
      }
    })();
  }

  override createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    const appId = JwtTokenValidation.getAppIdFromClaims(claimsIdentity.claims) ?? '';
    return reuse(this.#tokenClients, appId, () => super.createUserTokenClient(claimsIdentity));
  }
}

/** The client kept under `key`, or a new one (a failed creation is not kept). */
function reuse<T>(kept: Map<string, Promise<T>>, key: string, create: () => Promise<T>): Promise<T> {
  const found = kept.get(key);
  if (found) return found;
  const made = create();
  if (kept.size >= KEPT_CLIENTS) kept.delete(kept.keys().next().value!);
  kept.set(key, made);
  made.catch(() => kept.get(key) === made && kept.delete(key));
  return made;
}
