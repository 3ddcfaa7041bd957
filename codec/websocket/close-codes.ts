/**
 * Which close status codes may appear in a close frame, as a table checked against RFC 6455
 * section 7.4 and the IANA registry. Both directions use it: what we accept and what we send.
 */

/** A range of close codes, whether it may appear on the wire, and what it means. */
export interface CloseCodeRange {
  readonly from: number;
  readonly to: number;
  readonly onWire: boolean;
  readonly meaning: string;
}

/**
 * Every close code from 0 to 65535, in order. 1005, 1006 and 1015 are reserved for reporting
 * and never sent; 1012-1014 are IANA-registered after RFC 6455 and accepted.
 */
export const CLOSE_CODE_TABLE: readonly CloseCodeRange[] = [
  { from: 0, to: 999, onWire: false, meaning: 'not used' },
  { from: 1000, to: 1000, onWire: true, meaning: 'normal closure' },
  { from: 1001, to: 1001, onWire: true, meaning: 'going away' },
  { from: 1002, to: 1002, onWire: true, meaning: 'protocol error' },
  { from: 1003, to: 1003, onWire: true, meaning: 'unsupported data' },
  { from: 1004, to: 1004, onWire: false, meaning: 'reserved' },
  { from: 1005, to: 1005, onWire: false, meaning: 'no status received (reporting only)' },
  { from: 1006, to: 1006, onWire: false, meaning: 'abnormal closure (reporting only)' },
  { from: 1007, to: 1007, onWire: true, meaning: 'invalid frame payload data' },
  { from: 1008, to: 1008, onWire: true, meaning: 'policy violation' },
  { from: 1009, to: 1009, onWire: true, meaning: 'message too big' },
  { from: 1010, to: 1010, onWire: true, meaning: 'mandatory extension' },
  { from: 1011, to: 1011, onWire: true, meaning: 'internal error' },
  { from: 1012, to: 1012, onWire: true, meaning: 'service restart' },
  { from: 1013, to: 1013, onWire: true, meaning: 'try again later' },
  { from: 1014, to: 1014, onWire: true, meaning: 'bad gateway' },
  { from: 1015, to: 1015, onWire: false, meaning: 'TLS handshake failure (reporting only)' },
  { from: 1016, to: 2999, onWire: false, meaning: 'reserved for this protocol' },
  { from: 3000, to: 3999, onWire: true, meaning: 'registered with IANA (libraries, frameworks)' },
  { from: 4000, to: 4999, onWire: true, meaning: 'private use (Discord gateway codes live here)' },
  { from: 5000, to: 65535, onWire: false, meaning: 'undefined' },
];

/** Whether `code` may appear in a close frame, in either direction. */
export function isValidCloseCode(code: number): boolean {
  if (!Number.isInteger(code)) return false;
  for (const range of CLOSE_CODE_TABLE) {
    if (code <= range.to) return code >= range.from && range.onWire;
  }
  return false;
}
