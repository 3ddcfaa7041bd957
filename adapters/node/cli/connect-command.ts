/**
 * `discord-gateway connect`: one gateway connection from the command line. Dispatches go to stdout
 * (one JSON line each with `--json`), state changes and errors to stderr. The token comes from
 * `--token` or `DISCORD_TOKEN` and is never printed.
 */
import { FatalCloseError } from '../../sans-io/errors.js';
import type { GatewayEncodingName, TransportCompressionName } from '../../sans-io/gateway-url.js';
import { createGatewayClient } from '../create-gateway-client.js';
import { integer, oneOf, parseArgs, UsageError } from './args.js';
import type { CommandIO } from './io.js';

/** The usage line of `connect`. */
export const CONNECT_USAGE =
  'usage: discord-gateway connect [--url URL] [--token T | DISCORD_TOKEN=T] [--intents N] [--encoding json|etf] [--compress zlib-stream|zstd-stream] [--json]';

/** Handshake failures that mean "this server will not speak the gateway to us": stop, do not retry. */
const REFUSED_UPGRADE = new Set(['WS_CONNECTION_REJECTED', 'WS_HANDSHAKE_MALFORMED', 'WS_HANDSHAKE_TOO_LARGE', 'WS_HANDSHAKE_INCOMPLETE']);

/**
 * Runs `connect` until Ctrl-C (close 1000, exit 0), a fatal close code (exit 1 with the code and
 * its meaning) or a refused upgrade before the first READY (nothing sent, exit 1).
 */
export async function connectCommand(args: readonly string[], io: CommandIO): Promise<number> {
  const parsed = parseArgs(args, { values: ['url', 'token', 'intents', 'encoding', 'compress'], flags: ['json'] });
  if (parsed.positional.length > 0) throw new UsageError(`unexpected argument ${parsed.positional[0]}`);
  const token = parsed.values.get('token') ?? io.env.DISCORD_TOKEN;
  if (!token) throw new UsageError('a token is needed: pass --token T or set DISCORD_TOKEN');
  const json = parsed.flags.has('json');
  const client = createGatewayClient({
    token,
    url: parsed.values.get('url') ?? 'wss://gateway.discord.gg',
    intents: integer('intents', parsed.values.get('intents')) ?? 513,
    encoding: oneOf<GatewayEncodingName>('encoding', parsed.values.get('encoding'), ['json', 'etf']),
    compress: oneOf<TransportCompressionName>('compress', parsed.values.get('compress'), ['zlib-stream', 'zstd-stream']) ?? null,
  });
  const say = (line: string) => io.stderr.write(`${line}\n`);
  let ready = false;

  return new Promise<number>((resolve) => {
    let done = false;
    const finish = (exitCode: number, closeCode?: number) => {
      if (done) return;
      done = true;
      const closing = closeCode === undefined ? client.close().catch(() => {}) : client.close(closeCode).catch(() => {});
      void closing.then(() => resolve(exitCode));
    };
    const stop = (error: FatalCloseError) => {
      say(`stopped: the gateway closed with ${error.closeCode}: ${error.message}`);
      finish(1);
    };

    client.on('state', ({ from, to }) => say(`state ${from || 'start'} -> ${to}`));
    client.on('ready', () => {
      ready = true;
    });
    client.on('heartbeat', ({ latencyMs }) => {
      if (!json) say(`heartbeat acknowledged in ${Math.round(latencyMs)} ms`);
    });
    client.on('close', ({ code, reason }) => say(`connection closed${code === null ? ' without a close frame' : ` with ${code}`}${reason ? ` (${reason})` : ''}`));
    client.on('dispatch', (payload) => {
      if (json) io.stdout.write(`${JSON.stringify({ t: payload.t, s: payload.s, d: payload.d })}\n`);
      else io.stdout.write(`${payload.s} ${payload.t}\n`);
    });
    client.on('error', (error) => {
      if (error instanceof FatalCloseError) return stop(error);
      say(`error ${error.code}: ${error.message}`);
      // A server that refuses the upgrade before any session is not a gateway: stop, send nothing.
      if (!ready && REFUSED_UPGRADE.has(error.code)) finish(1);
    });
    io.signal.addEventListener(
      'abort',
      () => {
        say('interrupted: closing with 1000');
        finish(0, 1000);
      },
      { once: true },
    );
    if (io.signal.aborted) return finish(0, 1000);
    client.connect().catch((error: unknown) => {
      if (error instanceof FatalCloseError) stop(error);
    });
  });
}
