/**
 * HandshakeResponseParser under fuzzing: generated upgrade responses (101s, rejections with and
 * without a body, wrong accepts, frames glued to the head), mutated and cut anywhere. Every
 * outcome is a result or a HandshakeError / ConnectionRejected; the outcome never depends on the
 * chunking; heads over `maxHeaderBytes` and bodies over `maxBodyBytes` are never kept.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ConnectionRejected, HandshakeError, HandshakeResponseParser } from '../../codec/websocket/index.js';
import { acceptFor } from '../helpers/ws-wire.js';
import { concat, toHex } from '../helpers/bytes.js';
import { FUZZ_TIMEOUT, fuzzParams } from './support/config.js';
import { arrayBuffers } from './support/memory.js';
import { applyMutations, chunk, chunkingArb, mutationsArb } from './support/mutate.js';
import { checkTypedError, timed } from './support/outcome.js';

const KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const ACCEPT = acceptFor(KEY);
const MAX_HEAD = 1024;
const MAX_BODY = 64;
const latin1 = (text: string): Uint8Array => Uint8Array.from(text, (c) => c.charCodeAt(0) & 0xff);

const tokenArb = fc.stringMatching(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,12}$/);
const valueArb = fc.stringMatching(/^[\x20-\x7e]{0,40}$/).map((v) => v.trim());
const caseArb = (text: string) => fc.boolean().map((upper) => (upper ? text.toUpperCase() : text));

/** A server's answer to the upgrade request, as text, plus bytes that follow it. */
const responseArb = fc
  .record({
    status: fc.oneof({ weight: 3, arbitrary: fc.constant(101) }, { weight: 2, arbitrary: fc.constantFrom(200, 301, 400, 401, 403, 404, 426, 429, 500, 503) }),
    reason: fc.constantFrom('Switching Protocols', 'OK', 'Unauthorized', '', 'Too Many Requests'),
    minor: fc.constantFrom('1', '1', '0'),
    upgrade: caseArb('websocket'),
    connection: fc.constantFrom('Upgrade', 'upgrade', 'keep-alive, Upgrade', 'close'),
    accept: fc.oneof({ weight: 4, arbitrary: fc.constant(ACCEPT) }, { weight: 1, arbitrary: fc.constant(acceptFor('x')) }),
    extra: fc.array(fc.tuple(tokenArb, valueArb), { maxLength: 6 }),
    contentLength: fc.option(fc.nat({ max: 200 })),
    body: fc.uint8Array({ maxLength: 120 }),
    after: fc.uint8Array({ maxLength: 40 }),
  })
  .map((r) => {
    const lines = [`HTTP/1.${r.minor} ${r.status}${r.reason ? ` ${r.reason}` : ''}`];
    if (r.status === 101) lines.push(`Upgrade: ${r.upgrade}`, `Connection: ${r.connection}`, `Sec-WebSocket-Accept: ${r.accept}`);
    for (const [name, value] of r.extra) lines.push(`${name}: ${value}`);
    if (r.status !== 101 && r.contentLength !== null) lines.push(`Content-Length: ${r.contentLength}`);
    return concat([latin1(`${lines.join('\r\n')}\r\n\r\n`), r.status === 101 ? r.after : r.body]);
  });

type Outcome =
  | { kind: 'open'; headers: Record<string, string>; rest: string }
  | { kind: 'error'; type: string; code: string; status?: number; body?: string; headers?: Record<string, string> };

