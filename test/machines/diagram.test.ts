import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { gatewayMachine, toMermaid, withDiagram } from '../../machines/index.js';

describe('state diagram', () => {
  it('in README.md is the one generated from the machine (run `npm run diagram` when this fails)', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toBe(withDiagram(readme, toMermaid(gatewayMachine)));
  });

  it('names every state and every guarded transition of the machine', () => {
    const diagram = toMermaid(gatewayMachine);
    expect(diagram.startsWith('stateDiagram-v2\n  [*] --> idle\n')).toBe(true);
    for (const line of [
      'state "ready" as connected_ready',
      'connected_choosingAuthentication --> connected_resuming : always [canResume]',
      'closing --> failed : socket.closed [isFatalClose]',
      'failed --> [*]',
    ]) {
      expect(diagram).toContain(line);
    }
  });
});
