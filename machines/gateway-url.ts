/**
 * Gateway URL helpers. RESUME must reach `resume_gateway_url` with the same `v`, `encoding` and
 * `compress` as the first connection, and READY's URL carries no query, so ours is copied over.
 */

/** `resumeUrl` with the query of `gatewayUrl` (any query `resumeUrl` had is replaced). */
export function withGatewayQuery(resumeUrl: string, gatewayUrl: string): string {
  const target = new URL(resumeUrl);
  target.search = new URL(gatewayUrl).search;
  if (target.pathname === '') target.pathname = '/';
  return target.toString();
}
