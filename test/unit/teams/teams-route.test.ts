/**
 * Local mode has no token to check, so /api/messages answers loopback clients only: a request
 * from any other address is refused before botbuilder sees it.
 */
import type http from 'node:http';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { describe, expect, it } from 'vitest';
import { teamsRoute } from '../../../src/bots/teams/teams-route.js';
import { createMemoryLogger } from '../../../src/observability/logger.js';

function request(remoteAddress: string): http.IncomingMessage {
  return { socket: { remoteAddress }, headers: {}, method: 'POST', on: () => undefined } as unknown as http.IncomingMessage;
}

function response() {
  const sent: { status?: number; body?: string } = {};
  const res = {
    headersSent: false,
    writableEnded: false,
    writeHead(status: number) {
      sent.status = status;
      return res;
    },
    end(body?: string) {
      sent.body = body;
      res.writableEnded = true;
    },
  };
  return { res: res as unknown as http.ServerResponse, sent };
}

describe('the Teams route in local mode', () => {
  it('refuses a client that is not on this machine, and never runs the bot for it', async () => {
    let ran = false;
    const route = teamsRoute(new CloudAdapter(new ConfigurationBotFrameworkAuthentication({})), async () => void (ran = true), {
      localOnly: true,
      logger: createMemoryLogger(),
    });
    const { res, sent } = response();
    await route(request('192.0.2.10'), res);
    expect(sent.status).toBe(403);
    expect(sent.body).toContain('local mode');
    expect(ran).toBe(false);
  });
});
