/**
 * Reads a cassette (see `format.ts`) into memory and checks every record's framing, checksum and
 * shape. Any damage is a {@link CassetteError} with a stable code and the byte offset; the reader
 * never allocates more than the file's size and never loops without consuming bytes.
 */
import { Decoder } from '@msgpack/msgpack';
import type { EngineInput } from '../sans-io/gateway-engine.js';
import { crc32 } from './crc32.js';
import { CassetteError } from './errors.js';
import {
  CASSETTE_FORMAT,
  CASSETTE_MAGIC,
  CASSETTE_VERSION,
  type Cassette,
  type CassetteHeader,
  type CassetteStep,
  MAX_RECORD_BYTES,
  OutputKind,
  PREAMBLE_BYTES,
  RecordTag,
  type StepOutput,
} from './format.js';

/** Options of {@link readCassette}. */
export interface ReadCassetteOptions {
  /** Keep the records before a record the file ends inside (a crash mid-write) instead of throwing CASSETTE_TRUNCATED. */
  readonly allowTruncated?: boolean;
}

const decoder = new Decoder({
  maxStrLength: MAX_RECORD_BYTES,
  maxBinLength: MAX_RECORD_BYTES,
  maxArrayLength: MAX_RECORD_BYTES,
  maxMapLength: MAX_RECORD_BYTES,
  maxExtLength: MAX_RECORD_BYTES,
});

/** Decodes a whole cassette. Throws {@link CassetteError} for a file that is not a readable cassette. */
export function readCassette(bytes: Uint8Array, options: ReadCassetteOptions = {}): Cassette {
  checkPreamble(bytes);
  let header: CassetteHeader | null = null;
  let start: Cassette['start'] | null = null;
  const steps: CassetteStep[] = [];
  let complete = false;
  let truncated = false;
  let pos = PREAMBLE_BYTES;
  let index = 0;
  /** The clock in whole microseconds: the start record holds it, each step the difference. */
  let micros = 0;
  while (pos < bytes.byteLength) {
    const offset = pos;
    const framed = readFrame(bytes, pos, index);
    if (framed === null) {
      if (!options.allowTruncated || header === null) {
        throw new CassetteError(
          'CASSETTE_TRUNCATED',
          `The cassette ends inside record ${index} (at byte ${offset} of ${bytes.byteLength}): the recording was cut short by a crash or a partial copy.` +
            (header === null ? '' : ' Pass { allowTruncated: true } to read the records before it.'),
          offset,
        );
      }
      truncated = true;
      break;
    }
    pos = framed.next;
    if (complete) throw corrupt(`record ${index} follows the end record`, offset);
    const body = decodeBody(bytes.subarray(framed.bodyStart, framed.next), index, offset);
    const tag = body[0];
    if (index === 0 && tag !== RecordTag.Header) throw corrupt('the first record is not the header', offset);
    switch (tag) {
      case RecordTag.Header:
        if (index !== 0) throw corrupt(`record ${index} is a second header`, offset);
        header = readHeader(body[1], offset);
        break;
      case RecordTag.Start:
        if (start !== null || steps.length > 0) throw corrupt(`record ${index} starts the engine a second time`, offset);
        expectLength(body, 3, index, offset);
        micros = readMicros(body[1], 0, index, offset);
        start = { at: micros / 1000, outputs: readOutputs(body[2], index, offset) };
        break;
      case RecordTag.Input:
      case RecordTag.Receive:
      case RecordTag.Message:
      case RecordTag.Gap:
        if (start === null) throw corrupt(`record ${index} is an engine call before the engine's start`, offset);
        expectLength(body, 4, index, offset);
        micros = readMicros(body[1], micros, index, offset);
        steps.push({
          index: steps.length + 1,
          at: micros / 1000,
          input: readInput(tag, body[2], index, offset),
          outputs: readOutputs(body[3], index, offset),
          gap: tag === RecordTag.Gap,
        });
        break;
      case RecordTag.End:
        complete = true;
        break;
      default:
        throw corrupt(`record ${index} has the unknown tag ${String(tag)}`, offset);
    }
    index++;
  }
  if (header === null) {
    throw new CassetteError('CASSETTE_TRUNCATED', `The cassette has no header: it holds only the ${PREAMBLE_BYTES}-byte preamble.`, bytes.byteLength);
  }
  return { header, start: start ?? { at: 0, outputs: [] }, steps, complete, truncated, byteLength: bytes.byteLength };
}

