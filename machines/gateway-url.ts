/**
 * Gateway URL helpers. RESUME must reach `resume_gateway_url` with the same `v`, `encoding` and
 * `compress` as the first connection, and READY's URL carries no query, so ours is copied over.
 * Pure functions of the context's URLs; building the first URL from the user's input is the adapter's.
 */

/** `resumeUrl` with the query of `gatewayUrl` (any query `resumeUrl` had is replaced). */
export function withGatewayQuery(resumeUrl: string, gatewayUrl: string): string {
  const target = new URL(resumeUrl);
  target.search = new URL(gatewayUrl).search;
  if (target.pathname === '') target.pathname = '/';
  return target.toString();
}

/** Where the next connection goes: the resume URL only when there is a session to resume. */
export function nextConnectionUrl(context: {
  readonly gatewayUrl: string;
  readonly resumeGatewayUrl: string | null;
  readonly sessionId: string | null;
  readonly sequence: number | null;
}): string {
  const resumable = context.sessionId !== null && context.sequence !== null;
  return (resumable && context.resumeGatewayUrl) || context.gatewayUrl;
}
