/**
 * Forks `bench/echo-server.ts` (node:http answering 200 "ok" at once) as a child process, for
 * every benchmark that needs a server that is never the bottleneck: a child, so that
 * it shares no event loop with the load generator and its CPU can be read from /proc apart.
 * The child exits by itself when the IPC channel closes, so it never outlives the benchmark.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { TSX_LOADER_URL } from '../harness/runner/fixtures.ts';

const READY_TIMEOUT_MS = 15_000;
const STOP_TIMEOUT_MS = 3000;
const ENTRY = fileURLToPath(new URL('./echo-server.ts', import.meta.url));

/** A running echo server. */
export interface EchoServer {
  /** `http://127.0.0.1:<port>`. */
  url: string;
  pid: number;
  /** Node's `server.keepAliveTimeout` (its default, 5 s): a proxy in front keeps idle connections no longer. */
  keepAliveTimeoutMs: number;
  /** Closes the IPC channel (the child then exits) and waits; SIGKILL after 3 s. */
  stop(): Promise<void>;
}

/** Forks the echo server (TypeScript, through tsx's loader, as the fixtures are) and waits for its port. */
export async function forkEchoServer(): Promise<EchoServer> {
  const child = fork(ENTRY, [], { execArgv: ['--import', TSX_LOADER_URL], stdio: ['ignore', 'inherit', 'inherit', 'ipc'], serialization: 'json' });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const port = await new Promise<number>((resolve, reject) => {
    let waiting = true;
    const timer = setTimeout(() => fail(`did not report its port within ${READY_TIMEOUT_MS / 1000} s`), READY_TIMEOUT_MS);
    const fail = (why: string): void => {
      if (!waiting) return;
      waiting = false;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`the echo server (${ENTRY}) ${why}`));
    };
    child.once('message', (message: { port?: unknown }) => {
      if (typeof message.port !== 'number') return fail(`sent ${JSON.stringify(message)} instead of its port`);
      waiting = false;
      clearTimeout(timer);
      resolve(message.port);
    });
    void exited.then(() => fail(`exited before it listened (code ${child.exitCode ?? 'none'})`));
  });
  return { url: `http://127.0.0.1:${port}`, pid: child.pid ?? -1, keepAliveTimeoutMs: 5000, stop: () => stopChild(child, exited) };
}

async function stopChild(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
  if (child.connected) child.disconnect();
  await exited;
  clearTimeout(timer);
}
