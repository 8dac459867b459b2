/**
 * `--ca FILE` and the certificate check of an https `--target`, before any load: the file must be
 * a PEM certificate and the target must speak https, or the flag means nothing and says so.
 */
import { X509Certificate } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { OverloadError } from '../errors.ts';
import type { PinnedTarget } from '../safety/target-guard.ts';
import { checkTargetTls, type TlsTrust } from '../safety/tls-check.ts';

/**
 * The target with its TLS checked (`tls` set) when it is https; as it was otherwise.
 * @throws OverloadError `USAGE` for a `--ca` without an https target or a file that is no PEM
 *   certificate; `TARGET_REFUSED` / `TARGET_DOWN` from the handshake (tls-check.ts).
 */
export async function checkTargetTrust(caFile: string | undefined, target: PinnedTarget | undefined): Promise<PinnedTarget | undefined> {
  const https = target !== undefined && new URL(target.url).protocol === 'https:';
  if (caFile !== undefined && !https) {
    throw new OverloadError('USAGE', `--ca ${caFile} trusts a CA for an https --target, and ${target === undefined ? 'none was given' : `${target.url} is plain HTTP`}`, {
      hint: 'drop --ca, or write the target as https://HOST:PORT/',
    });
  }
  if (!https) return target;
  const trust = caFile === undefined ? {} : await readTrust(caFile);
  return { ...target, tls: { trust, peer: await checkTargetTls(target, trust) } };
}

async function readTrust(caFile: string): Promise<TlsTrust> {
  let pem: string;
  try {
    pem = await readFile(caFile, 'utf8');
  } catch (error) {
    throw new OverloadError('USAGE', `--ca ${caFile}: cannot read it (${(error as NodeJS.ErrnoException).code ?? String(error)})`, { hint: 'pass the PEM file of the CA that signed your service’s certificate' });
  }
  try {
    new X509Certificate(pem); // throws on anything but a certificate (a key, DER, an empty file)
  } catch (error) {
    throw new OverloadError('USAGE', `--ca ${caFile}: not a PEM certificate (${error instanceof Error ? error.message : String(error)})`, {
      hint: 'pass the certificate (-----BEGIN CERTIFICATE-----), not its key; convert DER with: openssl x509 -inform der -in FILE -out FILE.pem',
    });
  }
  return { ca: pem, caFile };
}
