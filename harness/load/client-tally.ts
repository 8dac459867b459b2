/**
 * Per-connection accounting for the closed-loop driver, fed by autocannon's client events.
 * autocannon counts socket errors as one number, counts a connection closed with no response
 * nowhere, and matches latencies to stale start times after a reset (DESIGN.md §3). With one
 * request in flight per connection (pipelining 1) each client's story is simple enough to keep
 * ourselves, exactly: this class is that bookkeeping, free of sockets so it can be unit-tested.
 */
import { CAUSE_HEADER } from '../../fixtures/gateway/causes.ts';
import { UPSTREAM_ANSWER_HEADER } from '../../fixtures/upstream/answer-mark.ts';
import { answerOrigin, type AnswerOrigin, type OutcomeObserver, type StepObservation } from './driver.ts';

/** Sink for latencies, in ms (a `LatencyRecorder` in production). */
export interface LatencySink {
  record(ms: number): void;
}

/** What every connection of a step added up to: the client's half of a `StepObservation`. */
export type TallyTotals = Pick<StepObservation, 'sent' | 'completed' | 'errored' | 'lost' | 'unfinished' | 'status' | 'gatewayGenerated' | 'upstreamAnswered' | 'errors' | 'window'>;

/** Zero counts of every outcome a step tallies as it goes (`unfinished` and `window` come at the end). */
export function emptyTotals(): Omit<TallyTotals, 'unfinished' | 'window'> {
  return { sent: 0, completed: 0, errored: 0, lost: 0, status: {}, gatewayGenerated: {}, upstreamAnswered: {}, errors: {} };
}

/** The state of one connection: at most one request in flight. */
interface ConnectionState {
  /** performance.now() when the in-flight request was written, or null when none is. */
  sentAt: number | null;
  /** Who the headers of the response being read say wrote it. */
  origin: AnswerOrigin;
  /** The last request was superseded with no answer (counted as lost), possibly by a timeout. */
  lostJustNow: boolean;
  /** The driver stopped waiting for this connection; its `done` must not count a loss. */
  cutOff: boolean;
}

/**
 * Tallies requests, responses, errors and losses over every connection of one step.
 * Call the `on*` methods from the matching autocannon client events, in their order.
 */
export class ClientTally {
  private readonly connections: ConnectionState[] = [];
  /** Responses counted when the window closed, or null while it is open. */
  private window: TallyTotals['window'] | null = null;
  private ok = 0;
  private readonly totals = emptyTotals();

  constructor(
    private readonly latency: { ok: LatencySink; failed: LatencySink },
    private readonly now: () => number,
    private readonly outcomes?: OutcomeObserver,
  ) {}

  /** Registers a connection; returns its index for the other calls. */
  addConnection(): number {
    this.connections.push({ sentAt: null, origin: 'unmarked', lostJustNow: false, cutOff: false });
    return this.connections.length - 1;
  }

  /** The client wrote a request. If one was still in flight, its connection ended unanswered. */
  onRequest(connection: number): void {
    const state = this.state(connection);
    // autocannon reconnects and writes the next request when a socket ends (FIN) or errors; an
    // error was already settled by onError, so a request still in flight here got no answer.
    state.lostJustNow = state.sentAt !== null;
    if (state.lostJustNow) this.#lose();
    state.sentAt = this.now();
    state.origin = 'unmarked';
    this.totals.sent++;
    this.outcomes?.sent();
  }

  /** Response headers arrived; `rawHeaders` is the parser's flat [name, value, …] list. */
  onHeaders(connection: number, rawHeaders: readonly string[] | undefined): void {
    const state = this.state(connection);
    state.origin = 'unmarked';
    if (!rawHeaders) return;
    let cause = false;
    let upstream = false;
    for (let i = 0; i < rawHeaders.length; i += 2) {
      const name = rawHeaders[i]?.toLowerCase();
      if (name === CAUSE_HEADER) cause = true;
      else if (name === UPSTREAM_ANSWER_HEADER) upstream = true;
    }
    state.origin = answerOrigin(cause, upstream);
  }

