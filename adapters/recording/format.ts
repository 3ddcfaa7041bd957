/**
 * The cassette file format: constants and the in-memory shapes the writer and reader agree on.
 * Owns the layout only; encoding lives in `cassette-writer.ts`, decoding in `cassette-reader.ts`.
 *
 * Layout: 8-byte magic, u16 big-endian format version, then records until the end of the file.
 * A record is a LEB128 body length, a CRC-32 (big-endian u32) of the body, and the body: one
 * msgpack array whose first element is a {@link RecordTag}. The first record is the header.
 */
import type { GatewayCommand } from '../../machines/commands.js';
import type { GatewayInput } from '../../machines/context.js';
import type { IdentifyData } from '../../machines/events.js';
import type { EngineInput } from '../sans-io/gateway-engine.js';
import type { GatewayEncodingName, TransportCompressionName } from '../sans-io/gateway-url.js';

/** `\x89DGC\r\n\x1a\n`: the high byte and the line endings catch text-mode transfers that mangle the file. */
export const CASSETTE_MAGIC: Uint8Array = Uint8Array.of(0x89, 0x44, 0x47, 0x43, 0x0d, 0x0a, 0x1a, 0x0a);

/** The `format` field of every header. */
export const CASSETTE_FORMAT = 'discord-gateway-cassette';

/** The format version this library writes, and the newest it reads. */
export const CASSETTE_VERSION = 1;

/** Bytes before the first record: the magic and the version. */
export const PREAMBLE_BYTES = CASSETTE_MAGIC.byteLength + 2;

/** The largest record body a reader accepts (a record holds one engine call: a socket read at most). */
export const MAX_RECORD_BYTES = 64 * 1024 * 1024;

/** What the first element of a record body says the record is. */
export const RecordTag = {
  /** `[0, header]` */
  Header: 0,
  /** `[1, micros, outputs]`: the engine's construction (its first clock reading, in whole µs) and what the machine emitted then. */
  Start: 1,
  /** `[2, dt, input, outputs]`: any engine call; `dt` is µs since the previous record's clock reading. */
  Input: 2,
  /** `[3, dt, bytes | null, outputs]`: `receive(bytes)`, the common case, without the input's map. */
  Receive: 3,
  /** `[4, dt, bytes, outputs]`: `receiveMessage(data)` (platform framing). */
  Message: 4,
  /** `[5, dt, inputType, outputs]`: a call whose input could not be stored without a secret; replay stops here. */
  Gap: 5,
  /** `[6, summary]`: the recorder was closed; the session ended here. */
  End: 6,
} as const;

/** Output items inside a step's `outputs` array that are not plain command maps: `[kind, ...]`. */
export const OutputKind = {
  /** `[1, bytes]`: the engine drew these random bytes (WebSocket key, masks). */
  Random: 1,
  /** `[2, s, digest]`: a `gateway.dispatch` command; its payload came from the step's input bytes. */
  Dispatch: 2,
  /** `[3, name, code, message]`: the engine call threw. */
  Thrown: 3,
} as const;

/** The engine options a replay needs to rebuild the same engine (never the token). */
export interface CassetteEngineOptions {
  readonly identify: IdentifyData | null;
  readonly identifyGate: boolean;
  readonly policies: GatewayInput['policies'] | null;
  readonly limits: { readonly maxMessageSize?: number; readonly maxInflatedSize?: number } | null;
  readonly framing: 'engine' | 'platform';
  /** The persisted snapshot the engine started from, or null. */
  readonly snapshot: unknown;
  /** Whether the engine had a token (replays give it a placeholder so IDENTIFY can be encoded). */
  readonly token: boolean;
  /** The token as the cassette masks it (never the token itself); absent in older cassettes. */
  readonly tokenMask?: string | null;
}

/** The first record of every cassette. */
export interface CassetteHeader {
  readonly format: typeof CASSETTE_FORMAT;
  readonly version: number;
  readonly library: { readonly name: string; readonly version: string };
  /** A free-form name for the session (a fixture's scenario), or null. */
  readonly label: string | null;
  /** Wall-clock start, milliseconds since the Unix epoch. */
  readonly startedAt: number;
  /** The `url` option as given (the engine adds `v`, `encoding`, `compress`). */
  readonly url: string;
  readonly encoding: GatewayEncodingName;
  readonly compress: TransportCompressionName | null;
  /** The machine's jitter seed. */
  readonly seed: number;
  readonly engine: CassetteEngineOptions;
}

/** One thing the engine did during a call, as stored and as compared by the replayer. */
export type StepOutput =
  | { readonly kind: 'command'; readonly command: GatewayCommand }
  | {
      readonly kind: 'dispatch';
      readonly s: number | null;
      /** 32-bit digest of the dispatch payload's JSON text (see `dispatch-digest.ts`). */
      readonly digest: number;
      /** The event name; known after a replay, not stored in the file. */
      readonly t?: string | null;
    }
  | { readonly kind: 'random'; readonly bytes: Uint8Array }
  | { readonly kind: 'thrown'; readonly name: string; readonly code: string | null; readonly message: string };

/** One engine call and everything it caused. */
export interface CassetteStep {
  /** 1-based position among the steps (0 is the engine's construction). */
  readonly index: number;
  /** The engine's clock reading for the whole call, in milliseconds. */
  readonly at: number;
  readonly input: EngineInput;
  readonly outputs: readonly StepOutput[];
  /** True when the input was withheld because it would have carried a secret: replay stops here. */
  readonly gap: boolean;
}

/** A decoded cassette. */
export interface Cassette {
  readonly header: CassetteHeader;
  /** The engine's construction: its first clock reading and the commands of the machine's start. */
  readonly start: { readonly at: number; readonly outputs: readonly StepOutput[] };
  readonly steps: readonly CassetteStep[];
  /** True when the recorder was closed (an End record is present). */
  readonly complete: boolean;
  /** True when the file ended inside a record and the reader kept the readable prefix. */
  readonly truncated: boolean;
  /** Size of the file in bytes. */
  readonly byteLength: number;
}
