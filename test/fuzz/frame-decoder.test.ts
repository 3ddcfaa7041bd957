/**
 * FrameDecoder under fuzzing: generated valid server streams (messages fragmented anywhere,
 * pings between fragments, a close), then the same streams mutated (bit flips, truncation,
 * insertion, deletion, duplication, splicing of other valid streams) and cut at any points.
 * Every outcome is events or a WebSocketProtocolError whose close code matches its `code`; the
 * result never depends on how the bytes were split; nothing outgrows `maxMessageSize`; and `ws`'s
 * Receiver (a real peer) accepts exactly what we accept, modulo two documented strictnesses.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FrameDecoder, type FrameDecoderOptions, WebSocketProtocolError, type WebSocketFrameEvent } from '../../codec/websocket/index.js';
import { Receiver } from '../websocket/ws-internals.js';
import { closeBody, frame, OP } from '../helpers/ws-wire.js';
import { concat, toHex } from '../helpers/bytes.js';
import { FUZZ_TIMEOUT, fuzzParams } from './support/config.js';
import { arrayBuffers, RetainedMemory } from './support/memory.js';
import { applyMutations, chunk, chunkingArb, type Chunking, mutationsArb } from './support/mutate.js';
import { checkTypedError, timed } from './support/outcome.js';

const MAX = 4096;

/** One thing a server sends, before framing. */
type Item =
  | { readonly type: 'message'; readonly binary: boolean; readonly data: Uint8Array; readonly cuts: readonly number[]; readonly pings: readonly Uint8Array[] }
  | { readonly type: 'ping' | 'pong'; readonly data: Uint8Array }
  | { readonly type: 'close'; readonly code: number | null; readonly reason: string };

/** A decoded event with its bytes as hex, so results compare by value. */
type Seen =
  | { type: 'message'; binary: boolean; data: string }
  | { type: 'ping' | 'pong'; data: string }
  | { type: 'close'; code: number | null; reason: string };

const textArb = fc.oneof(fc.string({ unit: 'grapheme', maxLength: 60 }), fc.string({ unit: 'binary', maxLength: 60 }));
const utf8 = new TextEncoder();

const messageArb: fc.Arbitrary<Item> = fc.record({
  type: fc.constant('message' as const),
  binary: fc.boolean(),
  text: textArb,
  bytes: fc.uint8Array({ maxLength: 300 }),
  cuts: fc.array(fc.nat(), { maxLength: 4 }),
  pings: fc.array(fc.uint8Array({ maxLength: 125 }), { maxLength: 3 }),
}).map(({ binary, text, bytes, cuts, pings }) => ({ type: 'message' as const, binary, data: binary ? bytes : utf8.encode(text), cuts, pings }));

const controlArb: fc.Arbitrary<Item> = fc.record({
  type: fc.constantFrom('ping' as const, 'pong' as const),
  data: fc.oneof(fc.uint8Array({ maxLength: 20 }), fc.uint8Array({ minLength: 120, maxLength: 125 })),
});

const closeCodeArb = fc.oneof(
  fc.constantFrom(1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 1012, 1013, 1014),
  fc.integer({ min: 3000, max: 4999 }),
);
const closeArb: fc.Arbitrary<Item> = fc.oneof(
  fc.constant({ type: 'close' as const, code: null, reason: '' }),
  fc.record({ type: fc.constant('close' as const), code: closeCodeArb, reason: fc.string({ unit: 'grapheme', maxLength: 30 }) })
    .filter(({ reason }) => utf8.encode(reason).length <= 123),
);

/** A valid server stream: messages and control frames, sometimes ended by a close. */
const itemsArb = fc.tuple(fc.array(fc.oneof({ weight: 3, arbitrary: messageArb }, { weight: 1, arbitrary: controlArb }), { maxLength: 6 }), fc.option(closeArb))
  .map(([items, close]) => (close ? [...items, close] : items));

/** Frames the items as a correct server would, and lists the events a decoder must report. */
function encode(items: readonly Item[]): { bytes: Uint8Array; events: Seen[] } {
  const parts: Uint8Array[] = [];
  const events: Seen[] = [];
  for (const item of items) {
    if (item.type === 'message') {
      const points = [...new Set(item.cuts.map((c) => c % (item.data.length + 1)))].sort((a, b) => a - b);
      const bounds = [0, ...points, item.data.length];
      const count = bounds.length - 1;
      for (let i = 0; i < count; i++) {
        const opcode = i === 0 ? (item.binary ? OP.binary : OP.text) : OP.cont;
        parts.push(frame({ opcode, fin: i === count - 1, payload: item.data.subarray(bounds[i], bounds[i + 1]) }));
        const ping = item.pings[i];
        if (i < count - 1 && ping) {
          parts.push(frame({ opcode: OP.ping, payload: ping }));
          events.push({ type: 'ping', data: toHex(ping) });
        }
      }
      events.push({ type: 'message', binary: item.binary, data: toHex(item.data) });
    } else if (item.type === 'close') {
      parts.push(frame({ opcode: OP.close, payload: closeBody(item.code ?? undefined, item.reason) }));
      events.push({ type: 'close', code: item.code, reason: item.reason });
    } else {
      parts.push(frame({ opcode: item.type === 'ping' ? OP.ping : OP.pong, payload: item.data }));
      events.push({ type: item.type, data: toHex(item.data) });
    }
  }
  return { bytes: concat(parts), events };
}

