/**
 * Live progress for `overload run`, fed only by the runner's typed events (STYLE.md, example 2;
 * autocannon's progressTracker). On a terminal: a cli-progress bar (steps done of the planned
 * upper bound, the load being offered, the last step's failure ratio) with each finished step
 * logged above it. Anywhere else (CI logs, a pipe): one plain line per event worth keeping, so
 * the log reads top to bottom with no control codes.
 */
import { MultiBar, type SingleBar } from 'cli-progress';
import { formatOffered, formatPercent } from '../report/render/format.ts';
import { renderStepLine } from '../report/render/text.ts';
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

interface View {
  handle(event: RunEvent): void;
  close(): void;
}

/**
 * Shows the run's progress on `stream` until the returned function is called; that function
 * unsubscribes and stops the bar (leaving its last state on screen), and is safe to call twice.
 * Call it in a `finally`, before printing the summary.
 */
export function attachProgress(source: RunEventSource, stream: ProgressStream): () => void {
  const view = stream.isTTY === true ? barView(stream) : lineView(stream);
  const off = source.on((event) => view.handle(event));
  let attached = true;
  return () => {
    if (!attached) return;
    attached = false;
    off();
    view.close();
  };
}

/** Lines for logs: what was set up, each finished step (via renderStepLine), and notices. */
function lineView(stream: ProgressStream): View {
  let unit: Report['unit'] = 'connections';
  const print = (line: string): void => void stream.write(`${line}\n`);
  return {
    handle(event) {
      switch (event.type) {
        case 'fixtures-ready':
          print(`fixtures ready: gateway ${event.gatewayUrl}, upstream ${event.upstreamUrl}`);
          break;
        case 'trial-start':
          if (event.trials > 1) print(`trial ${event.trial + 1} of ${event.trials}`);
          break;
        case 'step-start':
          unit = event.unit;
          break;
        case 'step-end':
          print(renderStepLine(event.step, unit));
          break;
        case 'report-written':
          break;
        case 'notice':
          print(`notice: ${event.message}`);
          break;
      }
    },
    close() {
      // Nothing is held open: every line was written whole.
    },
  };
}

/** The terminal view: one bar per trial, with step lines and notices logged above it. */
function barView(stream: ProgressStream): View {
  let unit: Report['unit'] = 'connections';
  let bars: MultiBar | null = null;
  let bar: SingleBar | null = null;
  // MultiBar.log() only flushes on a redraw, so before a bar exists lines go straight out.
  const print = (line: string): void => {
    if (bars === null) stream.write(`${line}\n`);
    else bars.log(`${line}\n`);
  };
  const stop = (): void => {
    // stop() alone drops lines still waiting in MultiBar's log buffer; a last update() flushes them.
    bars?.update();
    bars?.stop();
    bars = null;
    bar = null;
  };
  return {
    handle(event) {
      switch (event.type) {
        case 'fixtures-ready':
          print(`fixtures ready: gateway ${event.gatewayUrl}, upstream ${event.upstreamUrl}`);
          break;
        case 'trial-start': {
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
          break;
        }
        case 'step-start':
          unit = event.unit;
          bar?.update({ offered: formatOffered(event.offered, event.unit) });
          break;
        case 'step-end':
          print(renderStepLine(event.step, unit));
          bar?.increment(1, { failure: formatPercent(event.step.failureRatio) });
          break;
        case 'report-written':
          break;
        case 'notice':
          print(`notice: ${event.message}`);
          break;
      }
    },
    close: stop,
  };
}
