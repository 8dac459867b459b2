/**
 * A real gateway (nginx, HAProxy) as a child process of the harness: started in the foreground in
 * its own process group, watched by a small Node watchdog that stops the group when the harness
 * goes away (harness/gateways/watchdog.ts: the gateways cannot watch a parent), ready once its
 * port accepts a connection, and stopped at the end.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { OverloadError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';
import { TSX_LOADER_URL } from '../runner/fixtures.ts';
import { childEnv } from '../safety/child-env.ts';

/** How long a gateway may take to accept connections before the run gives up. */
const READY_TIMEOUT_MS = 10_000;
/** How long a gateway may take to exit after SIGTERM before its group is killed. */
const STOP_TIMEOUT_MS = 3000;
const STDERR_TAIL_BYTES = 4096;

const WATCHDOG = fileURLToPath(new URL('./watchdog.ts', import.meta.url));

/** A gateway process that answers on 127.0.0.1:port. */
export interface ProcessGateway {
  readonly name: string;
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  /** Stops the gateway (SIGTERM to its group, SIGKILL after {@link STOP_TIMEOUT_MS}) and its watchdog. */
  stop(): Promise<void>;
}

/** Starts `command args` in `cwd` and resolves once 127.0.0.1:`port` accepts a connection. */
export async function startProcessGateway(options: { name: string; command: string; args: string[]; cwd: string; port: number; stdoutFile?: string }): Promise<ProcessGateway> {
  const { name, port } = options;
  // HAProxy logs to stdout: straight into a file, which the harness reads as it grows.
  const stdout = options.stdoutFile === undefined ? 'pipe' : openSync(options.stdoutFile, 'a');
  const child = spawn(options.command, options.args, { cwd: options.cwd, detached: true, stdio: ['ignore', stdout, 'pipe'], env: childEnv() });
  if (typeof stdout === 'number') closeSync(stdout);
  let tail = '';
  const keep = (chunk: Buffer): void => {
    tail = (tail + chunk.toString('utf8')).slice(-STDERR_TAIL_BYTES);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: string | null = null;
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = signal ?? `code ${code}`;
      resolve();
    });
    child.once('error', (error) => {
      exited = error.message;
      resolve();
    });
  });
  const pid = child.pid ?? -1;
  const failure = (what: string): OverloadError =>
    new OverloadError('FIXTURE_FAILED', `${name} ${what}`, { exitCode: ExitCode.internal, hint: tail.trim() === '' ? `${name} printed nothing` : `its last output:\n${tail.trim()}` });

  const watchdog = pid > 1 ? await startWatchdog(pid) : null;
  const stop = async (): Promise<void> => {
    if (exited === null) {
      signalGroup(pid, 'SIGTERM');
      const killed = setTimeout(() => signalGroup(pid, 'SIGKILL'), STOP_TIMEOUT_MS);
      await exit;
      clearTimeout(killed);
    }
    if (watchdog?.connected === true) watchdog.disconnect();
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exited !== null) {
      await stop();
      throw failure(`exited before it was ready (${String(exited)})`);
    }
    if (await accepts(port)) break;
    if (Date.now() > deadline) {
      await stop();
      throw failure(`did not accept connections on 127.0.0.1:${port} within ${READY_TIMEOUT_MS / 1000} s`);
    }
    await sleep(50);
  }
  return { name, url: `http://127.0.0.1:${port}`, port, pid, stop };
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // The group is gone already.
  }
}

/** Forks the watchdog and waits until it watches the group. */
function startWatchdog(group: number): Promise<ChildProcess> {
  const watchdog = fork(WATCHDOG, [String(group)], { execArgv: ['--import', TSX_LOADER_URL], detached: true, stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env: childEnv() });
  return new Promise((resolve, reject) => {
    watchdog.once('message', () => resolve(watchdog));
    watchdog.once('exit', (code) => reject(new Error(`the gateway's watchdog exited before it started watching (code ${code})`)));
  });
}

/** Whether 127.0.0.1:port accepts a TCP connection now. */
function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