function seen(event: WebSocketFrameEvent): Seen {
  if (event.type === 'close') return event;
  if (event.type === 'message') return { type: 'message', binary: event.binary, data: toHex(event.data) };
  return { type: event.type, data: toHex(event.data) };
}

const CLOSE_CODE_OF: Record<string, number> = { WS_INVALID_UTF8: 1007, WS_MESSAGE_TOO_BIG: 1009 };

/**
 * Decodes `chunks` with a fresh decoder, checking the decoder's contract on the way: typed errors
 * with the right close code, the same error again after it, bounded events, nothing after a close.
 */
function decode(chunks: readonly Uint8Array[], max = MAX, options: Omit<FrameDecoderOptions, 'maxMessageSize'> = {}): { events: Seen[]; error: string | null } {
  const decoder = new FrameDecoder({ ...options, maxMessageSize: max });
  const fatal = new TextDecoder('utf-8', { fatal: true });
  const events: Seen[] = [];
  let closed = false;
  for (const piece of chunks) {
    decoder.push(piece);
    for (;;) {
      let event: WebSocketFrameEvent | null;
      try {
        event = decoder.next();
      } catch (thrown) {
        const error = checkTypedError(thrown, [WebSocketProtocolError]) as WebSocketProtocolError;
        if (error.closeCode !== (CLOSE_CODE_OF[error.code] ?? 1002)) throw new Error(`${error.code} carries close code ${error.closeCode}`);
        // A failed decoder stays failed, with the same error, whatever comes next.
        decoder.push(Uint8Array.of(0x81, 0x00));
        let again: unknown = null;
        try {
          decoder.next();
        } catch (e) {
          again = e;
        }
        if (again !== error) throw new Error('after an error, next() must throw the same error again');
        return { events, error: error.code };
      }
      if (event === null) break;
      if (closed) throw new Error('an event after the close frame');
      if (event.type === 'message' && event.data.length > max) throw new Error(`a ${event.data.length}-byte message passed maxMessageSize ${max}`);
      if ((event.type === 'ping' || event.type === 'pong') && event.data.length > 125) throw new Error('a control payload over 125 bytes');
      if (event.type === 'close') closed = true;
      if (options.deferTextValidation && event.type === 'message' && !event.binary) {
        // The caller's side of deferTextValidation: check the text before reading on.
        try {
          fatal.decode(event.data);
        } catch {
          return { events, error: 'WS_INVALID_UTF8' };
        }
      }
      events.push(seen(event));
    }
  }
  return { events, error: null };
}

/** What ws's Receiver (client side) makes of the same bytes. */
function wsDecode(bytes: Uint8Array, max = MAX): { events: Seen[]; error: string | null } {
  const receiver = new Receiver({ isServer: false, maxPayload: max });
  const events: Seen[] = [];
  receiver.on('message', (data, binary) => events.push({ type: 'message', binary, data: toHex(data) }));
  receiver.on('ping', (data) => events.push({ type: 'ping', data: toHex(data) }));
  receiver.on('pong', (data) => events.push({ type: 'pong', data: toHex(data) }));
  receiver.on('conclude', (code, reason) => events.push({ type: 'close', code: code === 1005 ? null : code, reason: reason.toString() }));
  let error: string | null = null;
  // _write reports a protocol error through its callback at once (write() would defer it).
  (receiver as unknown as { _write(chunk: Buffer, encoding: string, cb: (error?: Error & { code: string }) => void): void })._write(
    Buffer.from(bytes),
    'buffer',
    (e) => {
      if (e) error = e.code;
    },
  );
  return { events, error };
}

const pieces = (bytes: Uint8Array, chunking: Chunking) => chunk(bytes, chunking);

