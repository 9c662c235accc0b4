/**
 * Every X API call with the current bearer token, and one renewal on a 401. X checks the
 * token before it acts, so a call refused with 401 did nothing and may be sent once more,
 * even `POST /2/tweets` (rule 2 (docs/architecture.md) forbids repeating calls that may have acted, which
 * a 401 did not).
 */
import type { BodyFor, Expect, HttpClient, HttpRequest, HttpResponse } from '../http/http-client.js';
import { PublishError } from '../publisher.js';
import type { TokenSource } from './token-source.js';

/** What the X endpoints need from a client: `fetch` is left out, as it would go unauthorised. */
export type XApi = Pick<HttpClient, 'network' | 'request'>;

const withBearer = <E extends Expect>(request: HttpRequest<E>, token: string): HttpRequest<E> => ({
  ...request,
  headers: { ...request.headers, authorization: `Bearer ${token}` },
});

export function authorizedClient(client: HttpClient, tokens: TokenSource): XApi {
  const request = async <E extends Expect = 'json'>(req: HttpRequest<E>): Promise<HttpResponse<BodyFor<E>>> => {
    const token = await tokens.current();
    try {
      return await client.request(withBearer(req, token));
    } catch (error) {
      if (!(error instanceof PublishError) || error.status !== 401) throw error;
      const renewed = await tokens.refresh(token);
      if (renewed === undefined) throw error;
      return client.request(withBearer(req, renewed));
    }
  };
  return { network: client.network, request };
}
