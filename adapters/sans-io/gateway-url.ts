/**
 * Gateway URLs: what the seed accepts (a bare host such as `gateway.discord.gg`, or a full URL)
 * turned into the URL the gateway wants, keeping host, port and path and setting `v`, `encoding`
 * and `compress` in the query. Pure string work: where to reconnect (the resume URL) is the
 * machine's decision, in `machines/gateway-url.ts`.
 */
import { InvalidOptionError } from './errors.js';

/** The payload encodings the gateway speaks. */
export type GatewayEncodingName = 'json' | 'etf';
/** Transport compression, or null for none. */
export type TransportCompressionName = 'zlib-stream' | 'zstd-stream';

/** The gateway API version this library speaks. */
export const GATEWAY_VERSION = 10;

/** Builds the connection URL from a host or URL, with our version, encoding and compression. */
export function buildGatewayUrl(uri: string, encoding: GatewayEncodingName, compress: TransportCompressionName | null): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(uri) ? uri : `wss://${uri}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new InvalidOptionError(`"${uri}" is not a gateway host or URL; pass e.g. "gateway.discord.gg" or "wss://gateway.discord.gg".`);
  }
  if (url.protocol !== 'wss:' && url.protocol !== 'ws:') {
    throw new InvalidOptionError(`The gateway URL must use wss:// or ws://, not ${url.protocol}//.`);
  }
  url.searchParams.set('v', String(GATEWAY_VERSION));
  url.searchParams.set('encoding', encoding);
  if (compress) url.searchParams.set('compress', compress);
  else url.searchParams.delete('compress');
  return url.toString();
}

/** Where a transport for `url` connects: host, port and whether TLS is used. */
export interface Destination {
  readonly host: string;
  readonly port: number;
  readonly secure: boolean;
}

/** The TCP destination of a ws:// or wss:// URL (default ports 80 and 443). */
export function destinationOf(url: string): Destination {
  const parsed = new URL(url);
  const secure = parsed.protocol === 'wss:';
  const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
  return { host, port: parsed.port ? Number(parsed.port) : secure ? 443 : 80, secure };
}
