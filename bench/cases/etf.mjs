// ETF payload decoding: our decodeEtf against erlpack.unpack (the C++ addon discord.js used) on
// the same bytes. Two byte sets: Discord's shape (snowflakes as 64-bit integers, written by our
// encoder because erlpack.pack cannot write bigints) and erlpack.pack's own output (snowflakes
// as binaries, integers past 32 bits as floats).
import { isDeepStrictEqual } from 'node:util';
import { asBuffer, unavailable } from './shared.mjs';

function ours(decodeEtf, messages) {
  return (onMessage) => {
    for (const bytes of messages) onMessage(decodeEtf(bytes));
  };
}

function erlpackUnpack(unpack, buffers) {
  return (onMessage) => {
    for (const buffer of buffers) onMessage(unpack(buffer));
  };
}

/** The ETF case: both byte sets of every workload (the erlpack.pack set only with erlpack). */
export function etfCase(ours_, peers, corpus) {
  const { decodeEtf } = ours_.encoding;
  const erlpack = peers.erlpack;
  const groups = [];
  for (const w of corpus) {
    const sets = [['as Discord sends it (atom keys d, op, s, t; snowflakes as integers)', w.etf, w.bytes.etf]];
    if (w.etfErlpack) sets.push(['erlpack.pack bytes', w.etfErlpack, w.bytes.etfErlpack]);
    for (const [label, messages, bytes] of sets) {
      const buffers = messages.map(asBuffer);
      groups.push({
        workload: `${w.name}: ${label}, ${(bytes / 1e6).toFixed(2)} MB`,
        count: w.count,
        bytes,
        // erlpack turns safe bignums into strings; compare our output exactly, erlpack's by envelope.
        check: (payload, i) => payload.op === w.parsed[i].op && payload.s === w.parsed[i].s && payload.t === w.parsed[i].t,
        contenders: [
          {
            label: 'ours: decodeEtf',
            role: 'ours',
            run: ours(decodeEtf, messages),
            check: (payload, i) => isDeepStrictEqual(payload, w.parsed[i]),
          },
          erlpack.available
            ? { label: 'erlpack.unpack', role: 'reference', run: erlpackUnpack(erlpack.module.unpack, buffers) }
            : unavailable('erlpack.unpack', 'reference', erlpack),
        ],
      });
    }
  }
  return { id: 'etf', title: 'ETF decode (bytes -> payload)', basis: 'ETF bytes', groups };
}
