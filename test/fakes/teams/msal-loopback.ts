import { ConfidentialClientApplication, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import { AppCredentials, MsalServiceClientCredentialsFactory, type ServiceClientCredentialsFactory } from 'botframework-connector';

/**
 * Why this exists: botbuilder gets its outgoing token through MSAL, and MSAL will not use a
 * plain-HTTP authority ("authority_uri_insecure") and, for a host it does not know, first asks
 * login.microsoftonline.com for instance discovery. No configuration key of
 * ConfigurationBotFrameworkAuthentication gets around either, so the token request cannot be
 * pointed at a local fake by configuration alone.
 *
 * This builds what botbuilder builds — an MSAL ConfidentialClientApplication behind
 * botframework-connector's MsalServiceClientCredentialsFactory — with two test-only changes:
 * the fake's host is a known authority (no instance discovery), and MSAL's HTTP goes through a
 * network client that sends its `https://127.0.0.1:PORT/…` requests to the fake over plain HTTP.
 * MSAL still reads the tenant's OpenID configuration, posts the client-credentials form and
 * parses AAD's answer; botbuilder still caches and attaches the token.
 */
export function loopbackCredentialsFactory(options: {
  appId: string;
  appPassword: string;
  /** `https://127.0.0.1:PORT/{tenant}`: what MSAL believes the authority is. */
  authority: string;
}): ServiceClientCredentialsFactory {
  const secure = new URL(options.authority).origin;
  const plain = secure.replace(/^https:/, 'http:');
  const client = new ConfidentialClientApplication({
    auth: {
      clientId: options.appId,
      clientSecret: options.appPassword,
      authority: options.authority,
      knownAuthorities: [new URL(secure).host],
    },
    system: { networkClient: loopbackNetworkClient(secure, plain) },
  });
  // The ESM and CommonJS builds of msal-node declare the class twice; botbuilder only calls
  // acquireTokenByClientCredential on it, which both have.
  return new MsalServiceClientCredentialsFactory(
    options.appId,
    client as unknown as ConstructorParameters<typeof MsalServiceClientCredentialsFactory>[1],
  );
}

function loopbackNetworkClient(secure: string, plain: string): INetworkModule {
  const send = async <T>(method: 'GET' | 'POST', url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
    if (!url.startsWith(`${secure}/`)) throw new Error(`the loopback MSAL client only talks to ${secure}, not ${url}`);
    const response = await fetch(plain + url.slice(secure.length), { method, headers: options?.headers, body: options?.body });
    const text = await response.text();
    let body: unknown = {};
    try {
      body = JSON.parse(text);
    } catch {
      // MSAL treats a body it cannot read as a failed request, as with real AAD.
    }
    return { headers: Object.fromEntries(response.headers), body: body as T, status: response.status };
  };
  return {
    sendGetRequestAsync: (url, options) => send('GET', url, options),
    sendPostRequestAsync: (url, options) => send('POST', url, options),
  };
}

/**
 * botbuilder caches bot tokens process-wide (`AppCredentials.cache`, keyed by app id and scope,
 * kept until five minutes before expiry). Call this between fakes that share an app id in one
 * test file, or a token from the previous fake's key is sent to the next one.
 */
export function forgetCachedBotTokens(): void {
  (AppCredentials as unknown as { cache: Map<string, unknown> }).cache.clear();
}
