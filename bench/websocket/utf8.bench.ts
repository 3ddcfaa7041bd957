// UTF-8 validation of text messages: our validator against TextDecoder({ fatal: true }).
// Run: npx vitest bench --run bench/websocket
// Measured (Node 20, best of 7, odd byte offset): pure ASCII 2.6-3.5 GB/s here vs 1.6-11.7 GB/s for
// TextDecoder (faster from ~4 KiB, slower below 300 B); mixed text 0.7-1.5 vs 0.4-0.9 GB/s; CJK
// 0.3-0.7 vs 0.15-0.3 GB/s. TextDecoder also allocates a string we do not need, so the pure
// validator stays. Reading 32-bit words through an Int32Array/Uint32Array view measured slower
// (1.1-1.4 GB/s on ASCII) than the 8-byte OR test in utf8.ts.
import { isUtf8 } from 'node:buffer';
import { bench, describe } from 'vitest';
import { UTF8_ACCEPT, validateUtf8 } from '../../codec/websocket/utf8.js';

const encoder = new TextEncoder();
const fatal = new TextDecoder('utf-8', { fatal: true });

function payload(kind: 'ascii' | 'mixed' | 'cjk', size: number): Uint8Array {
  const unit =
    kind === 'ascii'
      ? '{"t":"MESSAGE_CREATE","s":42,"op":0,"d":{"content":"hello world","id":"1234567890123456789"}},'
      : kind === 'mixed'
        ? '{"content":"héllo wörld — ça va? 😀","author":{"username":"Zoë"}},'
        : '{"content":"こんにちは世界、今日はいい天気ですね。"},';
  return encoder.encode(unit.repeat(Math.ceil(size / unit.length))).subarray(0, size);
}

for (const kind of ['ascii', 'mixed', 'cjk'] as const) {
  for (const size of [1024, 65536]) {
    // Cut so a code point may straddle the end; validators then see a pending state, not a failure.
    const bytes = payload(kind, size);
    const valid = bytes.subarray(0, new TextEncoder().encode(new TextDecoder().decode(bytes).replace(/\uFFFD$/, '')).length);
    describe(`${kind} ${size} B`, () => {
      bench('validateUtf8 (pure TS)', () => {
        if (validateUtf8(valid, UTF8_ACCEPT) !== UTF8_ACCEPT) throw new Error('invalid');
      });
      bench('TextDecoder fatal (decodes to a string)', () => {
        fatal.decode(valid);
      });
      bench('node:buffer isUtf8 (simdutf, Node only)', () => {
        if (!isUtf8(valid)) throw new Error('invalid');
      });
    });
  }
}
