/**
 * The `discord-gateway` commands for cassettes, as functions the bin calls with its arguments:
 * `replay FILE`, `timeline FILE [--svg OUT.svg]` and `record --out FILE`. Node only. They return
 * what to print and the exit code; they never call `process.exit` and never print a token.
 */
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { GatewayEngine } from '../sans-io/gateway-engine.js';
import type { GatewayEncodingName, TransportCompressionName } from '../sans-io/gateway-url.js';
import { driveEngine } from './drive-engine.js';
import { CassetteError } from './errors.js';
import { createRecorder, readCassetteFile } from './node-files.js';
import { replayCassette } from './replay.js';
import { formatTimeline } from './timeline-text.js';
import { buildTimeline } from './timeline.js';
import { renderTimelineSvg } from './timeline-svg.js';
import { DiscordGatewayError } from '../../codec/errors.js';
import { type ParsedArgs, parseArgs, UsageError } from '../node/cli/args.js';

/** What a command produced: text for stdout and stderr, and the process exit code. */
export interface CommandResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}

const REPLAY_USAGE = 'usage: discord-gateway replay FILE [--allow-truncated] [--quiet]';
const TIMELINE_USAGE = 'usage: discord-gateway timeline FILE [--svg OUT.svg] [--width PIXELS] [--allow-truncated]';
const RECORD_USAGE =
  'usage: discord-gateway record --out FILE [--url URL] [--token-env NAME] [--intents N] [--encoding json|etf] [--compress zlib-stream|zstd-stream] [--seconds N]';

/**
 * `replay FILE`: replays the cassette, prints its timeline (time, state, input, outputs), and
 * exits 0 when the replay matches the recording, 1 with the mismatch report when it does not,
 * 2 for a bad file or bad arguments.
 */
export async function replayCommand(args: readonly string[]): Promise<CommandResult> {
  const parsed = parse(args, ['allow-truncated', 'quiet'], []);
  if (typeof parsed === 'string' || parsed.positional.length !== 1) return usage(REPLAY_USAGE, parsed);
  const file = parsed.positional[0]!;
  return withCassette(file, parsed.flags.has('allow-truncated'), (cassette) => {
    const name = basename(file);
    const report = replayCassette(cassette, { name, throwOnMismatch: false });
    const stdout = parsed.flags.has('quiet') ? '' : `${formatTimeline(buildTimeline(cassette, { name }))}\n`;
    if (report.mismatch) return { exitCode: 1, stdout, stderr: `${report.mismatch.report}\n` };
    const gap = report.stoppedAtGap === null ? '' : `, stopped at step ${report.stoppedAtGap} (input withheld for redaction)`;
    return { exitCode: 0, stdout, stderr: `${name}: replay matches (${report.replayed} steps, ${report.outputs} outputs, ${report.payloads} payloads${gap}).\n` };
  });
}

/** `timeline FILE --svg OUT.svg`: draws the session as SVG (or prints the text timeline without `--svg`). */
export async function timelineCommand(args: readonly string[]): Promise<CommandResult> {
  const parsed = parse(args, ['allow-truncated'], ['svg', 'width']);
  if (typeof parsed === 'string' || parsed.positional.length !== 1) return usage(TIMELINE_USAGE, parsed);
  const file = parsed.positional[0]!;
  const width = parsed.values.get('width');
  if (width !== undefined && !/^\d+$/.test(width)) return usage(TIMELINE_USAGE, '--width takes a number of pixels');
  const out = parsed.values.get('svg');
  return withCassette(file, parsed.flags.has('allow-truncated'), async (cassette) => {
    const timeline = buildTimeline(cassette, { name: basename(file) });
    if (out === undefined) return { exitCode: 0, stdout: `${formatTimeline(timeline)}\n`, stderr: '' };
    const svg = renderTimelineSvg(timeline, { width: width === undefined ? undefined : Number(width) });
    await writeFile(out, svg);
    return { exitCode: 0, stdout: '', stderr: `wrote ${out} (${svg.length} bytes, ${timeline.rows.length - 1} steps)\n` };
  });
}

/**
 * `record --out FILE`: connects to the gateway with the token from an environment variable
 * (never from the command line, where other users can read it), records until `--seconds`
 * pass or `signal` aborts (wire SIGINT to it), then closes with 1000.
 */
