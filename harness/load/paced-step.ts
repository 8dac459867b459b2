/**
 * One open-loop step on a dispatcher (DESIGN.md §3 "Open loop"): send each planned arrival when
 * its time comes, whatever the earlier ones are doing; close the window at its planned end; then
 * wait for the answers still in flight (the tail), up to a limit.
 *
 * The send loop is one callback, `#tick`: it sends every arrival whose time has come, then asks
 * `nextWake` (send-timing.ts) how to wait for the next one. Each answer also "pokes" the loop (a
 * microtask, at most one queued), so under load arrivals go out from the I/O turns that are
 * happening anyway instead of waiting for a timer.
 */
import { performance } from 'node:perf_hooks';
import type { Dispatcher } from 'undici';
import type { RequestDispatcher } from './connection-pool.ts';
import type { GeneratorHealth } from '../report/schema.ts';
import { ArrivalTally, type ArrivalSinks } from './arrival-tally.ts';
import { startGeneratorMonitor, type GeneratorMonitor } from './generator-monitor.ts';
import { PacedRequest, type PacedOwner } from './paced-request.ts';
import { nextWake, SpinBudget } from './send-timing.ts';
import type { RetryConfig } from '../config/scenario.ts';
import type { Random } from '../../fixtures/common/random.ts';
import { backoffMs, RetryBudget } from './retry-policy.ts';

/** What one step sends, and when (ms from the step's start). */
export interface PacedStepPlan {
  /** Planned send times over warm-up + window, ascending (`planArrivals`). */
  times: Float64Array;
  /** The window: arrivals planned in [windowStartMs, windowEndMs) are judged. */
  windowStartMs: number;
  windowEndMs: number;
  /** How long the tail may wait for answers after the window before it gives up. */
  tailLimitMs: number;
  /** undici's dispatch options for every request (the same object each time: undici only reads it). */
  request: Dispatcher.DispatchOptions;
  /**
   * Clients that give up after `giveUpMs` and may try again (`load.retry`, retry-policy.ts);
   * absent: each request waits for its answer and is never repeated.
   */
  retry?: { policy: RetryConfig; giveUpMs: number; random: Random };
}

/** How the step ended, in ms from its start. */
export interface PacedStepTimes {
  /** When the window closed (its planned end, or the abort). */
  windowClosedMs: number;
  /** When the tail ended. */
  endedMs: number;
  /** The tail hit its limit (or the step was aborted) with requests still in flight. */
  cutOff: boolean;
  /** The generator's health over the window (null send lag: the caller fills it in). */
  generator: GeneratorHealth;
}

/** Runs one step's schedule; `run()` once. */
export class PacedStep implements PacedOwner {
  readonly tally: ArrivalTally;
  readonly #dispatcher: RequestDispatcher;
  readonly #plan: PacedStepPlan;
  readonly #t0 = performance.now();
  readonly #budget: SpinBudget;
  #next = 0;
  /** Requests of every phase handed to undici and not settled yet. */
  #outstanding = 0;
  #sending = true;
  #pokeQueued = false;
  #timer: NodeJS.Timeout | undefined = undefined;
  #immediate: NodeJS.Immediate | undefined = undefined;
  #tailTimer: NodeJS.Timeout | undefined = undefined;
  /** When the pending setImmediate was asked for, or −1: the spin budget's measure. */
  #spinFromMs = -1;
  #monitor: GeneratorMonitor | null = null;
  #generator: GeneratorHealth | null = null;
  #windowClosedMs: number | null = null;
  #cutOff = false;
  #finish: (() => void) | null = null;
  readonly #retryBudget: RetryBudget;
  /** Retries waiting for their backoff; each counts as outstanding, so the tail waits for it. */
  readonly #retryTimers = new Set<NodeJS.Timeout>();

  constructor(dispatcher: RequestDispatcher, plan: PacedStepPlan, sinks: ArrivalSinks) {
    this.#dispatcher = dispatcher;
    this.#plan = plan;
    this.#retryBudget = new RetryBudget(plan.retry?.policy.budget ?? 0);
    this.tally = new ArrivalTally(sinks, plan.windowStartMs);
    this.#budget = new SpinBudget(0);
  }

  now(): number {
    return performance.now() - this.#t0;
  }

