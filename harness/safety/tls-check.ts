/**
 * An https target's certificate, checked once before any load, on the address the guard pinned
 * and with the name the user wrote (target-guard.ts `serverName`). Once, because the closed-loop
 * driver cannot check it at all: autocannon passes `rejectUnauthorized: false` after the caller's
 * `tlsOptions` (lib/httpClient.js `_connect`), so a run could otherwise measure a stranger's
 * server that happens to answer on the pinned address (a stale DNS answer in an allow-list, a
 * port taken by something else) without anyone noticing. The open-loop driver checks again on
 * each connection (undici verifies by default), with the same trust.
 *
 * A refusal exits 2 before any load, naming what failed and the fix; a port where nothing
 * listens is TARGET_DOWN (exit 2), as the circuit breaker says mid-run.
 */
import net from 'node:net';
import tls from 'node:tls';
import { OverloadError } from '../errors.ts';
import type { PinnedTlsOptions } from '../load/driver.ts';
import type { TargetTls } from '../report/schema.ts';
import type { PinnedTarget } from './target-guard.ts';

/** Whom an https run trusts: the system's CAs, plus the user's own (`--ca FILE`). */
export interface TlsTrust {
  /** Extra CA certificates in PEM (a self-signed certificate is its own CA). */
  ca?: string;
  /** Where they came from, for messages and the report. */
  caFile?: string;
}

/** The options every TLS connection of an https run uses: SNI, identity check and CAs alike. */
export function pinnedTlsOptions(target: Pick<PinnedTarget, 'address' | 'serverName'>, trust: TlsTrust): PinnedTlsOptions {
  return {
    ...(target.serverName === undefined ? {} : { servername: target.serverName }),
    // `ca` replaces Node's bundled roots: add the user's to them instead.
    ...(trust.ca === undefined ? {} : { ca: [...tls.rootCertificates, trust.ca] }),
    rejectUnauthorized: true,
    // The connection goes to the pinned IP; the certificate must hold the name the user wrote.
    checkServerIdentity: (_host, certificate) => tls.checkServerIdentity(target.serverName ?? target.address, certificate),
  };
}

/** How long the handshake may take before the target counts as not answering. */
const HANDSHAKE_TIMEOUT_MS = 5000;

/**
 * Connects once to the pinned address, completes the handshake with the run's trust, and
 * returns the certificate seen.
 * @throws OverloadError `TARGET_REFUSED` (the certificate does not verify, or the port speaks no
 * TLS) or `TARGET_DOWN` (nothing answers); exit 2 either way.
 */
export async function checkTargetTls(target: PinnedTarget, trust: TlsTrust = {}, timeoutMs = HANDSHAKE_TIMEOUT_MS): Promise<TargetTls> {
  // Through net.connect, so the socket is one the tripwire would see (tls.connect publishes nothing on Node 20).
  const socket = tls.connect({ ...pinnedTlsOptions(target, trust), socket: net.connect(target.port, target.address) });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(Object.assign(new Error(`no TLS handshake within ${timeoutMs} ms`), { code: 'ETIMEDOUT' })), timeoutMs);
      socket.once('secureConnect', () => {
        clearTimeout(timer);
        resolve();
      });
      socket.once('error', (error: Error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
    const certificate = socket.getPeerCertificate();
    return {
      serverName: target.serverName ?? null,
      protocol: socket.getProtocol() ?? 'unknown',
      subject: distinguishedName(certificate.subject),
      issuer: distinguishedName(certificate.issuer),
      validTo: certificate.valid_to,
      fingerprint256: certificate.fingerprint256,
      caFile: trust.caFile ?? null,
    };
  } catch (error) {
    throw tlsRefusal(target, trust, error as NodeJS.ErrnoException);
  } finally {
    socket.destroy();
  }
}

function distinguishedName(name: tls.Certificate | undefined): string {
  if (name === undefined) return '';
  return Object.entries(name)
    .map(([key, value]) => `${key}=${Array.isArray(value) ? value.join('+') : String(value)}`)
    .join(', ');
}

/** Each way a handshake fails, as the reason and the fix a user can act on. */
function tlsRefusal(target: PinnedTarget, trust: TlsTrust, error: NodeJS.ErrnoException): OverloadError {
  const where = `--target ${target.url} (${target.address}:${target.port})`;
  const code = error.code ?? 'UNKNOWN';
  if (code === 'ECONNREFUSED' || code === 'ETIMEDOUT' || code === 'ECONNRESET' || code === 'EHOSTUNREACH') {
    return new OverloadError('TARGET_DOWN', `${where}: no TLS handshake (${code}: ${error.message}); no load was sent.`, {
      hint: 'start the service, or check the port it listens on',
    });
  }
  if (/wrong version number|packet length too long|unknown protocol|ERR_SSL_WRONG_VERSION/i.test(`${code} ${error.message}`)) {
    return new OverloadError('TARGET_REFUSED', `${where} refused: the port does not speak TLS (${code}); no load was sent.`, {
      hint: `if it serves plain HTTP, write --target http://${target.hostHeader}/`,
    });
  }
  const untrusted = ['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT'];
  const hint = untrusted.includes(code)
    ? trust.caFile === undefined
      ? 'trust the CA that signed it (or the self-signed certificate itself) with --ca FILE (PEM)'
      : `--ca ${trust.caFile} did not sign it: pass the CA of this certificate`
    : code === 'ERR_TLS_CERT_ALTNAME_INVALID'
      ? 'write --target with a name the certificate holds (the load still goes to the pinned address), or fix the certificate'
      : code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID'
        ? 'renew the certificate (or set the clock right)'
        : 'look at the certificate with: openssl s_client -connect ADDRESS:PORT -servername NAME';
  return new OverloadError('TARGET_REFUSED', `${where} refused: its certificate did not verify (${code}: ${error.message}); no load was sent.`, { hint });
}
