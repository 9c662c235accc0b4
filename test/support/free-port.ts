import fs from 'node:fs';
import net from 'node:net';

/**
 * Ports the kernel hands out by itself, to `listen(0)` and to every outgoing connection
 * (Linux's default range when it cannot be read).
 */
function ephemeralPorts(): { low: number; high: number } {
  try {
    const [low, high] = fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    if (low && high) return { low, high };
  } catch {
    // not Linux
  }
  return { low: 32768, high: 60999 };
}

/** Below the ephemeral range if there is room there, else above it; undefined if neither has room. */
function quietPorts(): { from: number; to: number } | undefined {
  const { low, high } = ephemeralPorts();
  if (low - 1 - 10_000 >= 1000) return { from: 10_000, to: low - 1 };
  if (65535 - (high + 1) >= 1000) return { from: high + 1, to: 65535 };
  return undefined;
}

/** Listens on `port` (0: any) on every address, then lets it go; resolves with the port, or undefined if taken. */
function tryPort(port: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(undefined));
    server.listen(port, '0.0.0.0', () => {
      const { port: bound } = server.address() as net.AddressInfo;
      server.close(() => resolve(bound));
    });
  });
}

/**
 * A TCP port nobody listens on right now, for processes that must be given a port number.
 *
 * Taken outside the ephemeral range: between this answer and the process listening (a second
 * or two while it starts), a port from that range may be handed to anything else on the
 * machine, an outgoing connection or a server on port 0 in another test file running at the
 * same time; then the process fails with EADDRINUSE. Outside it, only another explicit choice
 * like this one could take it.
 */
export async function freePort(): Promise<number> {
  const quiet = quietPorts();
  if (quiet) {
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = await tryPort(quiet.from + Math.floor(Math.random() * (quiet.to - quiet.from + 1)));
      if (port) return port;
    }
  }
  const any = await tryPort(0);
  if (!any) throw new Error('no free TCP port');
  return any;
}
