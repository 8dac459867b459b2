/**
 * A free TCP port on 127.0.0.1 for a gateway that cannot listen on port 0 and tell us which port
 * it got (nginx, HAProxy read theirs from a config file): the kernel picks one for a throwaway
 * listener, which closes at once. Another process could take it in between; the gateway's start
 * then fails with "address in use", and the error says so.
 */
import { createServer } from 'node:net';

export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ port: 0, host: '127.0.0.1' }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
