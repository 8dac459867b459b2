/** Runs the CLI's `main()` in this process with captured output, as the e2e tests of commands do. */
import { PassThrough } from 'node:stream';
import type { CliIO } from '../../harness/cli/io.ts';
import { main } from '../../harness/cli/main.ts';
import type { ExitCode } from '../../harness/exit-codes.ts';

/** The exit code and everything written to stdout and stderr. */
export async function runMain(argv: string[]): Promise<{ code: ExitCode; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const io: CliIO = { stdout, stderr, color: false, onSignal: () => () => undefined };
  const code = await main(argv, io);
  return { code, stdout: out, stderr: err };
}
