/**
 * The cheapest server we can write (`driver-accounting` forks it): node:http on 127.0.0.1, port 0,
 * answering every request at once with 200 "ok", so whatever limits the request rate is the load
 * generator, not the server. It sends `{ port }` to its parent over IPC and exits when the IPC
 * channel closes, so it never outlives the benchmark.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const BODY = 'ok\n';
const HEADERS = { 'content-type': 'text/plain', 'content-length': String(BODY.length) };

const server = createServer((_req, res) => void res.writeHead(200, HEADERS).end(BODY));
process.on('disconnect', () => process.exit(0));
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