function checkPreamble(bytes: Uint8Array): void {
  const magicLength = CASSETTE_MAGIC.byteLength;
  const compared = Math.min(bytes.byteLength, magicLength);
  for (let i = 0; i < compared; i++) {
    if (bytes[i] !== CASSETTE_MAGIC[i]) {
      throw new CassetteError(
        'CASSETTE_BAD_MAGIC',
        `This is not a gateway cassette: it does not start with the cassette magic bytes${describeStart(bytes)}.`,
        i,
      );
    }
  }
  if (bytes.byteLength < PREAMBLE_BYTES) {
    throw new CassetteError(
      'CASSETTE_TRUNCATED',
      bytes.byteLength === 0 ? 'The cassette file is empty.' : `The cassette is ${bytes.byteLength} bytes long, shorter than its ${PREAMBLE_BYTES}-byte preamble.`,
      bytes.byteLength,
    );
  }
  const version = (bytes[magicLength]! << 8) | bytes[magicLength + 1]!;
  if (version === 0) throw corrupt('the format version is 0', magicLength);
  if (version > CASSETTE_VERSION) {
    throw new CassetteError(
      'CASSETTE_UNSUPPORTED_VERSION',
      `The cassette uses format version ${version}; this library reads versions up to ${CASSETTE_VERSION}. Upgrade the library to replay it.`,
      magicLength,
    );
  }
}

function describeStart(bytes: Uint8Array): string {
  if (bytes.byteLength === 0) return '';
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, '0')).join(' ');
  return ` (it starts with ${head})`;
}

/** One record's frame, or null when the file ends inside it. */
function readFrame(bytes: Uint8Array, pos: number, index: number): { bodyStart: number; next: number } | null {
  let length = 0;
  let scale = 1;
  let p = pos;
  for (;;) {
    if (p >= bytes.byteLength) return null;
    const byte = bytes[p++]!;
    length += (byte & 0x7f) * scale;
    if (byte < 0x80) break;
    scale *= 128;
    if (p - pos >= 5) throw corrupt(`record ${index} has an unreadable length`, pos);
  }
  if (length > MAX_RECORD_BYTES) {
    throw new CassetteError('CASSETTE_TOO_LARGE', `Record ${index} declares ${length} bytes; records are at most ${MAX_RECORD_BYTES} bytes. The file is damaged.`, pos);
  }
  if (length === 0) throw corrupt(`record ${index} is empty`, pos);
  const bodyStart = p + 4;
  const next = bodyStart + length;
  if (next > bytes.byteLength) return null;
  const expected = ((bytes[p]! << 24) | (bytes[p + 1]! << 16) | (bytes[p + 2]! << 8) | bytes[p + 3]!) >>> 0;
  if (crc32(bytes, bodyStart, next) !== expected) throw corrupt(`record ${index} fails its checksum`, pos);
  return { bodyStart, next };
}

function decodeBody(body: Uint8Array, index: number, offset: number): unknown[] {
  let value: unknown;
  try {
    value = decoder.decode(body);
  } catch (error) {
    throw corrupt(`record ${index} is not valid msgpack`, offset, error);
  }
  if (!Array.isArray(value) || value.length === 0) throw corrupt(`record ${index} is not a tagged array`, offset);
  return value;
}

function corrupt(fault: string, offset: number, cause?: unknown): CassetteError {
  return new CassetteError('CASSETTE_CORRUPT', `The cassette is damaged: ${fault} (byte ${offset}).`, offset, cause === undefined ? undefined : { cause });
}

function expectLength(body: unknown[], length: number, index: number, offset: number): void {
  if (body.length !== length) throw corrupt(`record ${index} has ${body.length} fields instead of ${length}`, offset);
}

/** `base + value` as a clock reading in microseconds, checked to stay an exact integer. */
function readMicros(value: unknown, base: number, index: number, offset: number): number {
  const micros = base + (value as number);
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || !Number.isSafeInteger(micros)) throw corrupt(`record ${index} has no valid time`, offset);
  return micros;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
const isInteger = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);
const isNullableString = (value: unknown): value is string | null => value === null || typeof value === 'string';

