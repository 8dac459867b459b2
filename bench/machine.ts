/**
 * The machine and tools a benchmark run measured with, for bench/results.json and the README:
 * figures mean little without them. Each tool's version as it prints it, or null when absent.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineFacts {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  kernel: string;
  node: string;
  tools: Record<string, string | null>;
}

/** Reads the machine and the versions of the tools the benchmarks compare with. */
export function machineFacts(): MachineFacts {
  return {
    cpuModel: os.cpus()[0]?.model ?? 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: `${os.type()} ${os.release()}`,
    node: process.version,
    tools: {
      autocannon: packageVersion('autocannon'),
      undici: packageVersion('undici'),
      wrk: firstLine('wrk', ['--version'], /^wrk (\S+)/),
      nginx: firstLine('nginx', ['-v'], /nginx\/(\S+)/),
    },
  };
}

function packageVersion(name: string): string | null {
  try {
    const url = new URL(`../node_modules/${name}/package.json`, import.meta.url);
    return (JSON.parse(readFileSync(url, 'utf8')) as { version?: string }).version ?? null;
  } catch {
    return null;
  }
}

/** The version a tool prints (to stdout or stderr: wrk and nginx use both), or null when it is not installed. */
function firstLine(command: string, args: string[], pattern: RegExp): string | null {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 5000 });
  if (result.error !== undefined) return null;
  return pattern.exec(`${result.stdout}\n${result.stderr}`)?.[1] ?? null;
}
