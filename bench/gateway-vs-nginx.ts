/**
 * `gateway-vs-nginx`: the requests per second overload's Node gateway fixture (fixtures/gateway,
 * forked as in a run) answers, as a share of what nginx answers as overload's nginx gateway
 * (harness/gateways/nginx.ts, its template: one worker process), in front of the same upstream,
 * with `wrk` as the client of both (issue 8). Target: the median per-pair ratio ≥ 0.6.
 *
 * How: each side gets one {@link WARM_UP_S} s wrk run, then {@link PAIRS} pairs of
 * `wrk -t1 -c50 -d4s`, Node gateway then nginx (pairwise.ts `alternate`, so a neighbour's burst
 * hits both alike). Around each run the CPU of the gateway (nginx: its master and its workers,
 * the master's children), of the upstream and of wrk is read from /proc, giving each gateway's
 * CPU per request. Every answer must be a 2xx or 3xx: wrk counts the others ("Non-2xx or 3xx
 * responses") and its socket errors, and either makes that side's check a MISS.
 *
 * Fair by construction: the same upstream for both, the same `gateway` settings (DEFAULTS, with
 * `poolConnections` {@link POOL}: undici's Pool size for Node, nginx's `keepalive` idle cache;
 * above wrk's 50 connections, so neither queues nor closes upstream connections), one process
 * (one core) each. The upstream is `echo-server.ts` rather than the upstream fixture with
 * serviceMs 0: both gateways speak plain HTTP/1.1 to it and need none of the fixture's protocol,
 * and the cheapest upstream leaves the most of this 2-core machine to the gateways, so the
 * figure is the gateways' cost and not the upstream's (the fixture's admission, service clock
 * and marks would cap both sides alike and pull the ratio towards 1).
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { GatewayStats } from '../fixtures/common/protocol.ts';
import { DEFAULTS } from '../harness/config/defaults.ts';
import { formatCount, formatFixed, formatRate } from '../harness/format.ts';
import { findBinary } from '../harness/gateways/find-binary.ts';
import { startNginx } from '../harness/gateways/nginx.ts';
import type { ProcessGateway } from '../harness/gateways/process-gateway.ts';
import { forkGateway, type FixtureProcess } from '../harness/runner/fixtures.ts';
import { infoCheck, targetCheck, type Benchmark, type BenchContext, type Check } from './benchmark.ts';
import { forkEchoServer, type EchoServer } from './echo-child.ts';
import { alternate, type Paired } from './pairwise.ts';
import { cpuSince, formatCores, readCpu } from './proc-cpu.ts';
import { findWrk, runWrk, socketErrorCount, wrkMissingCheck } from './wrk.ts';

const PAIRS = 5;
const WRK = { threads: 1, connections: 50, durationS: 4 } as const;
/** Node's JIT needs more than wrk's usual 1 s: a first 1 s run reached an eighth of the later rate. */
const WARM_UP_S = 2;
/** Upstream connections on both sides; above wrk's connections (see the module comment). */
const POOL = 64;
/** Node req/s ÷ nginx req/s, median of the pairs (issue 8). */
const TARGET_RATIO = 0.6;
const RATIO_METRIC = 'Node gateway ÷ nginx req/s (median of pairs)';

/** One side of the comparison. */
interface Side {
  label: string;
  url: string;
  /** The gateway's processes now, whose CPU is its cost (nginx forks its workers after it listens). */
  pids(): number[];
}

/** One wrk run on one side (written to bench/results.json). */
interface SideRun {
  rps: number;
  requests: number;
  non2xx3xx: number;
  socketErrors: number;
  gatewayCpuMs: number | null;
  upstreamCpuMs: number | null;
  wrkCpuMs: number | null;
}

