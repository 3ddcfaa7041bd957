/**
 * The committed self-signed test certificate for 127.0.0.1 and localhost (made by
 * `scripts/fixtures/make-tls-cert.sh`). Not a secret: use it only for local wss:// tests.
 */

import { readFileSync } from 'node:fs';

/** PEM key and certificate for a local TLS server, and `ca` for a client that must trust it. */
export interface TestTls {
  key: string;
  cert: string;
  /** The same certificate, to pass as a client's trusted `ca`. */
  ca: string;
}

/** Loads `test/fixtures/tls/{key,cert}.pem`. */
export function loadTestTls(): TestTls {
  const dir = new URL('../fixtures/tls/', import.meta.url);
  const key = readFileSync(new URL('key.pem', dir), 'utf8');
  const cert = readFileSync(new URL('cert.pem', dir), 'utf8');
  return { key, cert, ca: cert };
}
