/**
 * Encodes cassette records (see `format.ts` for the layout). Owns bytes only: what goes into a
 * record (and its redaction) is the recorder's business; where the bytes go is the sink's.
 */
import { Encoder } from '@msgpack/msgpack';
import type { EngineInput } from '../sans-io/gateway-engine.js';
import { crc32 } from './crc32.js';
import { CASSETTE_MAGIC, CASSETTE_VERSION, type CassetteHeader, OutputKind, PREAMBLE_BYTES, RecordTag, type StepOutput } from './format.js';

/** Turns headers and steps into framed records, ready to append to a cassette. */
export class CassetteWriter {
  readonly #encoder = new Encoder({ ignoreUndefined: true, maxDepth: 1024 });
  /** The previous record's clock reading in whole microseconds: steps store the difference. */
  #micros = 0;

  /** The magic and the format version: the first bytes of every cassette. */
  preamble(): Uint8Array {
    const out = new Uint8Array(PREAMBLE_BYTES);
    out.set(CASSETTE_MAGIC);
    new DataView(out.buffer).setUint16(CASSETTE_MAGIC.byteLength, CASSETTE_VERSION);
    return out;
  }

  /** The header record. */
  header(header: CassetteHeader): Uint8Array {
    return this.#record([RecordTag.Header, header]);
  }

  /**
   * The engine's construction: its first clock reading (whole microseconds, see
   * {@link toMicros}) and the machine's start commands.
   */
  start(micros: number, outputs: readonly StepOutput[]): Uint8Array {
    this.#micros = micros;
    return this.#record([RecordTag.Start, micros, encodeOutputs(outputs)]);
  }

  /** One engine call at `micros`; socket reads and platform messages get a compact form. */
  step(micros: number, input: EngineInput, outputs: readonly StepOutput[]): Uint8Array {
    const delta = this.#advance(micros);
    const encoded = encodeOutputs(outputs);
    if (input.type === 'receive') return this.#record([RecordTag.Receive, delta, input.bytes, encoded]);
    if (input.type === 'message') return this.#record([RecordTag.Message, delta, input.data, encoded]);
    return this.#record([RecordTag.Input, delta, input, encoded]);
  }

  /** A call whose input was withheld (it would have carried a secret); its outputs stay for the timeline. */
  gap(micros: number, inputType: EngineInput['type'], outputs: readonly StepOutput[]): Uint8Array {
    return this.#record([RecordTag.Gap, this.#advance(micros), inputType, encodeOutputs(outputs)]);
  }

  /** The end marker: the recorder was closed normally. */
  end(summary: { steps: number; endedAt: number }): Uint8Array {
    return this.#record([RecordTag.End, summary]);
  }

  #advance(micros: number): number {
    const delta = micros - this.#micros;
    this.#micros = micros;
    return delta;
  }

  #record(body: unknown): Uint8Array {
    return frameRecord(this.#encoder.encode(body));
  }
}

/**
 * A clock reading in whole microseconds. Recorders hand the engine `toMicros(raw) / 1000`, so
 * the integer stored is exactly the clock the engine saw, and a replay rebuilds the same double.
 */
export function toMicros(ms: number): number {
  return Math.round(ms * 1000);
}

/** `LEB128(length) | crc32(body) (u32 BE) | body`. */
export function frameRecord(body: Uint8Array): Uint8Array {
  let lengthBytes = 1;
  for (let n = body.byteLength; n >= 0x80; n = Math.floor(n / 128)) lengthBytes++;
  const out = new Uint8Array(lengthBytes + 4 + body.byteLength);
  let pos = 0;
  let n = body.byteLength;
  while (n >= 0x80) {
    out[pos++] = (n & 0x7f) | 0x80;
    n = Math.floor(n / 128);
  }
  out[pos++] = n;
  new DataView(out.buffer).setUint32(pos, crc32(body));
  out.set(body, pos + 4);
  return out;
}

function encodeOutputs(outputs: readonly StepOutput[]): unknown[] {
  return outputs.map(encodeOutput);
}

function encodeOutput(output: StepOutput): unknown {
  switch (output.kind) {
    case 'command':
      return output.command;
    case 'dispatch':
      return [OutputKind.Dispatch, output.s, output.digest];
    case 'random':
      return [OutputKind.Random, output.bytes];
    case 'thrown':
      return [OutputKind.Thrown, output.name, output.code, output.message];
  }
}
