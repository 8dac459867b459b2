/** Tiny servers for driver tests: a node:http (or https) server on 127.0.0.1:0 that behaves by request count. */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';

export interface ScriptedServer {
  url: string;
  /** Requests received so far. */
  requests(): number;
  close(): Promise<void>;
}

/** The test certificate of test/fixtures/tls (app.localhost and 127.0.0.1, signed by ca.pem). */
export const TEST_TLS = {
  caFile: new URL('../fixtures/tls/ca.pem', import.meta.url).pathname,
  cert: (): string => readFileSync(new URL('../fixtures/tls/server.pem', import.meta.url), 'utf8'),
  key: (): string => readFileSync(new URL('../fixtures/tls/server.key', import.meta.url), 'utf8'),
};

/** Starts a server that hands the n-th request (from 1) to `behave(n, req, res)`; over TLS with the test certificate when `tls` is set. */
export async function startScriptedServer(behave: (n: number, req: http.IncomingMessage, res: http.ServerResponse) => void, options: { tls?: boolean } = {}): Promise<ScriptedServer> {
  let count = 0;
  const handle = (req: http.IncomingMessage, res: http.ServerResponse): void => behave(++count, req, res);
  const server = options.tls === true ? https.createServer({ cert: TEST_TLS.cert(), key: TEST_TLS.key() }, handle) : http.createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${options.tls === true ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The SNI name a request's TLS connection sent: null when it sent none, and over plain HTTP. */
export function serverNameOf(req: http.IncomingMessage): string | null {
  const name = (req.socket as Partial<TLSSocket>).servername;
  return typeof name === 'string' ? name : null;
}