  /** A whole response arrived. Latency comes from our own clock, not autocannon's. */
  onResponse(connection: number, statusCode: number): void {
    const state = this.state(connection);
    const key = String(statusCode);
    const origin = state.origin;
    this.totals.completed++;
    if (statusCode >= 200 && statusCode < 300) this.ok++;
    this.totals.status[key] = (this.totals.status[key] ?? 0) + 1;
    if (origin === 'gateway') this.totals.gatewayGenerated[key] = (this.totals.gatewayGenerated[key] ?? 0) + 1;
    if (origin === 'upstream') this.totals.upstreamAnswered[key] = (this.totals.upstreamAnswered[key] ?? 0) + 1;
    if (state.sentAt !== null) {
      const ms = this.now() - state.sentAt;
      (statusCode >= 200 && statusCode < 300 ? this.latency.ok : this.latency.failed).record(ms);
    }
    state.sentAt = null;
    state.origin = 'unmarked';
    state.lostJustNow = false;
    this.outcomes?.answered(statusCode, origin);
  }

  /** A socket error (reset, refused, broken pipe) ended the request in flight. */
  onError(connection: number, code: string): void {
    const state = this.state(connection);
    this.totals.errored++;
    this.totals.errors[code] = (this.totals.errors[code] ?? 0) + 1;
    state.sentAt = null;
    state.origin = 'unmarked';
    this.outcomes?.failed(code);
  }

  /**
   * autocannon's client timeout fired. It reconnects and writes the next request *before*
   * emitting `timeout` (autocannon lib/httpClient.js handleTimeout), so the request it abandons
   * was just counted as lost: move it to the errors as a timeout.
   */
  onTimeout(connection: number): void {
    const state = this.state(connection);
    if (state.lostJustNow) {
      this.totals.lost--;
      state.lostJustNow = false;
      this.outcomes?.retract('lost');
    }
    this.totals.errored++;
    this.totals.errors.ETIMEDOUT = (this.totals.errors.ETIMEDOUT ?? 0) + 1;
    this.outcomes?.failed('ETIMEDOUT');
  }

  /**
   * The client stopped for good. After the step's window autocannon's client destroys itself at
   * its next request (the one it would write after a response, or after reconnecting when its
   * socket ended, errored or timed out): a request still in flight then got no answer and is
   * lost, and a timeout that follows moves it to the errors ({@link onTimeout}).
   * Connections the driver cuts off at the end of the tail call {@link onCutOff} instead.
   */
  onDone(connection: number): void {
    const state = this.state(connection);
    if (state.cutOff) return;
    state.lostJustNow = state.sentAt !== null;
    if (state.lostJustNow) this.#lose();
    state.sentAt = null;
  }

  /** A request got no answer: its connection ended, or the client stopped. */
  #lose(): void {
    this.totals.lost++;
    this.outcomes?.failed('lost');
  }

  /** The driver gave up waiting for this connection's answer: its request stays `unfinished`. */
  onCutOff(connection: number): void {
    this.state(connection).cutOff = true;
  }

  /** The sending window ended: responses from now on belong to the tail. */
  closeWindow(): void {
    this.window ??= { completed: this.totals.completed, ok: this.ok };
  }

  /** Totals so far; requests still in flight count as `unfinished`, not as lost. */
  result(): TallyTotals {
    const unfinished = this.connections.filter((state) => state.sentAt !== null).length;
    return {
      ...this.totals,
      status: { ...this.totals.status },
      gatewayGenerated: { ...this.totals.gatewayGenerated },
      errors: { ...this.totals.errors },
      unfinished,
      window: this.window ?? { completed: this.totals.completed, ok: this.ok },
    };
  }

  private state(connection: number): ConnectionState {
    const state = this.connections[connection];
    if (!state) throw new Error(`ClientTally: unknown connection ${connection}`);
    return state;
  }
}