export async function recordCommand(args: readonly string[], env: Record<string, string | undefined>, signal?: AbortSignal): Promise<CommandResult> {
  const parsed = parse(args, [], ['out', 'url', 'token-env', 'intents', 'encoding', 'compress', 'seconds']);
  if (typeof parsed === 'string' || parsed.positional.length !== 0) return usage(RECORD_USAGE, parsed);
  const out = parsed.values.get('out');
  if (!out) return usage(RECORD_USAGE, '--out FILE is required');
  const tokenEnv = parsed.values.get('token-env') ?? 'DISCORD_TOKEN';
  const token = env[tokenEnv];
  if (!token) return usage(RECORD_USAGE, `no token: set the ${tokenEnv} environment variable`);
  const encoding = (parsed.values.get('encoding') ?? 'json') as GatewayEncodingName;
  const compress = (parsed.values.get('compress') ?? null) as TransportCompressionName | null;
  const intents = Number(parsed.values.get('intents') ?? 513);
  const seconds = Number(parsed.values.get('seconds') ?? 60);
  if (encoding !== 'json' && encoding !== 'etf') return usage(RECORD_USAGE, '--encoding is json or etf');
  if (compress !== null && compress !== 'zlib-stream' && compress !== 'zstd-stream') return usage(RECORD_USAGE, '--compress is zlib-stream or zstd-stream');
  if (!Number.isInteger(intents) || intents < 0) return usage(RECORD_USAGE, '--intents takes a non-negative integer');
  if (!(seconds > 0)) return usage(RECORD_USAGE, '--seconds takes a positive number');
  const recorder = createRecorder({ path: out, label: basename(out) });
  let driver: ReturnType<typeof driveEngine> | null = null;
  try {
    const engine = new GatewayEngine(
      recorder.wrap({
        url: parsed.values.get('url') ?? 'wss://gateway.discord.gg',
        token,
        identify: { intents, properties: { os: process.platform, browser: 'sansio-discord-gateway', device: 'sansio-discord-gateway' } },
        encoding,
        compress,
      }),
    );
    driver = driveEngine(engine, { onThrown: (error) => recorder.noteThrown(error) });
    driver.call((e) => e.connect());
    const stop = new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, seconds * 1000);
      signal?.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    const state = await Promise.race([stop.then(() => null), driver.finished]);
    if (state === null) {
      driver.call((e) => e.close(1000));
      await Promise.race([driver.finished, new Promise((resolve) => setTimeout(resolve, 5000))]);
    }
    const final = engine.state;
    driver.stop();
    await recorder.close();
    return { exitCode: final === 'failed' ? 1 : 0, stdout: '', stderr: `recorded ${recorder.steps} steps (${recorder.bytesWritten} bytes) to ${out}; the session ended ${final}\n` };
  } catch (error) {
    driver?.stop();
    await recorder.close().catch(() => {});
    const message = error instanceof DiscordGatewayError ? `${error.code}: ${error.message}` : 'the recording failed';
    return { exitCode: 1, stdout: '', stderr: `${message}\n` };
  }
}

/** The CLI's own parser, with a usage problem returned as its message instead of thrown. */
function parse(args: readonly string[], flags: readonly string[], values: readonly string[]): ParsedArgs | string {
  try {
    return parseArgs(args, { flags, values });
  } catch (error) {
    if (error instanceof UsageError) return error.message;
    throw error;
  }
}

function usage(text: string, problem: ParsedArgs | string): CommandResult {
  return { exitCode: 2, stdout: '', stderr: `${typeof problem === 'string' ? `${problem}\n` : ''}${text}\n` };
}

async function withCassette(
  file: string,
  allowTruncated: boolean,
  run: (cassette: Awaited<ReturnType<typeof readCassetteFile>>) => CommandResult | Promise<CommandResult>,
): Promise<CommandResult> {
  let cassette: Awaited<ReturnType<typeof readCassetteFile>>;
  try {
    cassette = await readCassetteFile(file, { allowTruncated });
  } catch (error) {
    if (error instanceof CassetteError) return { exitCode: 2, stdout: '', stderr: `${file}: ${error.code}: ${error.message}\n` };
    return { exitCode: 2, stdout: '', stderr: `${file}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'})\n` };
  }
  return run(cassette);
}
