/**
 * The way in: each whole WebSocket message is decompressed, then decoded (or, for a dispatch
 * nobody wants while the session is ready, only scanned for its sequence), then either delivered
 * by the ready state's fast path or handed back as the machine event it makes.
 *
 * Rules: owns the decompression context, lazy dispatch decoding and the fast path's sequence. It
 * never feeds the machine (its caller does, with what `deliver` returns), never touches a socket
 * and never sees the token. Per message it allocates nothing beyond what the codecs return.
 */
import type { PayloadEncoding } from '../../codec/encoding/encodings.js';
import { PayloadDecodeError } from '../../codec/encoding/errors.js';
import type { GatewayPayload } from '../../codec/encoding/payload.js';
import type { GatewayEvent } from '../../machines/events.js';
import { GatewayOpcode } from '../../machines/opcodes.js';
import { eventFromPayload } from '../../machines/payload-events.js';
import type { GatewaySnapshot } from '../../machines/runner.js';
import { isNewSequence } from '../../machines/sequence.js';
import { createDecompressor, type StreamDecompressor } from './decompressor.js';
import type { GatewayEngineOptions } from './engine-types.js';
import { InvalidOptionError } from './errors.js';
import type { TransportCompressionName } from './gateway-url.js';
import type { Outbox } from './outbox.js';

/** One engine's inbound messages: decompression, decoding (lazy where allowed) and the dispatch fast path. */
export class Inbound {
  /**
   * Uncompressed JSON: every text message is decoded by a fatal TextDecoder (native, and far
   * faster than the frame decoder's check in JavaScript), so the socket leaves UTF-8 to it.
   */
  readonly deferText: boolean;
  readonly #options: GatewayEngineOptions;
  readonly #encoding: PayloadEncoding;
  readonly #out: Outbox;
  readonly #decompressor: StreamDecompressor | null;
  /** `wantedDispatches` plus READY and RESUMED, or null when every dispatch is wanted. */
  readonly #wanted: ReadonlySet<string> | null;
  /** Unwanted dispatches may go undecoded (lazy dispatch decoding). */
  readonly #lazy: boolean;
  /** The machine's state allows the dispatch fast path (tag `streaming`). */
  #streaming = false;
  /** The last sequence delivered (the machine's, plus what the fast path added). */
  #sequence: number | null = null;
  /** A sequence the fast path reached that the machine has not heard yet. */
  #pendingSequence: number | null = null;

  /** Throws `InvalidOptionError` for an unknown `compress` or a malformed `wantedDispatches`. */
  constructor(options: GatewayEngineOptions, encoding: PayloadEncoding, compress: TransportCompressionName | null, out: Outbox) {
    this.#options = options;
    this.#encoding = encoding;
    this.#out = out;
    this.#decompressor = createDecompressor(compress, options.limits?.maxInflatedSize, options.limits?.maxWindowSize);
    this.#wanted = wantedSet(options.wantedDispatches);
    this.#lazy = this.#wanted !== null && !options.emitPayloads && !options.observer;
    // A skipped dispatch's text is never decoded, so then the socket must check text itself.
    this.deferText = encoding.name === 'json' && compress === null && !this.#lazy;
  }

  /** A new connection: a new decompression context (zlib-stream and zstd-stream span one connection). */
  reset(): void {
    this.#decompressor?.reset();
  }

  /**
   * One whole WebSocket message as a payload. Null while a compressed message is still incomplete,
   * and for an unwanted dispatch skipped undecoded (its sequence is tracked all the same). Throws
   * the codecs' typed errors for bad data.
   */
  decode(data: Uint8Array): GatewayPayload | null {
    const message = this.#decompressor ? this.#decompressor.push(data) : data;
    if (message === null) return null;
    if (this.#lazy && this.#streaming) {
      const envelope = this.#encoding.skippableDispatch(message, this.#wanted!);
      if (envelope !== null) {
        this.#advanceSequence(envelope.s);
        return null;
      }
    }
    return this.#encoding.decode(message);
  }

  /** Whether `error` is bad UTF-8 in text the socket left unchecked for the decoder (`deferText`). */
  isUncheckedText(error: unknown): boolean {
    return this.deferText && error instanceof PayloadDecodeError && error.code === 'PAYLOAD_INVALID_UTF8';
  }

  /**
   * Delivers a decoded payload: a dispatch while ready goes by the fast path and yields null;
   * anything else yields the machine event it makes (null for none), for the caller to feed.
   */
  deliver(payload: GatewayPayload): GatewayEvent | null {
    if (this.#options.emitPayloads) this.#out.effects.push({ type: 'payload', payload });
    if (payload.op === GatewayOpcode.Dispatch && this.#streaming) {
      this.#deliverFast(payload);
      return null;
    }
    return eventFromPayload(payload, this.#out.at);
  }

  /** Whether the application wants this dispatch (`wantedDispatches`). */
  wants(payload: GatewayPayload): boolean {
    return this.#wanted === null || this.#wanted.has(payload.t as string);
  }

  /** Takes up the machine's snapshot after each step: whether the fast path is open, and its sequence. */
  follow(snapshot: GatewaySnapshot): void {
    this.#streaming = snapshot.hasTag('streaming');
    this.#sequence = snapshot.context.sequence;
  }

  /** Hands over the sequence the fast path reached that the machine has not heard yet (null: none). */
  takePendingSequence(): number | null {
    const sequence = this.#pendingSequence;
    this.#pendingSequence = null;
    return sequence;
  }

  /**
   * The ready state's fast path (its `streaming` tag allows it): a dispatch is checked with the
   * machine's own sequence rule and delivered without a machine step; the machine hears the
   * highest sequence before its next event (a heartbeat, a close, ...) or when the snapshot is
   * read. A busy connection then costs per dispatch little more than decoding it.
   */
  #deliverFast(payload: GatewayPayload): void {
    if (!this.#advanceSequence(payload.s)) return;
    this.#options.observer?.command?.({ type: 'gateway.dispatch', payload }, this.#out.at);
    if (this.wants(payload)) this.#out.effects.push({ type: 'dispatch', payload });
  }

  /** The fast path's sequence rule: false for a stale dispatch; else records `s` (if any) as the last. */
  #advanceSequence(s: number | null | undefined): boolean {
    if (!isNewSequence(this.#sequence, s)) return false;
    if (typeof s === 'number') {
      this.#sequence = s;
      this.#pendingSequence = s;
    }
    return true;
  }
}

/** The set of wanted dispatch types (READY and RESUMED always among them), or null for all. */
function wantedSet(wanted: readonly string[] | undefined): ReadonlySet<string> | null {
  if (wanted === undefined) return null;
  if (!Array.isArray(wanted) || wanted.some((t) => typeof t !== 'string')) {
    throw new InvalidOptionError('`wantedDispatches` must be an array of dispatch names such as "MESSAGE_CREATE".');
  }
  return new Set<string>([...wanted, 'READY', 'RESUMED']);
}
