/**
 * Tests that need a tool from outside npm (Debian's chromium, wrk, nginx): under `CI=true` a
 * missing tool fails the test, because CI installs it and a silent skip would hide a broken
 * install; elsewhere the test is skipped with a message that says how to install the tool.
 */
import { accessSync, constants } from 'node:fs';

/** Whether `file` exists and is executable. */
export function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Call at the start of a test (or in `before`): returns when `file` is executable; otherwise fails
 * under CI and skips elsewhere, naming the install command.
 */
export function requireTool(context: Mocha.Context, file: string, install: string): void {
  if (isExecutable(file)) return;
  const message = `${file} is missing: install it with \`${install}\``;
  if (process.env.CI === 'true') throw new Error(`${message} (CI=true: a test whose tool is missing fails, it is never skipped)`);
  console.warn(`      skipped: ${message}`);
  context.skip();
}
