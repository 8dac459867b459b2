import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import { attachProgress, type RunEventSource } from '../../harness/cli/progress.ts';
import { parseReport } from '../../harness/report/report-schema.ts';
import type { StepResult } from '../../harness/report/schema.ts';
import type { RunEvent, RunEventListener } from '../../harness/runner/events.ts';

const report = parseReport(JSON.parse(readFileSync(new URL('../fixtures/reports/closed-onset.json', import.meta.url), 'utf8')));

/** A stderr stand-in that keeps what was written; `isTTY` decides which view progress picks. */
class FakeStream extends Writable {
  readonly chunks: string[] = [];
  readonly columns = 120;
  constructor(readonly isTTY: boolean) {
    super();
  }
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.chunks.push(String(chunk));
    callback();
  }
  get text(): string {
    return this.chunks.join('');
  }
}

/** The smallest event source: what the runner would emit, delivered in order. */
function eventSource(): RunEventSource & { emit(event: RunEvent): void; listeners: number } {
  const listeners = new Set<RunEventListener>();
  return {
    on(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    emit(event) {
      for (const listener of listeners) listener(event);
    },
    get listeners() {
      return listeners.size;
    },
  };
}

function stepAt(index: number): StepResult {
  const step = report.steps.find((s) => s.index === index);
  assert.ok(step);
  return step;
}

/** The events of a run's first steps: fixtures, a trial, two steps with their report writes, a notice. */
function firstSteps(trial = 0, trials = 1): RunEvent[] {
  const events: RunEvent[] = [{ type: 'trial-start', trial, trials, plannedSteps: 30 }];
  for (const index of [5, 6]) {
    const step = stepAt(index);
    events.push(
      { type: 'step-start', trial, index, offered: step.offered, unit: 'connections', durationMs: 2000 },
      { type: 'step-end', trial, step },
      { type: 'report-written', report },
    );
  }
  return events;
}

describe('progress', () => {
  it('on a non-TTY stream prints one plain line per finished step, and notices, with no control codes', () => {
    const stream = new FakeStream(false);
    const source = eventSource();
    const detach = attachProgress(source, stream);
    source.emit({ type: 'fixtures-ready', gatewayUrl: 'http://127.0.0.1:40123', upstreamUrl: 'http://127.0.0.1:40124' });
    for (const event of firstSteps()) source.emit(event);
    source.emit({ type: 'notice', message: 'step 7 took 1,204 ms to drain' });
    detach();
    assert.equal(
      stream.text,
      [
        'fixtures ready: gateway http://127.0.0.1:40123, upstream http://127.0.0.1:40124',
        'step 6: 32 connections  sent 5,619  goodput 395/s  failure 85.9 %  upstream_reset ×4,801  ok p99 53.8 ms',
        'step 7: 24 connections  sent 2,862  goodput 394/s  failure 72.2 %  upstream_reset ×2,049  ok p99 53.5 ms',
        'notice: step 7 took 1,204 ms to drain',
        '',
      ].join('\n'),
    );
  });

  it('on a non-TTY stream names each trial when there are several', () => {
    const stream = new FakeStream(false);
    const source = eventSource();
    const detach = attachProgress(source, stream);
    for (const event of firstSteps(1, 3).slice(0, 3)) source.emit(event);
    detach();
    assert.equal(
      stream.text,
      'trial 2 of 3\nstep 6: 32 connections  sent 5,619  goodput 395/s  failure 85.9 %  upstream_reset ×4,801  ok p99 53.8 ms\n',
    );
  });

  it('prints a step in the unit its step-start announced (req/s in the open model)', () => {
    const stream = new FakeStream(false);
    const source = eventSource();
    const detach = attachProgress(source, stream);
    const step = { ...stepAt(0), offered: 400 };
    source.emit({ type: 'step-start', trial: 0, index: 0, offered: 400, unit: 'rps', durationMs: 2000 });
    source.emit({ type: 'step-end', trial: 0, step });
    detach();
    assert.equal(stream.text, 'step 1: 400 req/s  sent 189  goodput 94.0/s  failure 0 %  ok p99 11.2 ms\n');
  });

  it('after detach it unsubscribes and prints nothing more; detaching twice is harmless', () => {
    const stream = new FakeStream(false);
    const source = eventSource();
    const detach = attachProgress(source, stream);
    assert.equal(source.listeners, 1);
    detach();
    detach();
    assert.equal(source.listeners, 0);
    for (const event of firstSteps()) source.emit(event);
    assert.equal(stream.text, '');
  });

  it('on a TTY draws a bar: steps done of the planned bound, the offered load, the last failure ratio', () => {
    const stream = new FakeStream(true);
    const source = eventSource();
    const detach = attachProgress(source, stream);
    for (const event of firstSteps()) source.emit(event);
    detach();
    // stop() draws the bar's final state; earlier frames are throttled by cli-progress's timer.
    assert.ok(stream.text.includes('2/30 steps (at most) | 24 connections | last step 72.2 % failing'), stream.text);
    // Each finished step is logged above the bar, even the last one before detach.
    assert.ok(stream.text.includes('step 6: 32 connections  sent 5,619'), stream.text);
    assert.ok(stream.text.includes('step 7: 24 connections  sent 2,862'), stream.text);
    assert.equal(source.listeners, 0);
  });
});
