/**
 * What the gateway's integration tests share: tiny upstreams that misbehave on purpose (raw
 * `node:net` servers, or `node:http` ones, on 127.0.0.1 port 0), a real gateway in front of one with
 * an error log and a client pool, and the small waits and requests the tests make. Everything a
 * test starts is closed after it, in reverse order.
 */
import { ok } from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type AddressInfo, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import type { Readable } from 'node:stream';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool } from 'undici';
import type { GatewayStats, RunningFixture } from '../../../fixtures/common/protocol.ts';
import { CAUSE_HEADER } from '../../../fixtures/gateway/causes.ts';
import { startGateway, type GatewayOptions } from '../../../fixtures/gateway/server.ts';

/** An upstream a test controls. */
export interface Upstream {
  url: string;
  port: number;
  /** Sockets the upstream accepted, in order. */
  sockets: Socket[];
}

/** A gateway under test, with the path of its error log and a client pool in front of it. */
export type TestGateway = RunningFixture<GatewayStats> & { logPath: string; client: Pool };

/** What a test starts through the rig; each is closed after the test. */
export interface GatewayRig {
  /** A raw TCP upstream: `onRequest(socket, n)` runs for the n-th request (from 1) on each connection. */
  rawUpstream: (onRequest: (socket: Socket, n: number) => void) => Promise<Upstream>;
  /** A real node:http upstream. */
  httpUpstream: (handler: (req: IncomingMessage, res: ServerResponse) => void) => Promise<Upstream>;
  /** A port that was just free: something listened on it and closed. */
  closedPort: () => Promise<Upstream>;
  /** Registers `cleanup` to run after the test (for what a test starts by other means). */
  onCleanup: (cleanup: () => Promise<unknown>) => void;
  /** A gateway (nginx profile, 8 pool connections, 2 s upstream timeout) in front of `upstream`. */
  gateway: (upstream: Upstream, options?: Partial<GatewayOptions>) => Promise<TestGateway>;
}

/** A complete, valid response of two bytes. */
export const OK = 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok';

/** Call inside a `describe`: registers the rig's hooks there (an error-log folder, cleanups). */
export function gatewayRig(): GatewayRig {
  const cleanups: (() => Promise<unknown>)[] = [];
  const onCleanup = (cleanup: () => Promise<unknown>): void => void cleanups.push(cleanup);
  let logDir = '';
  let logs = 0;
  before(async () => {
    logDir = await mkdtemp(join(tmpdir(), 'overload-gateway-'));
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  after(() => rm(logDir, { recursive: true, force: true }));

  return {
    onCleanup,
    rawUpstream: async (onRequest) => {
      const sockets: Socket[] = [];
      const server = createNetServer((socket) => {
        sockets.push(socket);
        socket.on('error', () => undefined);
        let n = 0;
        // Each GET arrives in one chunk on loopback; the tests send requests one at a time.
        socket.on('data', () => onRequest(socket, ++n));
      });
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      onCleanup(() => {
        for (const socket of sockets) socket.destroy();
        return new Promise((resolve) => server.close(resolve));
      });
      return { url: `http://127.0.0.1:${port}`, port, sockets };
    },
    httpUpstream: async (handler) => {
      const sockets: Socket[] = [];
      const server = createHttpServer(handler);
      server.on('connection', (socket: Socket) => sockets.push(socket));
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      onCleanup(() => {
        server.closeAllConnections();
        return new Promise((resolve) => server.close(resolve));
      });
      return { url: `http://127.0.0.1:${port}`, port, sockets };
    },
    closedPort: async () => {
      const server = createNetServer();
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      const { port } = server.address() as AddressInfo;
      await new Promise((resolve) => server.close(resolve));
      return { url: `http://127.0.0.1:${port}`, port, sockets: [] };
    },
    gateway: async (upstream, options = {}) => {
      const logPath = join(logDir, `error-${++logs}.log`);
      const fx = await startGateway({
        kind: 'node',
        profile: 'nginx',
        poolConnections: 8,
        queueLimit: 16,
        connectTimeoutMs: 1000,
        upstreamTimeoutMs: 2000,
        retries: 0,
        upstreamUrl: upstream.url,
        upstreamKeepAliveTimeoutMs: 5000,
        errorLogPath: logPath,
        ...options,
      });
      onCleanup(() => fx.close());
      const client = new Pool(fx.url, { connections: 8 });
      onCleanup(() => client.destroy());
      return { ...fx, logPath, client };
    },
  };
}

/** What the client saw. */
export interface Answer {
  status: number;
  /** The `x-overload-cause` header: set on the failures the gateway generated. */
  cause: string | undefined;
  body: string;
}

/** Sends one request through `client` and reads the whole answer. */
export async function get(client: Pool, path = '/', method = 'GET', body?: string | Buffer | Readable): Promise<Answer> {
  const res = await client.request({ path, method, ...(body === undefined ? {} : { body }) });
  const cause = res.headers[CAUSE_HEADER];
  return { status: res.statusCode, cause: typeof cause === 'string' ? cause : undefined, body: await res.body.text() };
}

/** Waits until `check` holds (the gateway settles its counters when the client socket closes). */
export async function eventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await sleep(5);
  ok(check(), 'condition still false after 1 s');
}

/** `text` with the characters that mean something in a regular expression escaped. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
