/**
 * A loopback port where a new TCP connect hangs: the only way to test a connect timeout without
 * leaving 127.0.0.1. A worker thread listens with a backlog of 1 and then blocks (Atomics.wait),
 * so it never accepts. Linux queues backlog + 1 handshaken connections (`sk_acceptq_is_full` in
 * `tcp_conn_request`) and drops every later SYN: once two filler connections sit in the queue,
 * the next connect gets no answer and its client retries the SYN until its own timeout.
 */
import { once } from 'node:events';
import { connect, type Socket } from 'node:net';
import { Worker } from 'node:worker_threads';

/** A port whose accept queue is full. */
export interface Blackhole {
  url: string;
  port: number;
  /** Ends the fillers, wakes the worker and ends it. */
  close(): Promise<void>;
}

// CommonJS source for `new Worker(…, { eval: true })`: listen, report the port, block.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const { createServer } = require('node:net');
const server = createServer();
server.listen({ port: 0, host: '127.0.0.1', backlog: 1 }, () => {
  parentPort.postMessage(server.address().port);
  Atomics.wait(new Int32Array(workerData), 0, 0);
  server.close();
});
`;

/** The two connections that fill a backlog of 1 (backlog + 1, see the module comment). */
const FILLERS = 2;

/** Starts a black hole on 127.0.0.1, port 0; resolves once its accept queue is full. */
export async function startBlackhole(): Promise<Blackhole> {
  const wake = new SharedArrayBuffer(4);
  const worker = new Worker(WORKER, { eval: true, workerData: wake });
  const fillers: Socket[] = [];
  const close = async (): Promise<void> => {
    for (const socket of fillers) socket.destroy();
    Atomics.store(new Int32Array(wake), 0, 1);
    Atomics.notify(new Int32Array(wake), 0);
    await worker.terminate();
  };
  try {
    const [port] = (await once(worker, 'message')) as [number];
    for (let i = 0; i < FILLERS; i++) {
      const socket = connect(port, '127.0.0.1');
      fillers.push(socket);
      await once(socket, 'connect');
      socket.on('error', () => undefined);
    }
    return { url: `http://127.0.0.1:${port}`, port, close };
  } catch (error) {
    await close();
    throw error;
  }
}
