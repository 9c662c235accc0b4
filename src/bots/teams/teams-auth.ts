import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import type { ServiceClientCredentialsFactory } from 'botframework-connector';
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
  return new ConfigurationBotFrameworkAuthentication(settings, overrides.credentialsFactory);
}
