/**
 * The one way a driver turns (base URL, path) into the URL it loads. Never `new URL(path, base)`:
 * a path that starts with `//` is scheme-relative there, so `//169.254.169.254/x` against a loopback
 * base would aim the load at another host (found in review: both drivers did so). The path is
 * appended to the base's origin instead, and the result must keep that origin, or the run stops.
 */
import { OverloadError } from '../errors.ts';
import { ExitCode } from '../exit-codes.ts';

/** `origin(base) + path`, checked to stay on the base's origin. */
export function requestUrl(base: string, path: string): URL {
  const origin = new URL(base).origin;
  const url = new URL(`${origin}${path.startsWith('/') ? '' : '/'}${path}`);
  // After origin + '/', nothing can name another host; checked anyway, as the last line of defence.
  if (url.origin !== origin) {
    throw new OverloadError('INTERNAL', `the request path ${JSON.stringify(path)} would leave ${origin} for ${url.origin}; no load was sent`, {
      exitCode: ExitCode.internal,
      hint: 'this is a bug in overload (a path that escaped validation); please report it with the path',
    });
  }
  return url;
}

/** Why a request path is refused, or null: a path must start with one `/` and hold no backslash. */
export function pathProblem(path: string): string | null {
  if (!path.startsWith('/')) return 'must start with /';
  if (path.startsWith('//')) return 'must not start with // (a URL parser reads //host/… as another host)';
  if (path.includes('\\')) return 'must not contain a backslash (URL parsers read it as /)';
  return null;
}
