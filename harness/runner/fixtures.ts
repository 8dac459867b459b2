/**
 * Starts the fixtures as child processes (DESIGN.md §1.2) and talks to them over IPC.
 * `detached: true` puts each child in its own process group, so a Ctrl-C typed in the terminal
 * reaches only the harness, which then stops the load and the fixtures in order. Each child
 * exits by itself when the IPC channel closes, so even `kill -9` of the harness leaves nothing.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { OverloadError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import type { ChildMessage, FixtureControl, FixtureEvent, GatewayStats, ParentMessage, UpstreamStats } from '../../fixtures/common/protocol.ts';
import type { UpstreamOptions } from '../../fixtures/upstream/server.ts';
import type { GatewayOptions } from '../../fixtures/gateway/server.ts';
import { childEnv } from '../safety/child-env.ts';

/** How long a fixture may take to report its port before the run gives up. */
const READY_TIMEOUT_MS = 15_000;
/** How long a stats or control request may take: the fixture is busy, but never this busy. */
const STATS_TIMEOUT_MS = 5_000;
/** How long a fixture may take to stop after `stop` before it is killed. */
const STOP_TIMEOUT_MS = 3_000;
/** Bytes of a fixture's stderr kept to explain a failure. */
const STDERR_TAIL_BYTES = 4096;

/** A fixture running in a child process. */
export interface FixtureProcess<S> {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Asks the child for its counters. */
  stats(): Promise<S>;
  /** Tells the child to do what a timeline event says; resolves once it has started doing it. */
  control(command: FixtureControl): Promise<void>;
  /** Calls `listener` with every event the child reports (a crash, a restart), as it arrives. */
  onEvent(listener: (event: FixtureEvent) => void): void;
  /** Stops the child (over IPC, then by signal) and waits for it to exit. */
  stop(): Promise<void>;
}

/**
 * tsx's loader, by absolute URL so children find it whatever the working directory. Resolved with
 * `require.resolve`, not `import.meta.resolve`, which is missing when tsx compiles this module
 * as CommonJS (Node 20's require(esm), as mocha does).
 */
export const TSX_LOADER_URL = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

const entries = {
  upstream: fileURLToPath(new URL('../../fixtures/upstream/main.ts', import.meta.url)),
  gateway: fileURLToPath(new URL('../../fixtures/gateway/main.ts', import.meta.url)),
};

/** Starts the upstream fixture in a child process. */
export function forkUpstream(options: UpstreamOptions): Promise<FixtureProcess<UpstreamStats>> {
  return forkFixture<UpstreamStats>('upstream', entries.upstream, options);
}

/** Starts the gateway fixture in a child process. */
export function forkGateway(options: GatewayOptions): Promise<FixtureProcess<GatewayStats>> {
  return forkFixture<GatewayStats>('gateway', entries.gateway, options);
}

async function forkFixture<S>(name: string, entry: string, options: object): Promise<FixtureProcess<S>> {
  const child = fork(entry, [JSON.stringify(options)], {
    // The child runs TypeScript too: load tsx by absolute URL, whatever the working directory.
    execArgv: ['--import', TSX_LOADER_URL],
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    serialization: 'json',
    env: childEnv(),
  });
  let stderrTail = '';
  const keepTail = (chunk: Buffer): void => {
    stderrTail = (stderrTail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
  };
  child.stdout?.on('data', keepTail);
  child.stderr?.on('data', keepTail);

  const failure = (message: string): OverloadError =>
    new OverloadError('FIXTURE_FAILED', `the ${name} fixture ${message}`, {
      exitCode: ExitCode.internal,
      hint: stderrTail.trim() === '' ? 'it printed nothing' : `its last output:\n${stderrTail.trim()}`,
    });

  const ready = await new Promise<{ url: string; port: number }>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(failure(`did not report its port within ${READY_TIMEOUT_MS / 1000} s`));
    }, READY_TIMEOUT_MS);
    const onMessage = (message: ChildMessage<S>): void => {
      if (message.type === 'ready') {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve({ url: message.url, port: message.port });
      } else if (message.type === 'failed') {
        clearTimeout(timer);
        reject(failure(`failed to start: ${message.message}`));
      }
    };
    const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
      clearTimeout(timer);
      reject(failure(`exited before it was ready (${signal ?? `code ${code}`})`));
    };
    child.on('message', onMessage);
    child.once('exit', onExit);
  });

  return new ChildFixture<S>(name, child, ready.url, ready.port, failure);
}

