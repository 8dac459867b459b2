/**
 * The open-loop driver's connections (DESIGN.md §3 "Open loop"): one undici `Client` per
 * connection, one request at a time on each, reused last-in first-out. A request that finds every
 * connection busy waits up to {@link PATIENCE_MS} for one to free; past that, a new connection is
 * opened for it, with at most {@link OPENING_AT_ONCE} being set up at a time.
 *
 * Why not undici's `Pool`: it opens a new connection for every request that finds all of its
 * connections busy, and a connection counts as busy until the event loop's next check phase after
 * each answer (undici 7.30 client-h1.js `scheduleIdleSocketValidation`: it waits a `setImmediate`
 * before reusing a keep-alive socket, GHSA-35p6-xmwp-9g52). When the pacer's event loop stalls for
 * a few ms, the arrivals that came due meanwhile go out together, find every connection busy, and
 * each opens one; setting them up stalls the loop longer, and the next batch opens more. Measured
 * with `bench/pacer-capacity.ts`' echo server on 2 cores: at 10,000 req/s the Pool grew to all
 * 1,024 connections with a send-lag p99 of 105 ms, where the same pacer on 64 connections held
 * 20,000 req/s with a p99 of 2.4 ms at two thirds of a core.
 *
 * Bounding the wait and the set-ups (not the connections) keeps the open model's promise — any
 * number of requests in flight, up to the cap, each on its own connection — while a burst takes
 * the connections that free within microseconds instead of paying a set-up each. When the server
 * holds its requests (an overloaded gateway answers in seconds), connections free far more slowly
 * than the patience, and the pool grows by {@link OPENING_AT_ONCE} per set-up time, as a crowd of
 * new users would bring theirs. A request that waits here is not written yet, so its wait counts
 * in its send lag, as a wait in undici's queue did.
 */
import { performance } from 'node:perf_hooks';
import { Client, type Dispatcher } from 'undici';

/** At most this many new connections are being set up at once (see the module's comment). */
export const OPENING_AT_ONCE = 8;
/**
 * How long a request waits for a busy connection to free before a new one is opened for it, ms.
 * Long enough for a burst to drain through the connections there are (after a 5 ms stall at
 * 20,000 req/s, 100 requests on 64 connections that each answer in ~0.3 ms), short enough that a
 * request waiting for a set-up is not `late` (arrival-tally.ts, 10 ms). Measured on the echo
 * server (bench/pacer-capacity.ts) at 10,000–20,000 req/s: with 1 ms, and without the stall clock
 * and the decision after the poll phase below, the pool still grew to 100–900 connections after
 * the loop's stalls; with all three, 28, 65 and 300 connections at 5,000, 10,000 and 20,000 req/s.
 */
export const PATIENCE_MS = 5;
/** How late a Node timer fires without anything being wrong (its grain), ms. */
const TIMER_GRAIN_MS = 1;

/** What the pacer needs of a dispatcher: hand it a request and a handler. */
export interface RequestDispatcher {
  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): unknown;
}

/** One connection as the pool sees it: an undici `Client` (or a test's stand-in) and its events. */
export interface PoolConnection extends RequestDispatcher {
  on(event: 'connect' | 'disconnect' | 'connectionError', listener: () => void): unknown;
  close(): Promise<void>;
  destroy(): Promise<void>;
}

/** How the pool is made. */
export interface ConnectionPoolOptions {
  /** The most connections it opens (`caps.maxConnections`). */
  maxConnections: number;
  /** Makes one connection (its client: origin, timeouts, TLS). */
  connect: () => PoolConnection;
  /** New connections being set up at once; {@link OPENING_AT_ONCE} by default. */
  openingAtOnce?: number;
  /** How long a request waits for a busy connection before one is opened for it; {@link PATIENCE_MS} by default. */
  patienceMs?: number;
  /** The clock of the patience, ms; `performance.now` by default (a test's fake clock). */
  now?: () => number;
}

/** The pool's counts. */
export interface ConnectionPoolStats {
  /** Connections made (each with one request at a time). */
  connections: number;
  /** Of them, connected now. */
  connected: number;
  /** New connections whose first set-up has not finished. */
  opening: number;
  /** Requests on a connection now. */
  busy: number;
  /** Requests waiting for a connection. */
  queued: number;
}

/** An undici `Client` for `origin`: one request at a time, the given timeouts and TLS connector. */
export function undiciConnection(origin: string, options: Client.Options): () => PoolConnection {
  const clientOptions: Client.Options = { ...options, pipelining: 1 };
  return () => new Client(origin, clientOptions);
}

