/** A small argument parser for the `discord-gateway` commands: `--name value`, `--name=value`, flags. */
import { DiscordGatewayError } from '../../../codec/errors.js';

/** Parsed arguments: options by name (without dashes), flags, and positional arguments. */
export interface ParsedArgs {
  readonly values: Map<string, string>;
  readonly flags: Set<string>;
  readonly positional: string[];
}

/** A command line that cannot be understood; the message says what was wrong (the command exits 2). */
export class UsageError extends DiscordGatewayError {
  declare readonly code: 'CLI_USAGE';

  constructor(message: string) {
    super('CLI_USAGE', message);
  }
}

/** Parses `args` knowing which names take a value and which are flags; anything else is an error. */
export function parseArgs(args: readonly string[], spec: { values: readonly string[]; flags: readonly string[] }): ParsedArgs {
  const parsed: ParsedArgs = { values: new Map(), flags: new Set(), positional: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith('--')) {
      parsed.positional.push(arg);
      continue;
    }
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (spec.flags.includes(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      parsed.flags.add(name);
    } else if (spec.values.includes(name)) {
      const value = inline ?? args[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      parsed.values.set(name, value);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return parsed;
}

/** One of `allowed`, or a usage error naming them. */
export function oneOf<T extends string>(name: string, value: string | undefined, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}`);
  return value as T;
}

/** A non-negative integer option, or a usage error. */
export function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a non-negative integer`);
  return Number(value);
}
