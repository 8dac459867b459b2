/**
 * One arrival of the open-loop driver: undici's dispatch handler for its request (undici 7's
 * `Dispatcher.DispatchHandler`, as fixtures/gateway/attempt.ts uses it). A small object per
 * request and no closures: at 5,000 req/s the hot path is this class and a few counter updates.
 *
 *   dispatch ──► (undici's queue, while every connection is busy) ──► onRequestStart ──► onResponseStart ──► onResponseEnd
 *   handed over                                                       written: the send   status, cause     answered
 *                                                                     (lag = now − planned)                  or onResponseError: code
 */
import type { Dispatcher } from 'undici';
import type { IncomingHttpHeaders } from 'undici/types/header.js';
import { CAUSE_HEADER } from '../../fixtures/gateway/causes.ts';
import { UPSTREAM_ANSWER_HEADER } from '../../fixtures/upstream/answer-mark.ts';
import type { ArrivalRef, ArrivalTally } from './arrival-tally.ts';
import { answerOrigin, type AnswerOrigin } from './driver.ts';

/** What a request reports to, and reads the time from. */
export interface PacedOwner {
  readonly tally: ArrivalTally;
  /** ms since the start of the step (the plan's origin). */
  now(): number;
  /**
   * The request settled (answered, `failed` with a 5xx, or failed outright): the owner may retry
   * it, end its tail, or send what is due.
   */
  settled(request: PacedRequest, failed: boolean): void;
}

/** The error a client's own give-up timer aborts its request with (`load.retry.timeoutMs`). */
function clientGaveUp(): NodeJS.ErrnoException {
  return Object.assign(new Error('the client stopped waiting for an answer (load.retry.timeoutMs)'), { code: 'ETIMEDOUT' });
}

/** The handler of one planned arrival. */
export class PacedRequest implements Dispatcher.DispatchHandler, ArrivalRef {
  /** When undici last started writing the request (ms in the step), or −1 before it has. */
  #writtenMs = -1;
  #status = 0;
  #origin: AnswerOrigin = 'unmarked';
  #controller: Dispatcher.DispatchController | null = null;
  #giveUp: NodeJS.Timeout | undefined = undefined;
  #gaveUp = false;

  /** `attempt`: 1 for a planned arrival, 2 and on for a client's retries of it. */
  constructor(
    private readonly owner: PacedOwner,
    readonly plannedMs: number,
    readonly judged: boolean,
    readonly attempt = 1,
  ) {}

  /**
   * The client gives up after `ms` (from the dispatch, as a user waits from the click): the request
   * is aborted then, or at once when undici starts it later (it may wait for a free connection).
   */
  giveUpAfter(ms: number): void {
    this.#giveUp = setTimeout(() => {
      this.#gaveUp = true;
      this.#controller?.abort(clientGaveUp());
    }, ms);
  }

  /**
   * undici calls this synchronously just before it writes the request on a connection
   * (client-h1.js `writeH1`): the actual send. A request waiting for a free connection is not
   * written yet, so that wait counts in its send lag.
   */
  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    if (this.#gaveUp) {
      controller.abort(clientGaveUp());
      return;
    }
    const now = this.owner.now();
    const first = this.#writtenMs < 0;
    this.#writtenMs = now;
    this.owner.tally.onWrite(this, now, first);
  }

  onResponseStart(_controller: Dispatcher.DispatchController, statusCode: number, headers: IncomingHttpHeaders): void {
    // 1xx informational responses are undici's business; the final status comes next.
    if (statusCode < 200) return;
    this.#status = statusCode;
    // undici hands the headers over with lower-case names.
    this.#origin = answerOrigin(headers[CAUSE_HEADER] !== undefined, headers[UPSTREAM_ANSWER_HEADER] !== undefined);
  }

  onResponseData(): void {
    // The body is read and dropped: only its end matters.
  }

  onResponseEnd(): void {
    clearTimeout(this.#giveUp);
    this.owner.tally.onAnswer(this, this.#writtenMs, this.owner.now(), this.#status, this.#origin);
    this.owner.settled(this, this.#status >= 500);
  }

  onResponseError(_controller: Dispatcher.DispatchController, error: Error): void {
    clearTimeout(this.#giveUp);
    this.owner.tally.onError(this, errorCode(error), this.#writtenMs >= 0);
    this.owner.settled(this, true);
  }
}

/**
 * The code a failure is counted under: undici's own (`UND_ERR_SOCKET` for a connection closed
 * before the response, `UND_ERR_HEADERS_TIMEOUT`, …) or the socket's (`ECONNRESET`,
 * `ECONNREFUSED`, …), else the error's name.
 */
export function errorCode(error: Error): string {
  const code = (error as NodeJS.ErrnoException).code;
  return typeof code === 'string' && code !== '' ? code : error.name || 'UNKNOWN';
}
