/**
 * The server end of a WebSocket (RFC 6455), just enough for the Socket Mode fake: the
 * opening handshake on a node:http `upgrade`, text frames both ways (fragmented or not, any
 * length), ping/pong, and the closing handshake. No extensions are negotiated, so
 * undici's `permessage-deflate` offer is declined and every frame is plain.
 *
 * Why not the `ws` package: @slack/socket-mode 3 connects with undici's WebSocket client and
 * lists `ws` only as a devDependency, so `ws` is not installed here.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

const HANDSHAKE_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
/** Far above any Slack payload; a bigger frame is refused (1009) rather than buffered. */
const MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** How long the peer gets to answer our close frame before the TCP connection is cut. */
const CLOSE_TIMEOUT_MS = 2000;

const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

export interface WebSocketClose {
  /** Who sent the first close frame; `network` when the TCP connection ended without one. */
  by: 'client' | 'server' | 'network';
  /** The close code (1005 when the close frame carried none, 1006 when there was no close frame). */
  code: number;
  reason: string;
}

export interface WebSocketHandlers {
  text(message: string): void;
  binary?(message: Buffer): void;
  ping?(payload: Buffer): void;
  pong?(payload: Buffer): void;
  closed(close: WebSocketClose): void;
  /** Something the client did that RFC 6455 forbids; the connection is closed with `code`. */
  protocolError?(message: string): void;
}

export function acceptKey(key: string): string {
  return createHash('sha1')
    .update(key + HANDSHAKE_GUID)
    .digest('base64');
}