describe('FrameDecoder fuzzed (seeded)', () => {
  it('decodes generated valid streams to their model, at any chunking', { timeout: FUZZ_TIMEOUT }, () => {
    fc.assert(
      fc.property(itemsArb, chunkingArb(), (items, chunking) => {
        const { bytes, events } = encode(items);
        expect(decode(pieces(bytes, chunking), 1 << 20)).toEqual({ events, error: null });
      }),
      fuzzParams(0xf4a3e, 300),
    );
  });

  it('enforces maxMessageSize exactly: the largest message passes at its size and fails one byte below', { timeout: FUZZ_TIMEOUT }, () => {
    fc.assert(
      fc.property(itemsArb, chunkingArb(), (items, chunking) => {
        const largest = Math.max(0, ...items.map((item) => (item.type === 'message' ? item.data.length : 0)));
        const { bytes, events } = encode(items);
        expect(decode(pieces(bytes, chunking), largest)).toEqual({ events, error: null });
        if (largest > 0) expect(decode(pieces(bytes, chunking), largest - 1).error).toBe('WS_MESSAGE_TOO_BIG');
      }),
      fuzzParams(0x515e, 200),
    );
  });

  it('answers mutated streams with events or a typed error, the same for every chunking', { timeout: FUZZ_TIMEOUT }, async () => {
    const memory = new RetainedMemory(4 * 1024 * 1024);
    fc.assert(
      fc.property(fc.array(itemsArb, { minLength: 1, maxLength: 3 }), mutationsArb(1, 5), chunkingArb(), (streams, mutations, chunking) => {
        const valid = streams.map((items) => encode(items).bytes);
        const input = applyMutations(valid[0]!, mutations, valid);
        const before = arrayBuffers();
        const whole = timed(() => decode([input]));
        const split = timed(() => decode(pieces(input, chunking)));
        // Two decodes of a small input: a few copies of it and at most one message buffer each.
        const growth = arrayBuffers() - before;
        expect(growth).toBeLessThan(4 * MAX + 8 * input.length + 64 * 1024);
        expect(split).toEqual(whole);
      }),
      fuzzParams(0xdec0de, 2000),
    );
    await memory.check();
  });

  it('reads the same with reuseBuffers and deferTextValidation (the caller checking text) as without', { timeout: FUZZ_TIMEOUT }, () => {
    fc.assert(
      fc.property(fc.array(itemsArb, { minLength: 1, maxLength: 3 }), mutationsArb(0, 4), chunkingArb(), fc.boolean(), fc.boolean(), (streams, mutations, chunking, reuseBuffers, deferTextValidation) => {
        const valid = streams.map((items) => encode(items).bytes);
        const input = applyMutations(valid[0]!, mutations, valid);
        expect(decode(pieces(input, chunking), MAX, { reuseBuffers, deferTextValidation })).toEqual(decode([input]));
      }),
      fuzzParams(0x0b75, 1500),
    );
  });

  it('answers random bytes with events or a typed error, the same for every chunking', { timeout: FUZZ_TIMEOUT }, () => {
    // Biased to the bytes that start frames, so random input gets past the first header.
    const byte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x80, 0x81, 0x82, 0x00, 0x01, 0x88, 0x89, 0x8a, 0x7e, 0x7f, 0x02, 0x05));
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 400 }), chunkingArb(), (array, chunking) => {
        const input = Uint8Array.from(array);
        expect(timed(() => decode(pieces(input, chunking)))).toEqual(timed(() => decode([input])));
      }),
      fuzzParams(0xb17e5, 2000),
    );
  });

  it('agrees with ws Receiver on mutated streams (real peer, differential)', { timeout: FUZZ_TIMEOUT }, () => {
    fc.assert(
      fc.property(fc.array(itemsArb, { minLength: 1, maxLength: 3 }), mutationsArb(1, 4), (streams, mutations) => {
        const valid = streams.map((items) => encode(items).bytes);
        const input = applyMutations(valid[0]!, mutations, valid);
        const ours = decode([input]);
        const theirs = wsDecode(input);
        // We stop at the first fault; ws may read further, never differently.
        expect(theirs.events.slice(0, ours.events.length)).toEqual(ours.events);
        if (ours.error === null && theirs.error === null) {
          expect(theirs).toEqual(ours);
        } else if (ours.error === null) {
          // ws judges some frames from their header alone (a close declaring 1 byte); we wait for
          // the payload. Then the frame is still open here, and completing it must fail as well.
          expect(theirs.events).toEqual(ours.events);
          expect(decode([input, new Uint8Array(130)]).error, `ws failed with ${theirs.error}`).not.toBeNull();
        } else if (ours.error !== 'WS_INVALID_LENGTH' && ours.error !== 'WS_INVALID_UTF8') {
          // Known strictnesses: we refuse non-minimal length encodings (ws reads them), and we
          // check UTF-8 fragment by fragment (ws only when the message is complete).
          expect(theirs.error, `we failed with ${ours.error}`).not.toBeNull();
        }
      }),
      fuzzParams(0xa11e, 1500),
    );
  });
});
