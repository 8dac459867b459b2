/**
 * What each cause of a 502/504 in a gateway's log most likely means, in plain words, and the
 * first thing an administrator should check (issue 6, `overload explain`). One entry per cause
 * code, so a new code does not compile until it has its advice. The reasons follow
 * research/gateway-502.md (§0 findings, §5 the keep-alive race, §6 Node under overload).
 */
import type { CauseCode } from '../../fixtures/gateway/causes.ts';

export interface CauseAdvice {
  /** The likely reason, completing "…: most likely <reason>". */
  reason: string;
  /** The first thing to check. */
  check: string;
}

export const CAUSE_ADVICE: Readonly<Record<CauseCode, CauseAdvice>> = {
  upstream_refused: {
    reason: 'the upstream was down, restarting or not listening where the gateway connects (a deploy, a crash, a maintenance stop, or a DNS answer that points elsewhere)',
    check: 'whether the upstream process was up and listening on that address and port then (`ss -ltnp`, its restarts and deploys), and what the gateway resolved its name to',
  },
  upstream_reset: {
    reason: 'the upstream, or something between, reset connections: an overloaded server shedding work, a connection limit, a firewall rule, or a keep-alive connection closed as it was reused',
    check: "the upstream's CPU, queue and connection limits at that time; if the failures come at low traffic, its keep-alive timeout against the gateway's (the upstream's must be longer)",
  },
  upstream_closed: {
    reason: 'the upstream closed connections before answering: a crash or restart, a connection limit, or the keep-alive race (an idle pooled connection closed just as the gateway reused it)',
    check: "the upstream's own log for crashes and out-of-memory kills; if the failures come at low traffic, on POSTs, its keep-alive timeout against the gateway's (e.g. 65 s against nginx's 60 s)",
  },
  keepalive_race: {
    reason: 'the keep-alive race: an idle pooled connection closed by the upstream just as the gateway reused it (not overload)',
    check: "the upstream's keep-alive timeout: it must be longer than the gateway's idle timeout for upstream connections",
  },
  upstream_invalid: {
    reason: 'the upstream wrote a malformed response: a bug writing a broken status line or header, or headers larger than the gateway accepts',
    check: "the upstream's raw answer to that request (`curl -v` straight to the upstream), and the gateway's header buffer (nginx `proxy_buffer_size`)",
  },
  upstream_unresolved: {
    reason: "the upstream's name did not resolve (a deleted or mistyped record, or a resolver that failed)",
    check: "the DNS record, and how the gateway resolves it (nginx resolves at start-up unless `resolver` is set; note the record's TTL)",
  },
  upstream_timeout: {
    reason: 'the upstream did not answer in time: an overloaded or blocked server (a full queue, a busy event loop, a full listen backlog) or a slow dependency; a 504 means a timer fired',
    check: "the upstream's latency and CPU at that time, and the gateway's timeouts (nginx `proxy_connect_timeout` / `proxy_read_timeout`, HAProxy `timeout connect` / `timeout server`)",
  },
  gateway_overflow: {
    reason: 'the gateway had no upstream to send to: every server marked failed after earlier errors, or its own queue was full',
    check: "the errors just before (they mark servers failed: nginx `max_fails` / `fail_timeout`), and the gateway's queue and connection limits (HAProxy `maxconn`, `timeout queue`)",
  },
  upstream_truncated: {
    reason: 'the upstream failed after the response headers were sent: the client got a status (often 200) and a body cut short',
    check: 'upstream crashes or timeouts while streaming large or slow bodies',
  },
};
