/**
 * Live progress for `overload run`, fed only by the runner's typed events (STYLE.md, example 2;
 * autocannon's progressTracker). On a terminal: a cli-progress bar (steps done of the planned
 * upper bound, the load being offered, the last step's failure ratio) with each finished step
 * logged above it. Anywhere else (CI logs, a pipe): one plain line per event worth keeping, so
 * the log reads top to bottom with no control codes.
 */
import { MultiBar, type SingleBar } from 'cli-progress';
import { formatLoad, formatPercent } from '../format.ts';
import { renderStepLine } from '../report/render/text.ts';
import { describeTargetTls } from '../report/render/shared.ts';
import type { Report } from '../report/schema.ts';
import type { RunEvent, RunEventListener } from '../runner/events.ts';

/**
 * Where the events come from: anything with `on(listener)` that returns its unsubscribe function
 * (the CLI's `RunEvents`). One typed listener for the whole `RunEvent` union keeps the switch
 * below exhaustive, which an EventEmitter's string-keyed events would not.
 */
export interface RunEventSource {
  on(listener: RunEventListener): () => void;
}

/** The stream progress goes to (stderr): a bar when `isTTY` is true, lines otherwise. */
export type ProgressStream = NodeJS.WritableStream & { isTTY?: boolean; columns?: number };

type TrialStart = Extract<RunEvent, { type: 'trial-start' }>;

/**
 * What a view does with the events: {@link handler} turns each event into these calls, so the one
 * switch over `RunEvent` is shared and a view only says how it shows things.
 */
interface View {
  /** A line to keep in the log: setup, a finished step, a notice. */
  print(line: string): void;
  trialStarted(event: TrialStart): void;
  /** `offered` is the load with its unit, e.g. `24 connections`. */
  stepStarted(offered: string): void;
  /** `failure` is the finished step's failure ratio, e.g. `72.2 %`. */
  stepEnded(failure: string): void;
  close(): void;
}

/**
 * Shows the run's progress on `stream` until the returned function is called; that function
 * unsubscribes and stops the bar (leaving its last state on screen), and is safe to call twice.
 * Call it in a `finally`, before printing the summary.
 */
export function attachProgress(source: RunEventSource, stream: ProgressStream): () => void {
  const view = stream.isTTY === true ? barView(stream) : lineView(stream);
  const off = source.on(handler(view));
  let attached = true;
  return () => {
    if (!attached) return;
    attached = false;
    off();
    view.close();
  };
}

/** The one switch over the events, feeding `view`; it remembers the unit the last step-start announced. */
function handler(view: View): RunEventListener {
  let unit: Report['unit'] = 'connections';
  return (event) => {
    switch (event.type) {
      case 'fixtures-ready':
        view.print(`fixtures ready: gateway ${event.gatewayUrl}, upstream ${event.upstreamUrl}`);
        break;
      case 'target-ready':
        view.print(`target ${event.url}: every connection goes to ${event.pinnedAddress} (authorized: ${event.authorizedBy})`);
        if (event.tls !== undefined) view.print(`tls: ${describeTargetTls(event.tls)}`);
        break;
      case 'trial-start':
        view.trialStarted(event);
        break;
      case 'step-start':
        unit = event.unit;
        view.stepStarted(formatLoad(event.offered, event.unit));
        break;
      case 'step-end':
        view.print(renderStepLine(event.step, unit));
        view.stepEnded(formatPercent(event.step.failureRatio));
        break;
      case 'report-written':
        break;
      case 'notice':
        view.print(`notice: ${event.message}`);
        break;
    }
  };
}

/** Lines for logs: what was set up, each trial when there are several, each finished step, and notices. */
function lineView(stream: ProgressStream): View {
  const print = (line: string): void => void stream.write(`${line}\n`);
  return {
    print,
    trialStarted(event) {
      if (event.trials > 1) print(`trial ${event.trial + 1} of ${event.trials}`);
    },
    stepStarted() {
      // The line for a step is printed when it ends, with its outcome.
    },
    stepEnded() {
      // Printed already: the step's line.
    },
    close() {
      // Nothing is held open: every line was written whole.
    },
  };
}

/** The terminal view: one bar per trial, with step lines and notices logged above it. */
function barView(stream: ProgressStream): View {
  let bars: MultiBar | null = null;
  let bar: SingleBar | null = null;
  const stop = (): void => {
    // stop() alone drops lines still waiting in MultiBar's log buffer; a last update() flushes them.
    bars?.update();
    bars?.stop();
    bars = null;
    bar = null;
  };
  return {
    print(line) {
      // MultiBar.log() only flushes on a redraw, so before a bar exists lines go straight out.
      if (bars === null) stream.write(`${line}\n`);
      else bars.log(`${line}\n`);
    },
    trialStarted(event) {
      stop();
      bars = new MultiBar({
        stream,
        format: '{trial}{bar} {value}/{total} steps (at most) | {offered} | last step {failure} failing',
        barsize: 24,
        hideCursor: false,
        // The CLI owns SIGINT/SIGTERM (partial report, exit 130/143); the bar must not listen too.
        gracefulExit: false,
        clearOnComplete: false,
      });
      const trial = event.trials > 1 ? `trial ${event.trial + 1}/${event.trials} ` : '';
      bar = bars.create(event.plannedSteps, 0, { trial, offered: 'starting', failure: '-' });
    },
    stepStarted(offered) {
      bar?.update({ offered });
    },
    stepEnded(failure) {
      bar?.increment(1, { failure });
    },
    close: stop,
  };
}
