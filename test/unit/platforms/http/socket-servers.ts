import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

/** A TCP server that misbehaves on purpose, and remembers every byte it was sent. */
export interface RawServer {
  /** `http://127.0.0.1:<port>` */
  url: string;
  /** `https://127.0.0.1:<port>`: the same server, for a client that speaks TLS to it. */
  httpsUrl: string;
  /** Everything clients sent, all connections together, as latin1 text. */
  received(): string;
  close(): Promise<void>;
}

/** Runs `behaviour` for every connection the server accepts (from 127.0.0.1, on a free port). */
export async function rawServer(behaviour: (socket: net.Socket) => void): Promise<RawServer> {
  const sockets = new Set<net.Socket>();
  const chunks: Buffer[] = [];
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined); // the point of these servers is broken connections
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    behaviour(socket);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    httpsUrl: `https://127.0.0.1:${port}`,
    received: () => Buffer.concat(chunks).toString('latin1'),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Behaviours for `rawServer`. */
export const behave = {
  /** Resets the connection as soon as it is accepted, before reading anything. */
  resetAtOnce: (socket: net.Socket) => socket.resetAndDestroy(),
  /** Reads the start of the request, then resets the connection (TCP RST). */
  resetAfterRequest: (socket: net.Socket) => socket.once('data', () => socket.resetAndDestroy()),
  /** Reads the start of the request, then closes the connection (FIN) without a word. */
  closeAfterRequest: (socket: net.Socket) => socket.once('data', () => socket.end()),
  /** Answers the request with something that is not HTTP. */
  answerGarbage: (socket: net.Socket) => socket.once('data', () => socket.end('NOT HTTP\r\n\r\n')),
  /** Reads the request and never answers. */
  neverAnswer: (_socket: net.Socket) => undefined,
  /** Sends the status line, headers and the start of a body (100 bytes, or chunked), then `then` happens. */
  startBody:
    (then: 'close' | 'reset' | 'stall', framing: 'length' | 'chunked' = 'length') =>
    (socket: net.Socket) =>
      socket.once('data', () => {
        const start = '{"data":{"id":';
        socket.write(
          framing === 'length'
            ? `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n${start}`
            : `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n${start.length.toString(16)}\r\n${start}\r\n`,
        );
        if (then === 'close') setTimeout(() => socket.destroy(), 20);
        if (then === 'reset') setTimeout(() => socket.resetAndDestroy(), 20);
      }),
};

/** A port on 127.0.0.1 that was free a moment ago and has nobody listening now. */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A listener whose accept queue is full, so a new connection hangs in its handshake: the
 * server's thread is blocked and never accepts, and the queue (backlog 1) is filled first.
 * What a connect timeout meets when a server is overwhelmed or a firewall drops packets.
 */
export async function unacceptingListener(): Promise<{ url: string; close(): Promise<void> }> {
  const gate = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(
    `
    const { parentPort, workerData } = require('node:worker_threads');
    const server = require('node:net').createServer();
    server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
      parentPort.postMessage(server.address().port);
      Atomics.wait(workerData.gate, 0, 0); // nothing is accepted while this thread waits
      process.exit(0);
    });
    `,
    { eval: true, workerData: { gate } },
  );
  const [port] = (await once(worker, 'message')) as [number];
  const fillers: net.Socket[] = [];
  // Connect until a connection no longer completes: then the queue is full.
  for (let i = 0; i < 16; i++) {
    const socket = net.connect(port, '127.0.0.1').on('error', () => undefined);
    fillers.push(socket);
    const connected = await Promise.race([
      once(socket, 'connect').then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 100).unref()),
    ]);
    if (!connected) break;
  }
  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const socket of fillers) socket.destroy();
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
      await once(worker, 'exit');
    },
  };
}
