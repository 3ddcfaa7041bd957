/**
 * The `discord-gateway` command: `demo`, `connect`, `record`, `replay`, `timeline`. Parses the
 * subcommand, runs it with the real process streams, and turns usage errors into exit code 2.
 */
import { recordCommand, replayCommand, timelineCommand } from '../../recording/cli.js';
import { UsageError } from './args.js';
import { CONNECT_USAGE, connectCommand } from './connect-command.js';
import { DEMO_USAGE, demoCommand } from './demo-command.js';
import type { CommandIO } from './io.js';

const HELP = `discord-gateway: a sans-I/O Discord gateway client

  discord-gateway demo                 a client against the embedded fake gateway, live
  discord-gateway connect ...          connect to a gateway; dispatches on stdout
  discord-gateway record --out FILE    record a session to a cassette
  discord-gateway replay FILE          replay a cassette and print its timeline
  discord-gateway timeline FILE --svg OUT.svg   draw a cassette

${DEMO_USAGE}
${CONNECT_USAGE}
`;

/** Runs one command line (without `node` and the script); resolves with the exit code. */
export async function runCli(argv: readonly string[], io: CommandIO): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'demo':
        return await demoCommand(args, io);
      case 'connect':
        return await connectCommand(args, io);
      case 'record':
      case 'replay':
      case 'timeline': {
        const run = command === 'record' ? recordCommand(args, io.env as Record<string, string | undefined>, io.signal) : command === 'replay' ? replayCommand(args) : timelineCommand(args);
        const result = await run;
        io.stdout.write(result.stdout);
        io.stderr.write(result.stderr);
        return result.exitCode;
      }
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        io.stdout.write(HELP);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command ${command}`);
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.stderr.write(`discord-gateway: ${error.message}\n${HELP}`);
    return 2;
  }
}

/** The process entry: real streams, Ctrl-C aborts the command (a second Ctrl-C exits at once). */
export async function main(): Promise<void> {
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) process.exit(130);
    controller.abort();
  });
  const exitCode = await runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal });
  process.exitCode = exitCode;
}