  /** Sends the plan, waits for the tail, and says when each part ended. `signal` stops it early. */
  async run(signal?: AbortSignal): Promise<PacedStepTimes> {
    const finished = new Promise<void>((resolve) => (this.#finish = resolve));
    const abort = (): void => this.#stop();
    signal?.addEventListener('abort', abort, { once: true });
    if (signal?.aborted === true) this.#stop();
    else this.#tick();
    await finished;
    signal?.removeEventListener('abort', abort);
    const windowClosedMs = this.#windowClosedMs ?? this.now();
    return { windowClosedMs, endedMs: this.now(), cutOff: this.#cutOff, generator: this.#generator ?? startGeneratorMonitor().stop() };
  }

  settled(request: PacedRequest, failed: boolean): void {
    if (failed) this.#retry(request);
    this.#outstanding--;
    if (this.#windowClosedMs !== null) {
      if (this.#outstanding === 0) this.#end();
    } else if (!this.#pokeQueued) {
      this.#pokeQueued = true;
      queueMicrotask(this.#poke);
    }
  }

  /** The send loop: everything due now, then the next wake (or the window's end). */
  readonly #tick = (): void => {
    this.#timer = undefined;
    this.#immediate = undefined;
    if (!this.#sending) return;
    let now = this.now();
    if (this.#spinFromMs >= 0) {
      this.#budget.spent(now - this.#spinFromMs);
      this.#spinFromMs = -1;
    }
    const { times, windowStartMs, windowEndMs } = this.#plan;
    if (this.#monitor === null && now >= windowStartMs) this.#monitor = startGeneratorMonitor();
    this.#sendDue();
    now = this.now();
    if (this.#next >= times.length) {
      if (now >= windowEndMs) return this.#closeWindow();
      // Only the window's end is left: its precision matters little, so no spinning for it.
      this.#timer = setTimeout(this.#tick, Math.max(1, Math.ceil(windowEndMs - now)));
      return;
    }
    const wait = (times[this.#next] ?? 0) - now;
    if (wait <= 0) {
      this.#immediate = setImmediate(this.#tick);
      return;
    }
    const wake = nextWake(wait, this.#budget.allows(now));
    switch (wake.kind) {
      case 'timer':
        this.#timer = setTimeout(this.#tick, wake.delayMs);
        return;
      case 'immediate':
        this.#spinFromMs = now;
        this.#immediate = setImmediate(this.#tick);
        return;
    }
  };

  /** An answer came in during the window: send whatever came due meanwhile. */
  readonly #poke = (): void => {
    this.#pokeQueued = false;
    if (this.#sending) this.#sendDue();
  };

  /** Dispatches every arrival whose planned time has come, re-reading the clock as it goes. */
  #sendDue(): void {
    const { times, windowStartMs, windowEndMs } = this.#plan;
    while (this.#next < times.length) {
      const planned = times[this.#next] ?? Infinity;
      const now = this.now();
      if (planned > now) return;
      this.#next++;
      this.#retryBudget.firstAttempt();
      this.#dispatch(new PacedRequest(this, planned, planned >= windowStartMs && planned < windowEndMs), now);
    }
  }

  #dispatch(handler: PacedRequest, now: number): void {
    // Counted before dispatch: undici may fail the request synchronously (onResponseError).
    this.#outstanding++;
    this.tally.onDispatch(handler, now);
    if (this.#plan.retry !== undefined) handler.giveUpAfter(this.#plan.retry.giveUpMs);
    // `false` only means the request waits for a connection (connection-pool.ts): it is sent all the same, and
    // its wait for a connection shows in its send lag.
    this.#dispatcher.dispatch(this.#plan.request, handler);
  }

  /**
   * A failed request's client tries again after its backoff, while the window is open, while it
   * has attempts left and the budget allows. The retry is a request of its own (sent, answered,
   * counted like any other), planned at the moment it goes.
   */
  #retry(request: PacedRequest): void {
    const retry = this.#plan.retry;
    if (retry === undefined || this.#windowClosedMs !== null || request.attempt >= retry.policy.attempts || !this.#retryBudget.tryRetry()) return;
    this.#outstanding++;
    const timer = setTimeout(() => {
      this.#retryTimers.delete(timer);
      this.#outstanding--;
      const now = this.now();
      this.#dispatch(new PacedRequest(this, now, request.judged, request.attempt + 1), now);
    }, backoffMs(retry.policy, request.attempt, retry.random));
    this.#retryTimers.add(timer);
  }

  #closeWindow(): void {
    if (this.#windowClosedMs !== null) return;
    this.#sending = false;
    clearTimeout(this.#timer);
    if (this.#immediate !== undefined) clearImmediate(this.#immediate);
    this.#windowClosedMs = this.now();
    // Clients stop with the window: a retry still waiting for its backoff is not sent.
    for (const timer of this.#retryTimers) clearTimeout(timer);
    this.#outstanding -= this.#retryTimers.size;
    this.#retryTimers.clear();
    this.tally.closeWindow();
    this.#generator = (this.#monitor ?? startGeneratorMonitor()).stop();
    if (this.#outstanding === 0) return this.#end();
    this.#tailTimer = setTimeout(() => this.#stop(), this.#plan.tailLimitMs);
  }

  /** Aborted, or the tail's limit: close the window if open, stop counting, end now. */
  #stop(): void {
    this.#closeWindow();
    if (this.#finish === null) return;
    if (this.#outstanding > 0) {
      this.#cutOff = true;
      this.tally.cutOff();
    }
    this.#end();
  }

  #end(): void {
    clearTimeout(this.#tailTimer);
    const finish = this.#finish;
    this.#finish = null;
    finish?.();
  }
}
