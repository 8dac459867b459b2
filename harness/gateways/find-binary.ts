/**
 * Where a gateway's binary is: on the PATH, or in the sbin folders Debian installs nginx and
 * HAProxy into (not on a normal user's PATH). Null when it is not installed.
 */
import { access, constants } from 'node:fs/promises';
import path from 'node:path';

const SBIN = ['/usr/sbin', '/sbin', '/usr/local/sbin'];

export async function findBinary(name: string, searchPath: string = process.env.PATH ?? ''): Promise<string | null> {
  const folders = [...searchPath.split(path.delimiter).filter((folder) => folder !== ''), ...SBIN];
  for (const folder of folders) {
    const candidate = path.join(folder, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; try the next folder.
    }
  }
  return null;
}