/** Answers an upgrade request with an HTTP error and drops the connection. */
export function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(reason)}\r\n\r\n${reason}`,
  );
  socket.once('finish', () => socket.destroy());
}

/**
 * Completes the opening handshake for a valid WebSocket upgrade and returns the connection,
 * or refuses it (400) and returns undefined.
 */
export function acceptWebSocket(
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  handlers: WebSocketHandlers,
): ServerWebSocket | undefined {
  const key = req.headers['sec-websocket-key'];
  const upgrade = String(req.headers.upgrade ?? '').toLowerCase();
  if (req.method !== 'GET' || upgrade !== 'websocket' || typeof key !== 'string' || req.headers['sec-websocket-version'] !== '13') {
    refuseUpgrade(socket, 400, 'Bad Request');
    return undefined;
  }
  socket.write(
    [
      'HTTP/1.1 101 Switching Protocols',
      'Upgrade: websocket',
      'Connection: Upgrade',
      `Sec-WebSocket-Accept: ${acceptKey(key)}`,
      '',
      '',
    ].join('\r\n'),
  );
  return new ServerWebSocket(socket, head, handlers);
}

function frame(opcode: number, payload: Buffer): Buffer {
  const length = payload.length;
  let header: Buffer;
  if (length < 126) {
    header = Buffer.from([0x80 | opcode, length]);
  } else if (length < 0x10000) {
    header = Buffer.alloc(4);
    header[0] = 0x80 | opcode;
    header[1] = 126;
    header.writeUInt16BE(length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x80 | opcode;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(length), 2);
  }
  // Server-to-client frames are never masked.
  return Buffer.concat([header, payload]);
}

function closePayload(code: number | undefined, reason: string): Buffer {
  if (code === undefined) return Buffer.alloc(0);
  const reasonBytes = Buffer.from(reason, 'utf8');
  const payload = Buffer.alloc(2 + reasonBytes.length);
  payload.writeUInt16BE(code, 0);
  reasonBytes.copy(payload, 2);
  return payload;
}

export class ServerWebSocket {
  state: 'open' | 'closing' | 'closed' = 'open';
  private buffered: Buffer = Buffer.alloc(0);
  private message: { opcode: number; parts: Buffer[]; bytes: number } | undefined;
  private closeSentBy: 'client' | 'server' | undefined;
  private closeTimer: NodeJS.Timeout | undefined;
  private reported = false;

  constructor(
    private readonly socket: Duplex,
    head: Buffer,
    private readonly handlers: WebSocketHandlers,
  ) {
    (socket as Partial<{ setNoDelay(on: boolean): void }>).setNoDelay?.(true);
    socket.on('data', (chunk: Buffer) => this.receive(chunk));
    socket.on('error', () => undefined); // a reset shows up as 'close' below
    socket.on('close', () => this.finish({ by: 'network', code: 1006, reason: '' }));
    if (head.length > 0) this.receive(head);
  }

  sendText(text: string): void {
    if (this.state !== 'open') throw new Error(`cannot send on a ${this.state} WebSocket`);
    this.socket.write(frame(OP.text, Buffer.from(text, 'utf8')));
  }

  sendBinary(data: Buffer): void {
    if (this.state !== 'open') throw new Error(`cannot send on a ${this.state} WebSocket`);
    this.socket.write(frame(OP.binary, data));
  }

  ping(payload: Buffer = Buffer.alloc(0)): void {
    if (this.state === 'open') this.socket.write(frame(OP.ping, payload));
  }

  /** Starts the closing handshake; the client answers with its own close frame. */
  close(code = 1000, reason = ''): void {
    if (this.state !== 'open') return;
    this.state = 'closing';
    this.closeSentBy = 'server';
    this.socket.write(frame(OP.close, closePayload(code, reason)));
    this.closeTimer = setTimeout(() => this.terminate(), CLOSE_TIMEOUT_MS);
    this.closeTimer.unref();
  }

  /** Cuts the TCP connection without a closing handshake (a network failure, as the client sees it). */
  terminate(): void {
    this.socket.destroy();
  }

  private receive(chunk: Buffer): void {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    while (this.state !== 'closed') {
      const parsed = this.parseFrame();
      if (!parsed) return;
      this.handleFrame(parsed.fin, parsed.rsv, parsed.opcode, parsed.payload);
    }
  }

  private parseFrame(): { fin: boolean; rsv: number; opcode: number; payload: Buffer } | undefined {
    const b = this.buffered;
    if (b.length < 2) return undefined;
    const fin = (b[0]! & 0x80) !== 0;
    const rsv = b[0]! & 0x70;
    const opcode = b[0]! & 0x0f;
    const masked = (b[1]! & 0x80) !== 0;
    let length = b[1]! & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (b.length < 4) return undefined;
      length = b.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (b.length < 10) return undefined;
      const big = b.readBigUInt64BE(2);
      if (big > BigInt(MAX_MESSAGE_BYTES)) {
        this.fail(1009, `a frame of ${big} bytes`);
        return undefined;
      }
      length = Number(big);
      offset = 10;
    }
    if (!masked) {
      this.fail(1002, 'an unmasked frame from the client (RFC 6455 §5.1: clients must mask every frame)');
      return undefined;
    }
    if (b.length < offset + 4 + length) return undefined;
    const mask = b.subarray(offset, offset + 4);
    const payload = Buffer.from(b.subarray(offset + 4, offset + 4 + length));
    for (let i = 0; i < payload.length; i++) payload[i]! ^= mask[i & 3]!;
    this.buffered = b.subarray(offset + 4 + length);
    return { fin, rsv, opcode, payload };
  }

  private handleFrame(fin: boolean, rsv: number, opcode: number, payload: Buffer): void {
    if (rsv !== 0) return this.fail(1002, 'a frame with RSV bits set, though no extension was negotiated');
    if (opcode >= 0x8) {
      if (!fin || payload.length > 125) return this.fail(1002, 'a fragmented or oversized control frame');
      if (opcode === OP.close) return this.receiveClose(payload);
      if (opcode === OP.ping) {
        if (this.state === 'open') this.socket.write(frame(OP.pong, payload));
        this.handlers.ping?.(payload);
        return;
      }
      if (opcode === OP.pong) return this.handlers.pong?.(payload);
      return this.fail(1002, `unknown control opcode ${opcode}`);
    }
    if (this.state !== 'open') return; // data after our close frame is dropped, as RFC 6455 allows
    if (opcode === OP.continuation) {
      if (!this.message) return this.fail(1002, 'a continuation frame with no message started');
    } else if (opcode === OP.text || opcode === OP.binary) {
      if (this.message) return this.fail(1002, 'a new message before the previous one ended');
      this.message = { opcode, parts: [], bytes: 0 };
    } else {
      return this.fail(1002, `unknown data opcode ${opcode}`);
    }
    this.message.parts.push(payload);
    this.message.bytes += payload.length;
    if (this.message.bytes > MAX_MESSAGE_BYTES) return this.fail(1009, `a message over ${MAX_MESSAGE_BYTES} bytes`);
    if (!fin) return;
    const { opcode: kind, parts } = this.message;
    this.message = undefined;
    const data = Buffer.concat(parts);
    if (kind === OP.binary) return this.handlers.binary?.(data);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(data);
    } catch {
      return this.fail(1007, 'a text message that is not UTF-8');
    }
    this.handlers.text(text);
  }

  private receiveClose(payload: Buffer): void {
    if (payload.length === 1) return this.fail(1002, 'a close frame with a one-byte body');
    const code = payload.length >= 2 ? payload.readUInt16BE(0) : 1005;
    const reason = payload.subarray(2).toString('utf8');
    if (this.state === 'open') {
      // The client started the handshake: echo its code, then the server closes TCP (§7.1.1).
      this.closeSentBy = 'client';
      this.socket.write(frame(OP.close, closePayload(payload.length >= 2 ? code : undefined, '')));
    }
    const by = this.closeSentBy ?? 'client';
    this.state = 'closed';
    this.socket.end();
    this.finish({ by, code, reason });
  }

  private fail(code: number, message: string): void {
    this.handlers.protocolError?.(message);
    if (this.state === 'open') {
      this.state = 'closing';
      this.closeSentBy = 'server';
      this.socket.write(frame(OP.close, closePayload(code, '')));
    }
    this.state = 'closed';
    this.socket.end();
    this.finish({ by: 'server', code, reason: message });
  }

  private finish(close: WebSocketClose): void {
    this.state = 'closed';
    clearTimeout(this.closeTimer);
    if (this.reported) return;
    this.reported = true;
    this.handlers.closed(close);
  }
}