/** Pushes the chunks (then ends the stream if the head never completed) and checks the contract. */
function parse(chunks: readonly Uint8Array[]): Outcome {
  const parser = new HandshakeResponseParser(ACCEPT, { maxHeaderBytes: MAX_HEAD, maxBodyBytes: MAX_BODY });
  try {
    for (let i = 0; i < chunks.length; i++) {
      const result = parser.push(chunks[i]!);
      if (result !== null) {
        if (result.status !== 101 || result.headers['sec-websocket-accept'] !== ACCEPT) throw new Error('opened without a matching 101');
        return { kind: 'open', headers: result.headers, rest: toHex(concat([result.rest, ...chunks.slice(i + 1)])) };
      }
    }
    parser.end();
    throw new Error('end() returned although no response was complete');
  } catch (thrown) {
    const error = checkTypedError(thrown, [HandshakeError]);
    if (error instanceof ConnectionRejected) {
      if (error.body.length > MAX_BODY) throw new Error(`kept a ${error.body.length}-byte body (maxBodyBytes ${MAX_BODY})`);
      return { kind: 'error', type: 'ConnectionRejected', code: error.code, status: error.status, body: toHex(error.body), headers: error.headers };
    }
    return { kind: 'error', type: error.constructor.name, code: error.code };
  }
}

/**
 * Compares a chunked outcome with the whole-input one. A rejection without a usable Content-Length
 * keeps only the body bytes that came with the head (documented), so there the chunked body must
 * be a prefix of the whole body; everything else must be equal.
 */
function expectSameOutcome(split: Outcome, whole: Outcome): void {
  if (whole.kind === 'error' && whole.type === 'ConnectionRejected' && whole.status !== 101 && !/^[0-9]+$/.test(whole.headers?.['content-length'] ?? '')) {
    expect(split).toEqual({ ...whole, body: expect.any(String) });
    expect(whole.body!.startsWith((split as { body: string }).body)).toBe(true);
    return;
  }
  expect(split).toEqual(whole);
}

/** Where the head ends (after CR LF CR LF), or -1. */
function headEnd(bytes: Uint8Array): number {
  for (let i = 3; i < bytes.length; i++) {
    if (bytes[i - 3] === 13 && bytes[i - 2] === 10 && bytes[i - 1] === 13 && bytes[i] === 10) return i + 1;
  }
  return -1;
}

describe('HandshakeResponseParser fuzzed (seeded)', () => {
  it('reads generated responses the same way at any chunking', { timeout: FUZZ_TIMEOUT }, () => {
    fc.assert(
      fc.property(responseArb, chunkingArb(12), (input, chunking) => {
        expectSameOutcome(parse(chunk(input, chunking)), parse([input]));
      }),
      fuzzParams(0x4a4d, 1000),
    );
  });

  it('answers mutated responses with a result or a typed error, the same for every chunking, within its bounds', { timeout: FUZZ_TIMEOUT }, () => {
    fc.assert(
      fc.property(fc.array(responseArb, { minLength: 1, maxLength: 3 }), mutationsArb(1, 6), chunkingArb(12), (valid, mutations, chunking) => {
        const input = applyMutations(valid[0]!, mutations, valid);
        const before = arrayBuffers();
        const whole = timed(() => parse([input]));
        const split = timed(() => parse(chunk(input, chunking)));
        expect(arrayBuffers() - before).toBeLessThan(8 * input.length + 64 * 1024);
        expectSameOutcome(split, whole);
        const end = headEnd(input);
        // A head longer than the bound is refused, whatever it holds.
        if (end === -1 ? input.length > MAX_HEAD : end > MAX_HEAD) expect(whole).toMatchObject({ kind: 'error', code: 'WS_HANDSHAKE_TOO_LARGE' });
        if (end === -1 && input.length <= MAX_HEAD) expect(whole).toMatchObject({ kind: 'error', code: 'WS_HANDSHAKE_INCOMPLETE' });
      }),
      fuzzParams(0x4a4e, 2000),
    );
  });

  it('answers random bytes with a typed error, never an open connection', { timeout: FUZZ_TIMEOUT }, () => {
    const byte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(13, 10, 58, 32, 72, 84, 80, 49));
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 1500 }), chunkingArb(), (array, chunking) => {
        const input = Uint8Array.from(array);
        const whole = timed(() => parse([input]));
        expectSameOutcome(parse(chunk(input, chunking)), whole);
        expect(whole.kind).toBe('error');
      }),
      fuzzParams(0x4a4f, 1000),
    );
  });
});
