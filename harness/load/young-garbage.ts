/**
 * Turns off V8's allocation-site pretenuring in the process that generates load, once, before its
 * first step (both drivers call {@link keepRequestGarbageYoung} when they are made).
 *
 * Why: V8 tenures an allocation site (its objects are then allocated straight into the old
 * generation) when many of its objects survive a scavenge (V8 src/heap/pretenuring-handler.cc).
 * A load generator's per-request objects live for one round trip, but at tens of thousands of
 * requests per second a scavenge finds the ones in flight alive, and autocannon's parser sites
 * (http-parser-js HEADER, RESPONSE_LINE, BODY_SIZED, its `_doRequest`) were tenured: sampled with
 * the inspector's heap profiler (`includeObjectsCollectedByMajorGC`), ~90 MB of them in 14 s were
 * freed only by mark-compacts, and the harness's RSS climbed ~7 MB/s through each 10 s step, to a
 * peak of 297 MiB over a 9-step closed ramp behind nginx. With pretenuring off, the same run held
 * 188–193 MiB throughout and peaked at 202 MiB (report and chart included), and the closed
 * driver's throughput ratio to the autocannon CLI was unchanged (0.966 and 0.970 against 0.976
 * and 0.961, `npm run bench -- closed-overhead`).
 *
 * The flag is read by V8 at each garbage collection and allocation-site check, so it takes effect
 * when set at run time (measured: the RSS series above); heap sizes, by contrast, are fixed when
 * the isolate starts and could only be set on node's command line.
 */
import v8 from 'node:v8';

let applied = false;

/** Stops V8 from tenuring allocation sites in this process (idempotent). */
export function keepRequestGarbageYoung(): void {
  if (applied) return;
  applied = true;
  v8.setFlagsFromString('--no-allocation-site-pretenuring');
}