interface Slot {
  readonly connection: PoolConnection;
  /** Its first set-up has not finished yet. */
  opening: boolean;
  connected: boolean;
}

interface Waiting {
  options: Dispatcher.DispatchOptions;
  handler: Dispatcher.DispatchHandler;
  /** When it began to wait, on the patience clock (the pool's clock less the loop's stalls). */
  sinceMs: number;
}

/** Connections for one origin, one request at a time on each; see the module's comment. */
export class ConnectionPool implements RequestDispatcher {
  readonly #options: Required<ConnectionPoolOptions>;
  readonly #slots: Slot[] = [];
  /** Free connections, the most recently freed last (reused first: it is warm). */
  readonly #idle: Slot[] = [];
  /** Requests waiting for a connection, first in first out (`#queueHead` is the next). */
  #queue: Waiting[] = [];
  #queueHead = 0;
  #opening = 0;
  #connected = 0;
  #busy = 0;
  #closing: (() => void) | null = null;
  #destroyed = false;
  /** Armed while requests wait: ends the head's patience. */
  #patienceTimer: NodeJS.Timeout | undefined = undefined;
  /** When the patience timer is due (the pool's clock). */
  #patienceDueMs = 0;
  /** The event loop's stalls seen by the patience timer, ms: patience does not run during them. */
  #stalledMs = 0;
  #afterPoll: NodeJS.Immediate | undefined = undefined;

  constructor(options: ConnectionPoolOptions) {
    if (!Number.isInteger(options.maxConnections) || options.maxConnections < 1) {
      throw new RangeError(`maxConnections must be a whole number ≥ 1, got ${options.maxConnections}`);
    }
    this.#options = { openingAtOnce: OPENING_AT_ONCE, patienceMs: PATIENCE_MS, now: () => performance.now(), ...options };
  }

