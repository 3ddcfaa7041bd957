import { describe, expect, it } from 'vitest';
import { DiscordGatewayError } from '../index.js';

describe('package root', () => {
  it('exports the error base class with a stable code', () => {
    const error = new DiscordGatewayError('EXAMPLE', 'an example');
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('EXAMPLE');
    expect(error.name).toBe('DiscordGatewayError');
  });
});
