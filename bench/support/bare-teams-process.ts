/**
 * The baseline for bench:teams: a bare botbuilder bot whose handlers answer the two invokes at
 * once — `adaptiveCard/action` with an updated card, `composeExtension/submitAction` with a
 * message (or the form again when the text is empty) — through the same CloudAdapter and
 * request handling Greenlight uses. Local mode (no app id), so the bench needs no tokens and the
 * bot makes no outgoing call. Usage: bare-teams-process.ts <port> (0: any free port); prints
 * `{"url":"http://127.0.0.1:PORT/api/messages"}` when ready.
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CardFactory,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  TeamsActivityHandler,
  type AdaptiveCardInvokeResponse,
  type AdaptiveCardInvokeValue,
  type MessagingExtensionAction,
  type MessagingExtensionActionResponse,
  type Response,
  type TurnContext,
} from 'botbuilder';

const port = Number(process.argv[2] ?? 0);

const statusCard = (status: string) => ({
  type: 'AdaptiveCard',
  version: '1.5',
  body: [{ type: 'TextBlock', text: status, wrap: true }],
});

class BareBot extends TeamsActivityHandler {
  protected override async onAdaptiveCardInvoke(
    _context: TurnContext,
    invoke: AdaptiveCardInvokeValue,
  ): Promise<AdaptiveCardInvokeResponse> {
    return { statusCode: 200, type: 'application/vnd.microsoft.card.adaptive', value: statusCard(`Done: ${invoke.action.verb}`) };
  }

  protected override async handleTeamsMessagingExtensionSubmitAction(
    _context: TurnContext,
    action: MessagingExtensionAction,
  ): Promise<MessagingExtensionActionResponse> {
    const text = (action.data as { text?: unknown } | undefined)?.text;
    if (typeof text !== 'string' || text.trim() === '') {
      return {
        task: { type: 'continue', value: { title: 'Draft a post', card: CardFactory.adaptiveCard(statusCard('Write something first.')) } },
      };
    }
    return { task: { type: 'message', value: 'Draft submitted.' } };
  }
}

const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
const bot = new BareBot();

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

const server = createServer((req, res) => {
  if (req.url !== '/api/messages') {
    res.writeHead(404).end();
    return;
  }
  void (async () => {
    const body = await readJson(req);
    // CloudAdapter wants Express's response methods; node's own response does the rest.
    const response: Response = {
      socket: req.socket,
      status: (code: number) => (res.statusCode = code),
      header: (name: string, value: unknown) => res.setHeader(name, String(value)),
      send: (payload: unknown) => {
        if (typeof payload === 'object' && payload !== null && !Buffer.isBuffer(payload)) {
          res.setHeader('content-type', 'application/json; charset=utf-8');
          res.write(JSON.stringify(payload));
        } else res.write(String(payload));
      },
      end: () => res.end(),
    };
    await adapter.process({ body, headers: req.headers, method: req.method }, response, (context) => bot.run(context));
  })();
});

server.listen(port, '127.0.0.1', () => {
  process.stdout.write(`${JSON.stringify({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages` })}\n`);
});