  get stats(): ConnectionPoolStats {
    return { connections: this.#slots.length, connected: this.#connected, opening: this.#opening, busy: this.#busy, queued: this.#queue.length - this.#queueHead };
  }

  /**
   * Sends the request on a free connection (on a new one when there is none at all), or lets it
   * wait for one; `false` when it waits.
   */
  dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): boolean {
    if (this.#destroyed || this.#closing !== null) throw new Error('the connection pool is closed: dispatch before close() or destroy()');
    const slot = this.#idle.pop() ?? (this.#slots.length === 0 ? this.#open() : null);
    if (slot === null) {
      this.#queue.push({ options, handler, sinceMs: this.#patienceClock() });
      this.#armPatience();
      return false;
    }
    this.#send(slot, options, handler);
    return true;
  }

  /** Waits for every request (queued ones included) to finish, then closes the connections. */
  async close(): Promise<void> {
    if (this.#busy > 0 || this.#queueHead < this.#queue.length) await new Promise<void>((resolve) => (this.#closing = resolve));
    this.#closing ??= () => undefined;
    await Promise.all(this.#slots.map((slot) => slot.connection.close()));
  }

  /**
   * Closes every connection now: requests on them fail (undici's `ClientDestroyedError` or the
   * socket's error reaches their handlers); requests still waiting are dropped unanswered, as the
   * pacer destroys a pool only after its step has stopped counting.
   */
  async destroy(): Promise<void> {
    this.#destroyed = true;
    clearTimeout(this.#patienceTimer);
    if (this.#afterPoll !== undefined) clearImmediate(this.#afterPoll);
    this.#queue = [];
    this.#queueHead = 0;
    await Promise.all(this.#slots.map((slot) => slot.connection.destroy()));
  }

  /** A new connection, or null when the cap is reached or enough are being set up already. */
  #open(): Slot | null {
    if (this.#slots.length >= this.#options.maxConnections || this.#opening >= this.#options.openingAtOnce) return null;
    const slot: Slot = { connection: this.#options.connect(), opening: true, connected: false };
    this.#opening++;
    const settle = (): void => {
      if (!slot.opening) return;
      slot.opening = false;
      this.#opening--;
      // A set-up finished: another may start for a request that has waited long enough.
      this.#openForWaiting();
    };
    slot.connection.on('connect', () => {
      slot.connected = true;
      this.#connected++;
      settle();
    });
    slot.connection.on('disconnect', () => {
      if (slot.connected) this.#connected--;
      slot.connected = false;
    });
    slot.connection.on('connectionError', settle);
    this.#slots.push(slot);
    return slot;
  }

  /**
   * The clock patience runs on: the pool's clock less the event loop's stalls. A request that
   * waited through a stall of this process waited for the generator, not for the server, and a
   * new connection would not have served it sooner.
   */
  #patienceClock(): number {
    return this.#options.now() - this.#stalledMs;
  }

  /** Opens connections (as the bounds allow) for the requests that have waited past their patience. */
  #openForWaiting(): void {
    const patientUntil = this.#patienceClock() - this.#options.patienceMs;
    while (!this.#destroyed && (this.#queue[this.#queueHead]?.sinceMs ?? Infinity) <= patientUntil) {
      const slot = this.#open();
      if (slot === null) return;
      this.#sendNextWaiting(slot);
    }
  }

  /** Wakes when the oldest waiting request's patience ends (one timer, whatever the queue's length). */
  #armPatience(): void {
    const head = this.#queue[this.#queueHead];
    if (this.#patienceTimer !== undefined || this.#afterPoll !== undefined || head === undefined || this.#destroyed) return;
    const delayMs = Math.max(1, Math.ceil(head.sinceMs + this.#options.patienceMs - this.#patienceClock()));
    this.#patienceDueMs = this.#options.now() + delayMs;
    this.#patienceTimer = setTimeout(this.#onPatienceEnded, delayMs);
  }

  /**
   * Node runs timers before it polls the sockets: after a stall of this loop, the answers that
   * came in meanwhile are not read yet and every connection still looks busy, which is how
   * undici's Pool came to open hundreds. So the time the timer fired late (beyond Node's usual
   * 1 ms) is not counted as waiting, and the pool decides after the poll phase (setImmediate
   * runs in the check phase, after it), when the connections those answers free have taken the
   * requests that waited for them.
   */
  readonly #onPatienceEnded = (): void => {
    this.#patienceTimer = undefined;
    this.#stalledMs += Math.max(0, this.#options.now() - this.#patienceDueMs - TIMER_GRAIN_MS);
    this.#afterPoll = setImmediate(this.#openAfterPoll);
  };

  readonly #openAfterPoll = (): void => {
    this.#afterPoll = undefined;
    this.#openForWaiting();
    this.#armPatience();
  };

  #send(slot: Slot, options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler): void {
    this.#busy++;
    slot.connection.dispatch(options, new SlotHandler(this, slot, handler));
  }

  #sendNextWaiting(slot: Slot): void {
    const next = this.#queue[this.#queueHead];
    if (next === undefined) return;
    this.#queue[this.#queueHead++] = undefined as unknown as Waiting;
    // Drop the consumed head once it is half the array, so a long queue costs O(1) per request.
    if (this.#queueHead * 2 >= this.#queue.length) {
      this.#queue = this.#queue.slice(this.#queueHead);
      this.#queueHead = 0;
    }
    this.#send(slot, next.options, next.handler);
  }

  /**
   * A request on `slot` has finished (its {@link SlotHandler}'s call): the next waiting one takes
   * the connection, or it idles.
   */
  released(slot: Slot): void {
    this.#busy--;
    if (this.#destroyed) return;
    if (this.#queueHead < this.#queue.length) return this.#sendNextWaiting(slot);
    this.#idle.push(slot);
    if (this.#busy === 0) this.#closing?.();
  }
}

/** Forwards undici's calls to the request's handler and frees the connection when it ends. */
class SlotHandler implements Dispatcher.DispatchHandler {
  #released = false;

  constructor(
    private readonly pool: ConnectionPool,
    private readonly slot: Slot,
    private readonly handler: Dispatcher.DispatchHandler,
  ) {}

  onRequestStart(controller: Dispatcher.DispatchController, context: unknown): void {
    this.handler.onRequestStart?.(controller, context);
  }

  onResponseStart(controller: Dispatcher.DispatchController, statusCode: number, headers: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseStart']>>[2], statusMessage?: string): void {
    this.handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.handler.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: Dispatcher.DispatchController, trailers: Parameters<NonNullable<Dispatcher.DispatchHandler['onResponseEnd']>>[1]): void {
    this.handler.onResponseEnd?.(controller, trailers);
    this.#release();
  }

  onResponseError(controller: Dispatcher.DispatchController, error: Error): void {
    this.handler.onResponseError?.(controller, error);
    this.#release();
  }

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    this.pool.released(this.slot);
  }
}
