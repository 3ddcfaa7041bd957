/** Shared test helpers for codec/encoding: byte builders, fixtures, and exact error assertions. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { EtfDecodeError, type EtfDecodeErrorCode } from '../../codec/encoding/index.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/etf/codec/', import.meta.url));

export function bytes(...parts: (number | readonly number[] | Uint8Array)[]): Uint8Array {
  const out: number[] = [];
  for (const part of parts) {
    if (typeof part === 'number') out.push(part);
    else for (const byte of part) out.push(byte);
  }
  return new Uint8Array(out);
}

export const u32 = (n: number): number[] => [(n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
export const u16 = (n: number): number[] => [(n >>> 8) & 255, n & 255];
export const ascii = (text: string): number[] => [...Buffer.from(text, 'latin1')];
export const utf8 = (text: string): number[] => [...Buffer.from(text, 'utf8')];

export interface FixtureIndex {
  generator: string;
  decode: { name: string; about: string }[];
  encode: { name: string; input: unknown; hex: string }[];
}

export const fixtureIndex: FixtureIndex = JSON.parse(readFileSync(`${FIXTURES}index.json`, 'utf8'));

export function fixtureEtf(name: string): Uint8Array {
  return new Uint8Array(readFileSync(`${FIXTURES}decode/${name}.etf`));
}

export function fixtureJsonText(name: string): string {
  return readFileSync(`${FIXTURES}decode/${name}.json`, 'utf8');
}

/** Revives `{"$bigint": "123"}` (the fixtures' notation for bigints) into 123n. */
export function reviveBigints(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value), (_key, v) =>
    v !== null && typeof v === 'object' && '$bigint' in v ? BigInt((v as { $bigint: string }).$bigint) : v,
  );
}

/** Runs `run`, expecting an EtfDecodeError with exactly this code and offset. */
export function expectEtfError(
  run: () => unknown,
  code: EtfDecodeErrorCode,
  offset: number,
  compressed = false,
): EtfDecodeError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(EtfDecodeError);
  const error = caught as EtfDecodeError;
  expect({ code: error.code, offset: error.offset, compressed: error.compressed }).toEqual({
    code,
    offset,
    compressed,
  });
  return error;
}
