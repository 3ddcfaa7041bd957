/**
 * The errors the payload encodings throw. Each has a stable `code`; messages describe the
 * input's fault (never its content, which may hold a token) so a user can act on them.
 */
import { DiscordGatewayError } from '../errors.js';

/** Stable codes of {@link PayloadDecodeError}. */
export type PayloadDecodeErrorCode =
  | 'PAYLOAD_INVALID_UTF8'
  | 'PAYLOAD_INVALID_JSON'
  | 'PAYLOAD_INVALID_SHAPE';

/**
 * A JSON payload that is not UTF-8 or not JSON, or any payload whose envelope is not
 * `{ op: integer, d, s?: integer | null, t?: string | null }`. Close with 1007 (bad UTF-8)
 * or 4002-style decode handling; the bytes are never echoed in the message.
 */
export class PayloadDecodeError extends DiscordGatewayError {
  declare readonly code: PayloadDecodeErrorCode;

  constructor(code: PayloadDecodeErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** Stable codes of {@link PayloadEncodeError}. */
export type PayloadEncodeErrorCode = 'PAYLOAD_UNSERIALIZABLE';

/** A value `encodeJson` cannot write: a bigint, a cycle, or nothing at all (undefined, a function). */
export class PayloadEncodeError extends DiscordGatewayError {
  declare readonly code: PayloadEncodeErrorCode;

  constructor(code: PayloadEncodeErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/**
 * Stable codes of {@link EtfDecodeError}:
 * - `ETF_BAD_VERSION`: the first byte is not 131.
 * - `ETF_TRUNCATED`: a tag, field or declared length runs past the end of the input.
 * - `ETF_UNKNOWN_TAG`: a byte that is no ETF tag.
 * - `ETF_UNSUPPORTED_TAG`: a real ETF term with no JSON shape (pid, port, reference, fun, export, bitstring, atom cache ref).
 * - `ETF_TOO_DEEP`: lists, tuples and maps nested deeper than `maxDepth`.
 * - `ETF_IMPROPER_LIST`: a list whose tail is not NIL.
 * - `ETF_BAD_MAP_KEY`: a map key that is not an atom, binary or integer.
 * - `ETF_BAD_FLOAT`: a FLOAT_EXT string that is not a float, or a NaN or infinite NEW_FLOAT_EXT.
 * - `ETF_BAD_ATOM`: an atom over 255 characters, or a UTF-8 atom that is not UTF-8.
 * - `ETF_BIG_TOO_LARGE`: a bignum of more than 1024 digit bytes.
 * - `ETF_NESTED_COMPRESSED`: a compressed term anywhere but at the top level.
 * - `ETF_INFLATE_TOO_LARGE`: a compressed term declaring more than `maxInflatedSize` bytes, or more than its zlib data can hold.
 * - `ETF_INFLATE_FAILED`: zlib data that does not inflate or fails its checksum.
 * - `ETF_INFLATE_SIZE_MISMATCH`: zlib data inflating to another size than declared.
 * - `ETF_TRAILING_BYTES`: bytes left after the term (Erlang ignores them; a gateway message is one term).
 */
export type EtfDecodeErrorCode =
  | 'ETF_BAD_VERSION'
  | 'ETF_TRUNCATED'
  | 'ETF_UNKNOWN_TAG'
  | 'ETF_UNSUPPORTED_TAG'
  | 'ETF_TOO_DEEP'
  | 'ETF_IMPROPER_LIST'
  | 'ETF_BAD_MAP_KEY'
  | 'ETF_BAD_FLOAT'
  | 'ETF_BAD_ATOM'
  | 'ETF_BIG_TOO_LARGE'
  | 'ETF_NESTED_COMPRESSED'
  | 'ETF_INFLATE_TOO_LARGE'
  | 'ETF_INFLATE_FAILED'
  | 'ETF_INFLATE_SIZE_MISMATCH'
  | 'ETF_TRAILING_BYTES';

/**
 * Malformed or unsupported ETF input. `offset` is the byte where the fault was found; when
 * `compressed` is true it counts bytes of the inflated term (after the 6-byte header).
 */
export class EtfDecodeError extends DiscordGatewayError {
  declare readonly code: EtfDecodeErrorCode;
  /** Byte offset of the fault, in the input or (if `compressed`) in the inflated term. */
  readonly offset: number;
  /** True when the fault lies inside the inflated body of a compressed (tag 80) term. */
  readonly compressed: boolean;

  constructor(
    code: EtfDecodeErrorCode,
    message: string,
    offset: number,
    compressed = false,
    options?: { cause?: unknown },
  ) {
    super(code, `${message} (at ${compressed ? 'inflated ' : ''}byte ${offset})`, options);
    this.offset = offset;
    this.compressed = compressed;
  }
}

/**
 * Stable codes of {@link EtfEncodeError}:
 * - `ETF_ENCODE_UNSUPPORTED`: a function, symbol, non-finite number or top-level undefined.
 * - `ETF_ENCODE_CIRCULAR`: an object or array that contains itself.
 * - `ETF_ENCODE_TOO_DEEP`: nesting deeper than 512 containers.
 */
export type EtfEncodeErrorCode = 'ETF_ENCODE_UNSUPPORTED' | 'ETF_ENCODE_CIRCULAR' | 'ETF_ENCODE_TOO_DEEP';

/** A value `encodeEtf` cannot write as a term Discord accepts. */
export class EtfEncodeError extends DiscordGatewayError {
  declare readonly code: EtfEncodeErrorCode;

  constructor(code: EtfEncodeErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

/** An option passed to `decodeEtf` is unusable (a bound that is not a positive integer). */
export class EtfOptionError extends DiscordGatewayError {
  declare readonly code: 'ETF_INVALID_OPTION';

  constructor(message: string) {
    super('ETF_INVALID_OPTION', message);
  }
}
