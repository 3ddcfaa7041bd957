/**
 * Runs the README's examples (the code blocks after `<!-- example: NAME -->`) exactly as written,
 * with the package name pointing at this checkout, so the documentation cannot rot.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it, vi } from 'vitest';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
/** The package's entry points, as the sources that build them. */
const ENTRIES: Record<string, string> = {
  'sansio-discord-gateway': '../../index.ts',
  'sansio-discord-gateway/node': '../../node.ts',
  'sansio-discord-gateway/testing': '../../testing.ts',
  'sansio-discord-gateway/recording/node': '../../adapters/recording/node.ts',
};
const dir = mkdtempSync(join(tmpdir(), 'readme-examples-'));

/** The code of the example named `name`, importing this checkout instead of the package. */
function example(name: string): string {
  const match = new RegExp(`<!-- example: ${name} -->\\s*\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(readme);
  if (!match) throw new Error(`README.md has no example named ${name}`);
  return match[1]!.replace(/from '(sansio-discord-gateway[^']*)'/g, (_, name: string) => {
    if (!ENTRIES[name]) throw new Error(`README example imports ${name}, which has no entry here`);
    return `from ${JSON.stringify(fileURLToPath(new URL(ENTRIES[name], import.meta.url)))}`;
  });
}

/** Runs an example and returns what it printed, one string per console.log call. */
async function run(name: string): Promise<string[]> {
  const file = join(dir, `${name}.ts`);
  writeFileSync(file, example(name));
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });
  await import(/* @vite-ignore */ file);
  return lines;
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('README examples', () => {
  it('A client in a few lines runs against the fake gateway', async () => {
    const lines = await run('client');
    expect(lines).toEqual(['ready true', 'message hello', 'iterated MESSAGE_CREATE 2']);
  });

  it('Record a session, replay it in a test: records through the client and replays exactly', async () => {
    const lines = await run('record');
    expect(lines).toEqual(['replayed true closed']);
  });

  it('Seed style runs over real TCP against the fake gateway', async () => {
    const lines = await run('seed');
    expect(lines).toEqual(['hello 10 heartbeat every 1 s', 'ready READY', 'dispatch MESSAGE_CREATE 2', 'closed 1000']);
  });

  it('Reducer style runs and ends identifying', async () => {
    const lines = await run('reducer');
    expect(lines).toHaveLength(4);
    expect(lines.at(-1)).toBe('identify.granted -> {"connected":"identifying"} send.payload, timer.set');
  });

  it('Actor style runs and sends the heartbeat', async () => {
    const lines = await run('actor');
    expect(lines).toContain('send {"op":1,"d":null}');
    expect(lines.at(-1)).toBe('{"connected":"waitingForApplication"}');
    expect(lines.filter((line) => line.startsWith('timer heartbeat'))).toHaveLength(2);
  });
});