/** The `gateway-vs-nginx` benchmark (see the module comment). */
export const gatewayVsNginx: Benchmark = {
  name: 'gateway-vs-nginx',
  summary: `req/s of the Node gateway ÷ nginx's, same echo upstream, pool ${POOL}, wrk -t${WRK.threads} -c${WRK.connections} -d${WRK.durationS}s, ${PAIRS} alternating pairs`,
  budgetMs: 120_000,
  async run(context) {
    const wrk = await findWrk();
    if (wrk === null) return [wrkMissingCheck(RATIO_METRIC)];
    if ((await findBinary('nginx')) === null) {
      return [{ metric: RATIO_METRIC, measured: 'nginx is not installed (not on the PATH, nor in /usr/sbin)', target: 'apt-get install nginx-light', verdict: 'ERROR' }];
    }
    const upstream = await forkEchoServer();
    const dir = await mkdtemp(path.join(tmpdir(), 'overload-bench-nginx-'));
    let gateway: FixtureProcess<GatewayStats> | undefined;
    let nginx: ProcessGateway | undefined;
    try {
      const settings = { ...DEFAULTS.gateway, poolConnections: POOL };
      gateway = await forkGateway({ ...settings, upstreamUrl: upstream.url, upstreamKeepAliveTimeoutMs: upstream.keepAliveTimeoutMs });
      nginx = (await startNginx({ ...settings, kind: 'nginx' }, upstream.url, path.join(dir, 'error.log'))).process;
      const [nodePid, master] = [gateway.pid, nginx.pid];
      const node: Side = { label: 'Node gateway', url: gateway.url, pids: () => [nodePid] };
      const real: Side = { label: 'nginx', url: nginx.url, pids: () => [master, ...childPids(master)] };
      const measure = (side: Side, durationS: number, runs: SideRun[] | null): Promise<number> => wrkOn(side, upstream, wrk, durationS, runs, context);
      for (const side of [node, real]) if (!context.signal.aborted) await measure(side, WARM_UP_S, null);
      context.note(`nginx: master ${master}, workers ${childPids(master).join(', ') || 'none found'}`);
      const runs = { node: [] as SideRun[], nginx: [] as SideRun[] };
      let paired: Paired;
      try {
        paired = await alternate(PAIRS, () => measure(node, WRK.durationS, runs.node), () => measure(real, WRK.durationS, runs.nginx), context.signal);
      } catch (error) {
        if (!context.signal.aborted) throw error;
        return [{ metric: RATIO_METRIC, measured: 'no pair measured before the budget was spent', target: `≥ ${TARGET_RATIO}`, verdict: 'ERROR' }];
      }
      // A run cut short by the budget is no pair's: alternate() drops it, and so do the figures here.
      runs.node.splice(paired.a.length);
      runs.nginx.splice(paired.b.length);
      const pairs = paired.ratios.map((ratio, i) => ({ ratio, node: runs.node[i], nginx: runs.nginx[i] }));
      return [
        targetCheck(
          RATIO_METRIC,
          `${formatFixed(paired.medianRatio, 2)} (${paired.ratios.map((r) => formatFixed(r, 2)).join(', ')})`,
          `≥ ${TARGET_RATIO}`,
          paired.medianRatio >= TARGET_RATIO,
          { wrk: WRK, pool: POOL, pairs },
        ),
        infoCheck(`Node gateway req/s (median)`, formatRate(paired.medianA), cpuPerRequest(runs.node)),
        infoCheck(`nginx req/s (median)`, formatRate(paired.medianB), cpuPerRequest(runs.nginx)),
        answersCheck(node.label, runs.node),
        answersCheck(real.label, runs.nginx),
      ];
    } finally {
      await nginx?.stop();
      await gateway?.stop();
      await upstream.stop();
      await rm(dir, { recursive: true, force: true });
    }
  },
};

/** One wrk run against `side`, with the CPU of the side, the upstream and wrk; its req/s. */
async function wrkOn(side: Side, upstream: EchoServer, binary: string, durationS: number, runs: SideRun[] | null, context: BenchContext): Promise<number> {
  const pids = side.pids();
  const before = readCpu([...pids, upstream.pid]);
  const run = await runWrk({ binary, url: side.url, threads: WRK.threads, connections: WRK.connections, durationS, signal: context.signal });
  const used = cpuSince(before);
  const gatewayCpuMs = pids.reduce<number | null>((sum, pid) => {
    const ms = used.processes.get(pid) ?? null;
    return sum === null || ms === null ? null : sum + ms;
  }, 0);
  const upstreamCpuMs = used.processes.get(upstream.pid) ?? null;
  const sideRun: SideRun = {
    rps: run.requestsPerSec,
    requests: run.requests,
    non2xx3xx: run.non2xx3xx,
    socketErrors: socketErrorCount(run.socketErrors),
    gatewayCpuMs,
    upstreamCpuMs,
    wrkCpuMs: run.cpuMs,
  };
  runs?.push(sideRun);
  const parts = [
    { name: side.label, ms: gatewayCpuMs },
    { name: 'upstream', ms: upstreamCpuMs },
    { name: 'wrk', ms: run.cpuMs },
  ];
  const failures = sideRun.non2xx3xx + sideRun.socketErrors;
  context.note(
    `${runs === null ? 'warm-up ' : ''}${side.label}: ${formatCount(run.requests)} responses = ${formatRate(run.requestsPerSec)} req/s` +
      `${failures > 0 ? ` (${formatCount(sideRun.non2xx3xx)} non-2xx/3xx, ${formatCount(sideRun.socketErrors)} socket errors)` : ''}; ` +
      formatCores(parts, used.machineMs, run.durationS * 1000),
  );
  return run.requestsPerSec;
}

/** "34 µs (0.98 core)": the side's CPU per response over its measured runs. */
function cpuPerRequest(runs: readonly SideRun[]): string {
  const cpuMs = runs.reduce<number | null>((sum, r) => (sum === null || r.gatewayCpuMs === null ? null : sum + r.gatewayCpuMs), 0);
  const requests = runs.reduce((sum, r) => sum + r.requests, 0);
  if (cpuMs === null || requests === 0) return 'CPU per request n/a';
  return `CPU ${formatFixed((cpuMs * 1000) / requests, 1)} µs per request (${formatFixed(cpuMs / (runs.length * WRK.durationS * 1000), 2)} core)`;
}

/** MISS when any answer of the side's runs was not a 2xx/3xx, or a socket failed. */
function answersCheck(label: string, runs: readonly SideRun[]): Check {
  const requests = runs.reduce((sum, r) => sum + r.requests, 0);
  const non2xx = runs.reduce((sum, r) => sum + r.non2xx3xx, 0);
  const errors = runs.reduce((sum, r) => sum + r.socketErrors, 0);
  return targetCheck(
    `${label}: answers not 2xx/3xx, socket errors`,
    `${formatCount(non2xx)}, ${formatCount(errors)} of ${formatCount(requests)}`,
    '0, 0',
    non2xx === 0 && errors === 0 && requests > 0,
  );
}

/** The pids whose parent is `pid` (/proc/<pid>/stat field 4, proc(5)): nginx's workers. */
function childPids(pid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      // Fields after the command name's ')': state, then ppid.
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      return ppid === pid ? [Number(name)] : [];
    } catch {
      return [];
    }
  });
}
