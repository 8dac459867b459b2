/**
 * Buckets a timeline's outcomes by the time they happen (DESIGN.md §6 `timeline[]`): the driver's
 * tally tells each outcome as it comes ({@link OutcomeObserver}), the runner adds the gateway's
 * cause counters as they grow. Pure but for the injected clock, so it is tested exactly.
 */
import type { AnswerOrigin, OutcomeObserver } from '../load/driver.ts';
import type { TimelineBucket } from '../report/schema.ts';

export class TimelineRecorder implements OutcomeObserver {
  readonly #buckets: TimelineBucket[] = [];
  readonly #failureStatuses: ReadonlySet<number>;

  /**
   * `now()` is in ms from the start of the load; `failureStatuses` are the criterion's: a
   * gateway-generated answer with one of them is a failure, as in a step (stats/criterion.ts),
   * and so is an unmarked one when `countUnmarked` (a real nginx or HAProxy marks nothing).
   * With `durationMs`, what comes after the load's end (answers in the tail) counts in the last
   * bucket: a bucket of its own, mostly empty, would read as a collapse of the traffic.
   */
  constructor(
    readonly bucketMs: number,
    failureStatuses: readonly number[],
    private readonly now: () => number,
    private readonly durationMs: number = Number.POSITIVE_INFINITY,
    private readonly countUnmarked = false,
  ) {
    this.#failureStatuses = new Set(failureStatuses);
  }

  sent(): void {
    this.#bucket().sent++;
  }

  answered(status: number, origin: AnswerOrigin): void {
    const bucket = this.#bucket();
    const key = String(status);
    bucket.status[key] = (bucket.status[key] ?? 0) + 1;
    if (status >= 200 && status < 300) bucket.ok++;
    const gatewayFailed = origin === 'gateway' || (origin === 'unmarked' && this.countUnmarked);
    if (gatewayFailed && this.#failureStatuses.has(status)) this.#fail(bucket);
  }

  failed(code: string): void {
    const bucket = this.#bucket();
    bucket.errors[code] = (bucket.errors[code] ?? 0) + 1;
    this.#fail(bucket);
  }

  #fail(bucket: TimelineBucket): void {
    const at = Math.round(this.now());
    bucket.failures++;
    bucket.firstFailureAt ??= at;
    bucket.lastFailureAt = at;
  }

  /**
   * Takes back the latest `failed(code)`: from the current bucket, or the latest one that has it.
   * Its time stays in the bucket's failure span: the failure that replaces it comes at once.
   */
  retract(code: string): void {
    for (let index = this.#buckets.length - 1; index >= 0; index--) {
      const bucket = this.#buckets[index];
      const count = bucket?.errors[code] ?? 0;
      if (bucket === undefined || count === 0) continue;
      if (count === 1) delete bucket.errors[code];
      else bucket.errors[code] = count - 1;
      bucket.failures--;
      return;
    }
  }

  /** The gateway counted these failures since the previous call: they go to the current bucket. */
  addCauses(causes: Readonly<Record<string, number>>): void {
    const bucket = this.#bucket();
    for (const [cause, count] of Object.entries(causes)) bucket.causes[cause] = (bucket.causes[cause] ?? 0) + count;
  }

  /** Every bucket from the start to the latest one anything happened in (empty ones included). */
  buckets(): TimelineBucket[] {
    return this.#buckets.map((bucket) => ({ ...bucket, status: { ...bucket.status }, errors: { ...bucket.errors }, causes: { ...bucket.causes } }));
  }

  /** The bucket of now, with every bucket before it created. */
  #bucket(): TimelineBucket {
    const last = Math.max(0, Math.ceil(this.durationMs / this.bucketMs) - 1);
    const index = Math.min(last, Math.max(0, Math.floor(this.now() / this.bucketMs)));
    while (this.#buckets.length <= index) {
      this.#buckets.push({ t: this.#buckets.length * this.bucketMs, sent: 0, ok: 0, failures: 0, firstFailureAt: null, lastFailureAt: null, status: {}, errors: {}, causes: {} });
    }
    return this.#buckets[index]!;
  }
}