function readHeader(value: unknown, offset: number): CassetteHeader {
  const bad = (field: string) => corrupt(`the header's ${field} is missing or invalid`, offset);
  if (!isObject(value)) throw bad('record');
  if (value.format !== CASSETTE_FORMAT) throw bad('format name');
  if (!isInteger(value.version) || value.version < 1 || value.version > CASSETTE_VERSION) throw bad('version');
  const library = value.library;
  if (!isObject(library) || typeof library.name !== 'string' || typeof library.version !== 'string') throw bad('library');
  if (!isNullableString(value.label)) throw bad('label');
  if (typeof value.startedAt !== 'number') throw bad('startedAt');
  if (typeof value.url !== 'string') throw bad('url');
  if (value.encoding !== 'json' && value.encoding !== 'etf') throw bad('encoding');
  if (value.compress !== null && value.compress !== 'zlib-stream' && value.compress !== 'zstd-stream') throw bad('compress');
  if (!isInteger(value.seed)) throw bad('seed');
  const engine = value.engine;
  if (!isObject(engine)) throw bad('engine options');
  if (engine.identify !== null && !isObject(engine.identify)) throw bad('engine.identify');
  if (typeof engine.identifyGate !== 'boolean') throw bad('engine.identifyGate');
  if (engine.policies !== null && !isObject(engine.policies)) throw bad('engine.policies');
  if (engine.limits !== null && !isObject(engine.limits)) throw bad('engine.limits');
  if (engine.framing !== 'engine' && engine.framing !== 'platform') throw bad('engine.framing');
  if (typeof engine.token !== 'boolean') throw bad('engine.token');
  return value as unknown as CassetteHeader;
}

const SIMPLE_INPUTS = new Set(['connect', 'transport.connected', 'transport.opened', 'identify.granted', 'resume', 'heartbeat']);

function readInput(tag: number, value: unknown, index: number, offset: number): EngineInput {
  const bad = () => corrupt(`record ${index} holds an invalid engine input`, offset);
  if (tag === RecordTag.Receive) {
    if (value !== null && !(value instanceof Uint8Array)) throw bad();
    return { type: 'receive', bytes: value };
  }
  if (tag === RecordTag.Message) {
    if (!(value instanceof Uint8Array)) throw bad();
    return { type: 'message', data: value };
  }
  if (tag === RecordTag.Gap) {
    if (typeof value !== 'string') throw bad();
    // The withheld input keeps only its type; replay stops before it.
    return { type: value } as EngineInput;
  }
  if (!isObject(value) || typeof value.type !== 'string') throw bad();
  const input = value;
  if (SIMPLE_INPUTS.has(input.type as string)) return { type: input.type } as EngineInput;
  switch (input.type) {
    case 'receive':
      if (input.bytes !== null && !(input.bytes instanceof Uint8Array)) throw bad();
      break;
    case 'message':
      if (!(input.data instanceof Uint8Array)) throw bad();
      break;
    case 'transport.closed':
      if (typeof input.reason !== 'string' || (input.code !== undefined && input.code !== null && !isInteger(input.code))) throw bad();
      break;
    case 'timer':
      if (typeof input.name !== 'string') throw bad();
      break;
    case 'send':
      if (!isObject(input.payload) || !isInteger(input.payload.op) || typeof input.queue !== 'boolean') throw bad();
      break;
    case 'close':
      if (!isInteger(input.code) || typeof input.reason !== 'string') throw bad();
      break;
    case 'identify':
      if (!isObject(input.data)) throw bad();
      break;
    default:
      throw corrupt(`record ${index} holds the unknown input type ${JSON.stringify(String(input.type).slice(0, 40))}`, offset);
  }
  return input as unknown as EngineInput;
}

function readOutputs(value: unknown, index: number, offset: number): StepOutput[] {
  const bad = () => corrupt(`record ${index} holds an invalid output`, offset);
  if (!Array.isArray(value)) throw bad();
  const outputs: StepOutput[] = [];
  for (const item of value) {
    if (isObject(item)) {
      if (typeof item.type !== 'string') throw bad();
      outputs.push({ kind: 'command', command: item as never });
      continue;
    }
    if (!Array.isArray(item)) throw bad();
    switch (item[0]) {
      case OutputKind.Random:
        if (item.length !== 2 || !(item[1] instanceof Uint8Array)) throw bad();
        outputs.push({ kind: 'random', bytes: item[1] });
        break;
      case OutputKind.Dispatch:
        if (item.length !== 3 || (item[1] !== null && !isInteger(item[1])) || !isInteger(item[2]) || item[2] < 0 || item[2] > 0xffffffff) throw bad();
        outputs.push({ kind: 'dispatch', s: item[1], digest: item[2] });
        break;
      case OutputKind.Thrown:
        if (item.length !== 4 || typeof item[1] !== 'string' || !isNullableString(item[2]) || typeof item[3] !== 'string') throw bad();
        outputs.push({ kind: 'thrown', name: item[1], code: item[2], message: item[3] });
        break;
      default:
        throw bad();
    }
  }
  return outputs;
}
