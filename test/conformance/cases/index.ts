/** The whole conformance table, category by category. */
import type { ConformanceCase } from '../case.js';
import { closeHandling } from './close.js';
import { fragmentation } from './fragmentation.js';
import { framing } from './framing.js';
import { handshake } from './handshake.js';
import { limits } from './limits.js';
import { opcodes } from './opcodes.js';
import { payloads } from './payloads.js';
import { pings } from './pings.js';
import { reservedBits } from './reserved-bits.js';
import { utf8 } from './utf8.js';

export const CASES: readonly ConformanceCase[] = [
  ...handshake,
  ...framing,
  ...pings,
  ...reservedBits,
  ...opcodes,
  ...fragmentation,
  ...utf8,
  ...closeHandling,
  ...limits,
  ...payloads,
];
