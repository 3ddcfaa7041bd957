/**
 * Test helpers for cassettes: the fixtures, and an independent decoder of a cassette's inbound
 * bytes (its own WebSocket frame parser, `node:zlib`, JSON.parse and the fake gateway's ETF
 * decoder), so redaction is checked by code that shares nothing with the library's codecs.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { constants, inflateSync } from 'node:zlib';
import { decodeEtf } from '../../adapters/fake-gateway/etf-decoder.js';
import { readCassette } from '../../adapters/recording/cassette-reader.js';
import type { Cassette } from '../../adapters/recording/format.js';
import { concat } from '../helpers/bytes.js';
import { endsWithSyncFlush } from '../helpers/sync-flush.js';

/** Where the committed session fixtures live. */
export const FIXTURES_DIR = fileURLToPath(new URL('../fixtures/sessions', import.meta.url));

/** Every fixture's file name, sorted. */
export function fixtureFiles(): string[] {
  return readdirSync(FIXTURES_DIR)
    .filter((name) => name.endsWith('.cassette'))
    .sort();
}

/** A fixture's bytes. */
export function fixtureBytes(name: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES_DIR, name.endsWith('.cassette') ? name : `${name}.cassette`)));
}

/** A decoded fixture. */
export function fixture(name: string): Cassette {
  return readCassette(fixtureBytes(name));
}

/** What came in on one connection, decoded independently. */
export interface InboundConnection {
  /** The HTTP upgrade response head. */
  readonly handshake: string;
  /** WebSocket data messages (continuations joined). */
  readonly messages: Uint8Array[];
  /** Close frame payloads. */
  readonly closes: Uint8Array[];
  /** The gateway payloads, decoded (inflated first for zlib-stream). */
  readonly payloads: unknown[];
  /** Every text the bytes held: handshake, inflated messages, close reasons, payloads as JSON. */
  readonly texts: string[];
}

const latin1 = new TextDecoder('latin1');

/** Splits a cassette's inbound bytes per connection and decodes them without the library's codecs. */
export function decodeInbound(cassette: Cassette): InboundConnection[] {
  const connections: { chunks: Uint8Array[]; messages: Uint8Array[] }[] = [];
  const current = () => connections[connections.length - 1];
  for (const step of cassette.steps) {
    for (const output of step.outputs) {
      if (output.kind === 'command' && output.command.type === 'socket.open') connections.push({ chunks: [], messages: [] });
    }
    if (step.gap) continue;
    if (step.input.type === 'receive' && step.input.bytes) current()?.chunks.push(step.input.bytes);
    if (step.input.type === 'message') current()?.messages.push(step.input.data);
  }
  return connections.map((connection) => {
    const framed = connection.chunks.length ? parseFrames(concat(connection.chunks)) : { handshake: '', messages: connection.messages, closes: [] };
    const { payloads, texts } = decodeMessages(framed.messages, cassette.header.compress, cassette.header.encoding);
    texts.push(framed.handshake, ...framed.closes.map((c) => latin1.decode(c)));
    return { ...framed, payloads, texts };
  });
}

function parseFrames(bytes: Uint8Array): { handshake: string; messages: Uint8Array[]; closes: Uint8Array[] } {
  let end = 0;
  while (end + 3 < bytes.length && !(bytes[end] === 13 && bytes[end + 1] === 10 && bytes[end + 2] === 13 && bytes[end + 3] === 10)) end++;
  const handshake = latin1.decode(bytes.subarray(0, end + 4));
  const messages: Uint8Array[] = [];
  const closes: Uint8Array[] = [];
  let partial: Uint8Array[] = [];
  let pos = end + 4;
  while (pos + 2 <= bytes.length) {
    const opcode = bytes[pos]! & 0x0f;
    const fin = (bytes[pos]! & 0x80) !== 0;
    let length = bytes[pos + 1]! & 0x7f;
    pos += 2;
    if (length === 126) {
      length = (bytes[pos]! << 8) | bytes[pos + 1]!;
      pos += 2;
    } else if (length === 127) {
      length = Number(new DataView(bytes.buffer, bytes.byteOffset + pos, 8).getBigUint64(0));
      pos += 8;
    }
    if (pos + length > bytes.length) break;
    const payload = bytes.subarray(pos, pos + length);
    pos += length;
    if (opcode === 8) closes.push(payload);
    else if (opcode === 0 || opcode === 1 || opcode === 2) {
      partial.push(payload);
      if (fin) {
        messages.push(concat(partial));
        partial = [];
      }
    }
  }
  return { handshake, messages, closes };
}

function decodeMessages(messages: Uint8Array[], compress: string | null, encoding: string): { payloads: unknown[]; texts: string[] } {
  const payloads: unknown[] = [];
  const texts: string[] = [];
  const decode = (message: Uint8Array) => {
    texts.push(latin1.decode(message));
    try {
      const payload = encoding === 'etf' ? decodeEtf(message, { allowAtomKeys: true }) : JSON.parse(new TextDecoder().decode(message));
      payloads.push(payload);
      texts.push(JSON.stringify(payload));
    } catch {
      // Not a whole payload (e.g. after a withheld record): its raw text is still searched.
    }
  };
  if (compress !== 'zlib-stream') {
    for (const message of messages) decode(message);
    return { payloads, texts };
  }
  if (encoding === 'json') {
    // One zlib stream per connection: inflate it whole, then split the JSON texts apart.
    let all: Uint8Array;
    try {
      all = inflateSync(concat(messages), { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      all = new Uint8Array(0);
    }
    for (const text of splitJsonTexts(new TextDecoder().decode(all))) decode(new TextEncoder().encode(text));
    return { payloads, texts };
  }
  // ETF: inflate each prefix ending at a flush marker, keep the new part.
  const stream: Uint8Array[] = [];
  let inflated = 0;
  for (const message of messages) {
    stream.push(message);
    if (!endsWithSyncFlush(message)) continue;
    let all: Uint8Array;
    try {
      all = inflateSync(concat(stream), { finishFlush: constants.Z_SYNC_FLUSH });
    } catch {
      break;
    }
    decode(all.subarray(inflated));
    inflated = all.length;
  }
  return { payloads, texts };
}

/** Top-level JSON values written one after another, found by their brace depth outside strings. */
function splitJsonTexts(text: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let start = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '{' || c === '[') depth++;
    else if ((c === '}' || c === ']') && --depth === 0) {
      out.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  return out;
}

/** Whether `needle` occurs in `haystack` as UTF-8 bytes. */
export function containsBytes(haystack: Uint8Array, needle: string): boolean {
  return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).includes(Buffer.from(needle, 'utf8'));
}

/**
 * Every place a secret could hide in a cassette: its raw bytes, every decoded record (as JSON),
 * and everything its inbound bytes inflate and decode to. Returns where `secret` was found.
 */
export function findSecret(bytes: Uint8Array, secret: string): string[] {
  const found: string[] = [];
  if (containsBytes(bytes, secret)) found.push('raw file bytes');
  const cassette = readCassette(bytes, { allowTruncated: true });
  const json = JSON.stringify(cassette, (_key, value: unknown) => (value instanceof Uint8Array ? latin1.decode(value) : value));
  if (json.includes(secret)) found.push('decoded records');
  decodeInbound(cassette).forEach((connection, i) => {
    if (connection.texts.some((text) => text.includes(secret))) found.push(`connection ${i + 1} inbound data`);
  });
  return found;
}
