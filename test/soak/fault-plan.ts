/**
 * The soak's faults as data: every kind, what it does, whether it ends the session (and so
 * costs an IDENTIFY), and how often it is drawn. The injector (`fault-injector.ts`) carries them
 * out; the checks count IDENTIFYs against {@link SESSION_ENDING_FAULTS}.
 */

/** Every fault the soak injects. `tcp.*` happen in the proxy, `gw.*` in the fake gateway. */
export const FAULT_KINDS = [
  'tcp.kill.fin',
  'tcp.kill.rst',
  'tcp.stall.short',
  'tcp.stall.long',
  'tcp.delay',
  'gw.zombie',
  'gw.op1',
  'gw.op7',
  'gw.op9.resumable',
  'gw.op9.new-session',
  'gw.close.4000',
  'gw.close.4007',
  'gw.close.4009',
  'gw.close.other',
  'gw.terminate',
] as const;

/** One fault kind. */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** What each kind does, in words (for reports). */
export const FAULT_DESCRIPTIONS: Readonly<Record<FaultKind, string>> = {
  'tcp.kill.fin': 'proxy drops the TCP connection both ways with FIN (EOF, often mid-frame)',
  'tcp.kill.rst': 'proxy drops the TCP connection both ways with RST (connection reset)',
  'tcp.stall.short': 'proxy stops reading one or both directions for 10-40% of the heartbeat interval',
  'tcp.stall.long': 'proxy stops reading one or both directions for 2.2-3x the heartbeat interval (zombie)',
  'tcp.delay': 'proxy delays every write by up to 10-60 ms for 0.5-2 s',
  'gw.zombie': 'gateway stops ACKing heartbeats on the connection',
  'gw.op1': 'gateway sends op 1 (heartbeat request)',
  'gw.op7': 'gateway sends op 7 RECONNECT',
  'gw.op9.resumable': 'gateway sends op 9 INVALID_SESSION d=true',
  'gw.op9.new-session': 'gateway sends op 9 INVALID_SESSION d=false (session ends)',
  'gw.close.4000': 'gateway closes with 4000 unknown error',
  'gw.close.4007': 'gateway closes with 4007 invalid seq (session ends)',
  'gw.close.4009': 'gateway closes with 4009 session timed out (session ends)',
  'gw.close.other': 'gateway closes with another non-fatal code (4001-4003, 4005, 4008, 1011, 1012)',
  'gw.terminate': 'gateway drops the TCP connection without a close frame',
};

/** Faults after which the client must IDENTIFY a new session (and may not RESUME). */
export const SESSION_ENDING_FAULTS: ReadonlySet<FaultKind> = new Set(['gw.op9.new-session', 'gw.close.4007', 'gw.close.4009']);

/** Non-fatal close codes drawn by `gw.close.other`: each keeps the session resumable. */
export const OTHER_CLOSE_CODES = [4001, 4002, 4003, 4005, 4008, 1011, 1012] as const;

/** Default draw weights: transport faults dominate, as on a real flaky network. */
export const DEFAULT_FAULT_WEIGHTS: Readonly<Record<FaultKind, number>> = {
  'tcp.kill.fin': 8,
  'tcp.kill.rst': 8,
  'tcp.stall.short': 6,
  'tcp.stall.long': 4,
  'tcp.delay': 5,
  'gw.zombie': 4,
  'gw.op1': 3,
  'gw.op7': 6,
  'gw.op9.resumable': 5,
  'gw.op9.new-session': 2,
  'gw.close.4000': 5,
  'gw.close.4007': 2,
  'gw.close.4009': 2,
  'gw.close.other': 5,
  'gw.terminate': 6,
};

/** Whether a kind acts through the fake gateway (and so needs a live session to act on). */
export function isGatewayFault(kind: FaultKind): boolean {
  return kind.startsWith('gw.');
}
