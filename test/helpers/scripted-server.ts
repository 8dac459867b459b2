/** Tiny servers for driver tests: a node:http server on 127.0.0.1:0 that behaves by request count. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedServer {
  url: string;
  /** Requests received so far. */
  requests(): number;
  close(): Promise<void>;
}

/** Starts a server that hands the n-th request (from 1) to `behave(n, req, res)`. */
export async function startScriptedServer(behave: (n: number, req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<ScriptedServer> {
  let count = 0;
  const server = http.createServer((req, res) => behave(++count, req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
