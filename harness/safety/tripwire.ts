/**
 * Defence in depth behind the target guard (research/target-guard.md §3.4): every TCP client
 * socket this process opens is watched through `diagnostics_channel` (`net.client.socket`, which
 * Node publishes for each new client socket: autocannon's, undici's, ours), and one that connects
 * anywhere the run did not allow is destroyed at once and reported, so the run can stop. The
 * guard decides what a run may reach; the tripwire proves nothing else was reached, whatever
 * library opened the socket. Pipes (IPC with the fixtures) have no remote address and pass.
 *
 * TLS: Node 20's `tls.connect` makes its own socket without publishing on the channel (probed),
 * so the open-loop driver opens an https target's sockets with `net.connect` and hands them to TLS
 * (load/pinned-tls-connector.ts). autocannon's TLS sockets (the closed model against an https
 * target) cannot be handed one and go unseen: the pin, an IP literal in autocannon's URL, is their
 * only guard.
 */
import { subscribe, unsubscribe } from 'node:diagnostics_channel';
import type { Socket } from 'node:net';

/** Where a socket connected: its remote address and port. */
export interface Endpoint {
  address: string;
  port: number;
}

/** Whether the run may be connected to this endpoint. */
export type EndpointAllowed = (endpoint: Endpoint) => boolean;

const CHANNEL = 'net.client.socket';

/**
 * Watches every client socket from now until the returned function is called. A socket that
 * connects to an endpoint `allowed` refuses is destroyed and handed to `onViolation`.
 */
export function armTripwire(allowed: EndpointAllowed, onViolation: (endpoint: Endpoint) => void): () => void {
  const onSocket = (message: unknown): void => {
    const socket = (message as { socket?: Socket }).socket;
    socket?.once('connect', () => {
      const { remoteAddress, remotePort } = socket;
      if (remoteAddress === undefined || remotePort === undefined) return;
      const endpoint = { address: remoteAddress, port: remotePort };
      if (allowed(endpoint)) return;
      socket.destroy();
      onViolation(endpoint);
    });
  };
  subscribe(CHANNEL, onSocket);
  return () => {
    unsubscribe(CHANNEL, onSocket);
  };
}
