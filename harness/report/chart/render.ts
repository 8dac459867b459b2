/**
 * Turns a chart spec into SVG text, headless: Vega-Lite compiles it to Vega, a Vega View with
 * renderer 'none' (no canvas, no DOM) runs the dataflow, and `toSVG` serializes the scene.
 * Nothing here reads or requests anything: the data is inline in the spec (`chart/spec.ts`).
 */
import type { Loader } from 'vega';
import { logger, None, parse, resetSVGDefIds, View } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { compile } from 'vega-lite';

/**
 * Renders `spec` to an SVG document (starting `<svg`, no trailing newline), the same bytes for
 * the same spec.
 * @throws Error when the spec does not compile or its dataflow fails; a message about an unknown
 *   URL would mean a spec asked for external data, which `chart/spec.ts` never does.
 */
export async function renderChartSvg(spec: TopLevelSpec): Promise<string> {
  // Vega numbers the SVG's clip paths and gradients with a process-wide counter; without a reset
  // a second render of the same report would give other ids (clip1 → clip4) and other bytes.
  resetSVGDefIds();
  // Compile warnings (e.g. a scale property Vega-Lite drops) go nowhere: renderers print nothing.
  const vega = compile(spec, { logger: logger(None) }).spec;
  // A loader that refuses every request: the spec's data is inline, and nothing may leave the machine.
  const view = new View(parse(vega), { renderer: 'none', loader: noNetwork, logLevel: 0 });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Refuses every load: the spec's data is inline, and a chart must never fetch anything. */
function refuse(uri: string): Promise<never> {
  return Promise.reject(new Error(`The chart asked to load ${uri}; its data must be inline in the spec (chart/spec.ts).`));
}

const noNetwork: Loader = { load: refuse, sanitize: refuse, http: refuse, file: refuse };
