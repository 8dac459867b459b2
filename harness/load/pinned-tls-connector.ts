/**
 * undici's connector for an https target, with the TCP socket opened by `net.connect` and handed
 * to TLS, as undici itself does for a proxy tunnel (`httpSocket`, lib/core/connect.js). Node 20's
 * `tls.connect` opens its socket without publishing on `net.client.socket` (probed: no message),
 * so the tripwire (safety/tripwire.ts) would not see the open-loop driver's https connections.
 * Everything else is undici's own connector: session cache, keep-alive, connect timeout.
 */
import net from 'node:net';
import { buildConnector } from 'undici';
import type { PinnedTlsOptions } from './driver.ts';

/** A connector that verifies with `tls` (SNI, CAs, identity check) over a socket the tripwire sees. */
export function pinnedTlsConnector(tls: PinnedTlsOptions): buildConnector.connector {
  const connect = buildConnector(tls);
  return (options, callback) => {
    // undici passes `port` as the URL gives it: '' for the scheme's default.
    connect({ ...options, httpSocket: net.connect(Number(options.port) || 443, options.hostname) }, callback);
  };
}
