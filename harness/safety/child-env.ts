/**
 * The environment every child process of the harness gets (the fixtures, nginx, HAProxy, their
 * watchdog): the harness's own, without the variables that would send traffic through a proxy
 * (research/target-guard.md §0.5, "proxies are a separate way out"). `HTTP_PROXY` and friends
 * are read by many HTTP clients (undici's EnvHttpProxyAgent, and Node itself with
 * `NODE_USE_ENV_PROXY`); a fixture that honoured one would connect to the proxy, not to loopback.
 */

/** Whether a variable may route a child's traffic through a proxy: any `*_proxy` (any case) and `NODE_USE_ENV_PROXY`. */
export function isProxyVariable(name: string): boolean {
  const lower = name.toLowerCase();
  return lower.endsWith('_proxy') || lower === 'node_use_env_proxy';
}

/** A copy of `env` without the proxy variables. */
export function childEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !isProxyVariable(name)));
}