class ChildFixture<S> implements FixtureProcess<S> {
  private nextId = 1;
  /** Requests waiting for their answer (stats or controlled), by id. */
  private readonly pending = new Map<number, { resolve: (answer: ChildMessage<S>) => void; reject: (error: Error) => void }>();
  private readonly eventListeners: ((event: FixtureEvent) => void)[] = [];
  private exited = false;
  /** How it ended (`SIGKILL`, `code 1`), once it has; null while it runs. */
  private exitedWith: string | null = null;
  /** The harness asked it to stop (`stop()`): its end is no crash. */
  private stopping = false;
  private readonly exitPromise: Promise<void>;

  constructor(
    readonly name: string,
    private readonly child: ChildProcess,
    readonly url: string,
    readonly port: number,
    private readonly failure: (message: string) => OverloadError,
  ) {
    this.exitPromise = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.exited = true;
        this.exitedWith = signal === null ? `code ${code ?? '?'}` : `killed by ${signal}`;
        for (const waiter of this.pending.values()) waiter.reject(this.unplannedExit());
        this.pending.clear();
        resolve();
      });
    });
    child.on('message', (message: ChildMessage<S>) => {
      if (message.type === 'event') {
        for (const listener of this.eventListeners) listener(message.event);
        return;
      }
      if (message.type !== 'stats' && message.type !== 'controlled') return;
      this.pending.get(message.id)?.resolve(message);
      this.pending.delete(message.id);
    });
  }

  /**
   * The error of a request to a fixture that is gone: stopped by the harness, or gone during the
   * run, which no scenario does (a planned crash is simulated inside it).
   */
  private unplannedExit(): OverloadError {
    if (this.stopping) return this.failure('is no longer running: it was stopped');
    return this.failure(`(pid ${this.child.pid ?? '?'}) exited during the run (${this.exitedWith ?? 'its IPC channel closed'}), which no scenario plans: something outside overload stopped it, or it crashed`);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  async stats(): Promise<S> {
    const answer = await this.request((id) => ({ type: 'stats', id }), 'a stats request');
    if (answer.type !== 'stats') throw this.failure(`answered a stats request with ${answer.type}`);
    return answer.stats;
  }

  async control(command: FixtureControl): Promise<void> {
    const answer = await this.request((id) => ({ type: 'control', id, control: command }), `the control ${command.action}`);
    if (answer.type === 'controlled' && answer.error !== undefined) throw this.failure(`could not ${command.action}: ${answer.error}`);
  }

  onEvent(listener: (event: FixtureEvent) => void): void {
    this.eventListeners.push(listener);
  }

  /** Sends `message(id)` and waits for the child's answer carrying the same id. */
  private request(message: (id: number) => ParentMessage, what: string): Promise<ChildMessage<S>> {
    if (this.exited || !this.child.connected) return Promise.reject(this.unplannedExit());
    const id = this.nextId++;
    return new Promise<ChildMessage<S>>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(this.failure(`did not answer ${what} within ${STATS_TIMEOUT_MS / 1000} s`));
      }, STATS_TIMEOUT_MS);
      this.pending.set(id, {
        resolve: (answer) => {
          clearTimeout(timer);
          resolve(answer);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send(message(id));
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.exited) return;
    if (this.child.connected) this.child.send({ type: 'stop' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await this.exitPromise;
    clearTimeout(timer);
  }
}
