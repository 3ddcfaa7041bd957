/**
 * One test per protocol rule in DESIGN.md, named after the rule. Every test drives the machine
 * through xstate's pure `transition()`: no clock, no timers, no sockets.
 */
import { describe, expect, it } from 'vitest';
import { CLOSE_CODES, nextRandom, RECONNECT_CLOSE_CODE } from '../../machines/index.js';
import { Drive, GATEWAY_URL, IDENTIFY, ofType, RESUME_URL, sent } from './drive.js';

const RESUME_URL_WITH_QUERY = 'wss://gateway-us-east1-b.discord.gg/?v=10&encoding=json';

/** Drives a ready session through a server close with `code` and the reconnect that follows. */
function closeAndReconnect(drive: Drive, code: number | null) {
  const closed = drive.send({ type: 'socket.closed', code, reason: '' });
  if (drive.state === 'failed') return { closed, reopened: [], hello: [] };
  const reopened = drive.send({ type: 'timer.reconnect' });
  drive.send({ type: 'socket.opened' });
  const hello = drive.send({ type: 'gateway.hello', heartbeatInterval: 41_250 });
  return { closed, reopened, hello };
}

describe('heartbeat', () => {
  it('jitters the first beat: it comes after interval * random, then every interval', () => {
    const drive = new Drive({ seed: 7 });
    const hello = drive.open(40_000);
    const first = ofType(hello, 'timer.set').find((timer) => timer.name === 'heartbeat')!;
    // The jitter comes from the seeded generator in the context, not from Math.random().
    expect(first.ms).toBe(Math.floor(40_000 * nextRandom(7).value));
    drive.send({ type: 'identify.granted' });
    const beat = drive.send({ type: 'timer.heartbeat' });
    expect(ofType(beat, 'timer.set')).toEqual([{ type: 'timer.set', name: 'heartbeat', ms: 40_000 }]);

    const delays = Array.from({ length: 200 }, (_, seed) => {
      const commands = new Drive({ seed }).open(40_000);
      return ofType(commands, 'timer.set').find((timer) => timer.name === 'heartbeat')!.ms;
    });
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.min(...delays)).toBeLessThan(4_000);
    expect(Math.max(...delays)).toBeLessThan(40_000);
    expect(Math.max(...delays)).toBeGreaterThan(36_000);
  });

  it('sends d = the last sequence number (null before any dispatch)', () => {
    const drive = new Drive();
    drive.open();
    expect(sent(drive.send({ type: 'timer.heartbeat' }))).toEqual([{ op: 1, d: null }]);
    drive.send({ type: 'gateway.heartbeatAck' });
    drive.send({ type: 'identify.granted' });
    drive.dispatch('READY', 1, { session_id: 's', resume_gateway_url: RESUME_URL });
    drive.dispatch('GUILD_CREATE', 2);
    drive.dispatch('MESSAGE_CREATE', 5);
    expect(sent(drive.send({ type: 'timer.heartbeat' }))).toEqual([{ op: 1, d: 5 }]);
  });

  it('answers a server op 1 at once, without waiting for the timer', () => {
    const drive = new Drive().ready();
    drive.dispatch('MESSAGE_CREATE', 2);
    const commands = drive.send({ type: 'gateway.heartbeatRequest' });
    expect(sent(commands)).toEqual([{ op: 1, d: 2 }]);
    expect(ofType(commands, 'timer.set')).toEqual([]);
  });

  it('treats no ACK between two beats as a zombie: closes with a code other than 1000/1001 and RESUMEs', () => {
    const drive = new Drive().ready('zombie-session');
    drive.dispatch('MESSAGE_CREATE', 9);
    drive.send({ type: 'timer.heartbeat' });
    const second = drive.send({ type: 'timer.heartbeat' });
    const [close] = ofType(second, 'socket.close');
    expect(close).toEqual({ type: 'socket.close', code: RECONNECT_CLOSE_CODE, reason: 'heartbeat not acknowledged (zombie connection)' });
    expect([1000, 1001]).not.toContain(close!.code);
    expect(sent(second)).toEqual([]);
    expect(drive.state).toBe('closing');
    // The server never answers a zombie: the close timeout drops the socket.
    const timeout = drive.send({ type: 'timer.close' });
    expect(ofType(timeout, 'socket.terminate')).toHaveLength(1);
    expect(drive.state).toBe('backoff');
    expect(ofType(drive.send({ type: 'timer.reconnect' }), 'socket.open')).toEqual([{ type: 'socket.open', url: RESUME_URL_WITH_QUERY }]);
    drive.send({ type: 'socket.opened' });
    const hello = drive.send({ type: 'gateway.hello', heartbeatInterval: 41_250 });
    expect(sent(hello)).toEqual([{ op: 6, d: { session_id: 'zombie-session', seq: 9 } }]);
    expect(drive.state).toBe('connected.resuming');
  });
});

describe('op 7 RECONNECT', () => {
  it('closes (not 1000/1001), reconnects to resume_gateway_url and RESUMEs', () => {
    const drive = new Drive().ready('s7');
    drive.dispatch('MESSAGE_CREATE', 3);
    const commands = drive.send({ type: 'gateway.reconnect' });
    expect(ofType(commands, 'socket.close')).toEqual([{ type: 'socket.close', code: RECONNECT_CLOSE_CODE, reason: 'the gateway asked for a reconnect (op 7)' }]);
    drive.send({ type: 'socket.closed', code: RECONNECT_CLOSE_CODE, reason: '' });
    expect(drive.state).toBe('backoff');
    const reopened = drive.send({ type: 'timer.reconnect' });
    expect(ofType(reopened, 'socket.open')).toEqual([{ type: 'socket.open', url: RESUME_URL_WITH_QUERY }]);
    drive.send({ type: 'socket.opened' });
    expect(sent(drive.send({ type: 'gateway.hello', heartbeatInterval: 41_250 }))).toEqual([{ op: 6, d: { session_id: 's7', seq: 3 } }]);
  });
});

describe('op 9 INVALID_SESSION', () => {
  it('d=true: closes without ending the session and RESUMEs', () => {
    const drive = new Drive().ready('s9');
    drive.dispatch('MESSAGE_CREATE', 4);
    const commands = drive.send({ type: 'gateway.invalidSession', resumable: true });
    expect(ofType(commands, 'socket.close')[0]!.code).toBe(RECONNECT_CLOSE_CODE);
    const { reopened, hello } = closeAndReconnect(drive, RECONNECT_CLOSE_CODE);
    expect(ofType(reopened, 'socket.open')[0]!.url).toBe(RESUME_URL_WITH_QUERY);
    expect(sent(hello)).toEqual([{ op: 6, d: { session_id: 's9', seq: 4 } }]);
  });

  it('d=false: waits a random 1-5 s, then IDENTIFYs on the plain gateway URL', () => {
    const waits: number[] = [];
    for (let seed = 0; seed < 100; seed++) {
      const drive = new Drive({ seed }).ready('gone');
      drive.send({ type: 'gateway.heartbeatAck' });
      drive.send({ type: 'gateway.invalidSession', resumable: false });
      const closed = drive.send({ type: 'socket.closed', code: RECONNECT_CLOSE_CODE, reason: '' });
      waits.push(ofType(closed, 'timer.set').find((timer) => timer.name === 'reconnect')!.ms);
      expect(drive.context.sessionId).toBeNull();
      const reopened = drive.send({ type: 'timer.reconnect' });
      expect(ofType(reopened, 'socket.open')[0]!.url).toBe(GATEWAY_URL);
      drive.send({ type: 'socket.opened' });
      const hello = drive.send({ type: 'gateway.hello', heartbeatInterval: 41_250 });
      expect(ofType(hello, 'identify.request')).toHaveLength(1);
      expect(sent(drive.send({ type: 'identify.granted' }))).toEqual([{ op: 2, d: IDENTIFY }]);
    }
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(1000);
    expect(Math.max(...waits)).toBeLessThanOrEqual(5000);
    expect(Math.max(...waits) - Math.min(...waits)).toBeGreaterThan(3000);
  });
});

describe('the close-code table', () => {
  for (const row of CLOSE_CODES) {
    it(`${row.code} ${row.name}: ${row.action}`, () => {
      const drive = new Drive().ready('table');
      drive.dispatch('MESSAGE_CREATE', 2);
      const { closed, hello } = closeAndReconnect(drive, row.code);
      if (row.action === 'fatal') {
        expect(drive.state).toBe('failed');
        expect(drive.snapshot.status).toBe('done');
        expect(ofType(closed, 'session.failed')).toEqual([{ type: 'session.failed', code: row.code, reason: row.meaning }]);
        expect(ofType(closed, 'timer.set')).toEqual([]);
        expect(drive.snapshot.output).toEqual({ code: row.code, reason: row.meaning });
      } else if (row.action === 'new-session') {
        expect(ofType(hello, 'identify.request')).toHaveLength(1);
        expect(sent(hello)).toEqual([]);
      } else {
        expect(sent(hello)).toEqual([{ op: 6, d: { session_id: 'table', seq: 2 } }]);
      }
    });
  }

  it('resumes after codes outside the table and after a lost connection (no close frame)', () => {
    for (const code of [null, 1000, 1001, 1006, 1011, 4006, 4999]) {
      const drive = new Drive().ready('other');
      const { hello } = closeAndReconnect(drive, code);
      expect(sent(hello)).toEqual([{ op: 6, d: { session_id: 'other', seq: 1 } }]);
    }
  });
});

describe('client close codes', () => {
  for (const code of [1000, 1001]) {
    it(`a client close with ${code} ends the session`, () => {
      const drive = new Drive().ready('ending');
      expect(ofType(drive.send({ type: 'user.close', code, reason: 'bye' }), 'socket.close')).toEqual([{ type: 'socket.close', code, reason: 'bye' }]);
      drive.send({ type: 'socket.closed', code, reason: 'bye' });
      expect(drive.state).toBe('closed');
      expect(drive.context.sessionId).toBeNull();
      drive.send({ type: 'connect' });
      drive.send({ type: 'socket.opened' });
      expect(ofType(drive.send({ type: 'gateway.hello', heartbeatInterval: 41_250 }), 'identify.request')).toHaveLength(1);
    });
  }

  it('a client close with any other code keeps the session resumable', () => {
    const drive = new Drive().ready('kept');
    drive.dispatch('MESSAGE_CREATE', 6);
    drive.send({ type: 'user.close', code: 4321, reason: 'restarting' });
    drive.send({ type: 'socket.closed', code: 4321, reason: 'restarting' });
    expect(drive.state).toBe('closed');
    expect(ofType(drive.send({ type: 'connect' }), 'socket.open')[0]!.url).toBe(RESUME_URL_WITH_QUERY);
    drive.send({ type: 'socket.opened' });
    expect(sent(drive.send({ type: 'gateway.hello', heartbeatInterval: 41_250 }))).toEqual([{ op: 6, d: { session_id: 'kept', seq: 6 } }]);
  });
});

describe('resume_gateway_url', () => {
  it('is used for RESUME and dropped after a failed resume', () => {
    const drive = new Drive().ready('r1');
    const lost = closeAndReconnect(drive, null);
    expect(ofType(lost.reopened, 'socket.open')[0]!.url).toBe(RESUME_URL_WITH_QUERY);
    expect(drive.state).toBe('connected.resuming');
    // The resume fails: op 9 d=false.
    drive.send({ type: 'gateway.invalidSession', resumable: false });
    drive.send({ type: 'socket.closed', code: RECONNECT_CLOSE_CODE, reason: '' });
    expect(drive.context.resumeGatewayUrl).toBeNull();
    expect(ofType(drive.send({ type: 'timer.reconnect' }), 'socket.open')[0]!.url).toBe(GATEWAY_URL);
  });

  it('keeps our v, encoding and compress on the resume URL', () => {
    const drive = new Drive({ url: 'wss://gateway.discord.gg/?v=10&encoding=etf&compress=zlib-stream' }).ready();
    expect(drive.context.resumeGatewayUrl).toBe('wss://gateway-us-east1-b.discord.gg/?v=10&encoding=etf&compress=zlib-stream');
  });
});

describe('backoff', () => {
  it('is exponential with full jitter, capped, and resets once a session is ready and its first heartbeat is acknowledged', () => {
    const drive = new Drive({ policies: { backoff: { baseMs: 1000, capMs: 16_000 } } }).ready('b');
    const delays: number[] = [];
    for (let attempt = 0; attempt < 8; attempt++) {
      const closed = drive.send({ type: 'socket.closed', code: null, reason: 'lost' });
      delays.push(drive.context.reconnectDelayMs!);
      expect(ofType(closed, 'timer.set')).toEqual([{ type: 'timer.set', name: 'reconnect', ms: drive.context.reconnectDelayMs }]);
      drive.send({ type: 'timer.reconnect' });
    }
    const ceilings = [1000, 2000, 4000, 8000, 16_000, 16_000, 16_000, 16_000];
    delays.forEach((delay, attempt) => {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(ceilings[attempt]!);
    });
    expect(drive.context.reconnectAttempt).toBe(8);
    // A session that becomes ready does not reset the backoff until a heartbeat proves it healthy.
    drive.send({ type: 'socket.opened' });
    drive.send({ type: 'gateway.hello', heartbeatInterval: 41_250 });
    drive.dispatch('MESSAGE_CREATE', 2);
    drive.dispatch('RESUMED', 3);
    expect(drive.state).toBe('connected.ready');
    expect(drive.context.reconnectAttempt).toBe(8);
    drive.send({ type: 'timer.heartbeat' });
    drive.send({ type: 'gateway.heartbeatAck' });
    expect(drive.context.reconnectAttempt).toBe(0);
  });

  it('spreads delays over the whole window (full jitter, not equal jitter)', () => {
    const delays = Array.from({ length: 200 }, (_, seed) => {
      const drive = new Drive({ seed, policies: { backoff: { baseMs: 10_000, capMs: 60_000 } } }).ready();
      drive.send({ type: 'socket.closed', code: null, reason: '' });
      return drive.context.reconnectDelayMs!;
    });
    expect(Math.min(...delays)).toBeLessThan(1000);
    expect(Math.max(...delays)).toBeGreaterThan(9000);
  });
});

describe('sequence numbers', () => {
  it('are taken only from dispatches and reset with a new session', () => {
    const drive = new Drive().ready('seq');
    drive.dispatch('MESSAGE_CREATE', 7);
    drive.send({ type: 'gateway.heartbeatAck' });
    drive.send({ type: 'gateway.heartbeatRequest' });
    expect(drive.context.sequence).toBe(7);
    drive.send({ type: 'socket.closed', code: 4009, reason: 'timed out' });
    expect(drive.context.sequence).toBeNull();
    drive.send({ type: 'timer.reconnect' });
    drive.send({ type: 'socket.opened' });
    drive.send({ type: 'gateway.hello', heartbeatInterval: 41_250 });
    drive.send({ type: 'identify.granted' });
    drive.dispatch('READY', 1, { session_id: 'seq-2', resume_gateway_url: RESUME_URL });
    expect(drive.context.sequence).toBe(1);
    expect(drive.context.sessionId).toBe('seq-2');
  });

  it('drops dispatches whose s is not above the last one, so none is delivered twice', () => {
    const drive = new Drive().ready('dup');
    const delivered = (commands: ReturnType<Drive['send']>) => ofType(commands, 'gateway.dispatch').map((c) => c.payload.s);
    expect(delivered(drive.dispatch('MESSAGE_CREATE', 2))).toEqual([2]);
    expect(delivered(drive.dispatch('MESSAGE_CREATE', 3))).toEqual([3]);
    expect(delivered(drive.dispatch('MESSAGE_CREATE', 3))).toEqual([]);
    expect(delivered(drive.dispatch('MESSAGE_CREATE', 1))).toEqual([]);
    // A RESUME replays from the server's point of view; anything already seen is dropped.
    closeAndReconnect(drive, null);
    expect(delivered(drive.dispatch('MESSAGE_CREATE', 3))).toEqual([]);
    expect(delivered(drive.dispatch('MESSAGE_CREATE', 4))).toEqual([4]);
    expect(delivered(drive.dispatch('RESUMED', 5))).toEqual([5]);
    expect(drive.context.sequence).toBe(5);
  });
});

describe('outgoing rate limit', () => {
  it('allows at most 120 payloads per 60 s, with room kept for heartbeats', () => {
    const drive = new Drive().ready('rl', 41_250);
    const presence = { op: 3, d: { since: null, activities: [], status: 'online', afk: false } };
    let sentNow = 0;
    let queued = 0;
    for (let id = 1; id <= 130; id++) {
      const commands = drive.send({ type: 'user.send', id, payload: presence, queue: true });
      sentNow += sent(commands).length;
      if (sent(commands).length === 0) queued++;
    }
    // 120 minus IDENTIFY already sent minus the reserve (ceil(60000/41250) + 2 = 4).
    expect(sentNow).toBe(115);
    expect(queued).toBe(15);
    // Heartbeats still go out while the application is throttled.
    drive.advance(20_000);
    expect(sent(drive.send({ type: 'timer.heartbeat' }))).toEqual([{ op: 1, d: 1 }]);
    // Nothing queued goes out before the window frees a slot.
    expect(sent(drive.send({ type: 'timer.rateLimit' }))).toEqual([]);
    // Not even when the 60 s window is over: sends stay counted for a 2% margin (the gateway counts arrivals).
    drive.advance(40_001);
    expect(sent(drive.send({ type: 'timer.rateLimit' }))).toEqual([]);
    drive.advance(1200);
    const flushed = drive.send({ type: 'timer.rateLimit' });
    expect(ofType(flushed, 'send.payload').map((c) => c.id)).toHaveLength(15);
    const log = drive.log.filter((c) => c.type === 'send.payload');
    expect(log.length).toBe(1 + 115 + 1 + 15);
    // Over any 60 s window, no more than 120 went out.
    expect(drive.context.sendLog.length).toBeLessThanOrEqual(120);
  });

  it('refuses at once when the caller does not queue, and when the queue is full', () => {
    const drive = new Drive({ policies: { rateLimit: { limit: 10, maxQueue: 1 } } }).ready('rl2', 41_250);
    const payload = { op: 3, d: {} };
    const outcomes = Array.from({ length: 8 }, (_, i) => drive.send({ type: 'user.send', id: i, payload, queue: i < 7 }));
    const kinds = outcomes.map((commands) => commands.map((c) => (c.type === 'send.rejected' ? c.reason : c.type)).join(','));
    // limit 10 - 4 reserved - 1 IDENTIFY = 5 slots; then one queued; then queue full; then refused.
    expect(kinds).toEqual(['send.payload', 'send.payload', 'send.payload', 'send.payload', 'send.payload', 'timer.set', 'queue-full', 'rate-limited']);
  });

  it('refuses IDENTIFY and RESUME from the application, and anything before ready', () => {
    const drive = new Drive();
    drive.open();
    expect(drive.send({ type: 'user.send', id: 1, payload: { op: 3, d: {} }, queue: true })).toEqual([{ type: 'send.rejected', id: 1, reason: 'not-ready' }]);
    drive.send({ type: 'identify.granted' });
    drive.dispatch('READY', 1, { session_id: 'x', resume_gateway_url: RESUME_URL });
    expect(drive.send({ type: 'user.send', id: 2, payload: { op: 2, d: {} }, queue: true })).toEqual([{ type: 'send.rejected', id: 2, reason: 'opcode-reserved' }]);
  });

  it('refuses queued payloads when the connection drops', () => {
    const drive = new Drive({ policies: { rateLimit: { limit: 2 } } }).ready('q');
    drive.send({ type: 'user.send', id: 1, payload: { op: 3, d: {} }, queue: true });
    drive.send({ type: 'user.send', id: 2, payload: { op: 3, d: {} }, queue: true });
    const closed = drive.send({ type: 'socket.closed', code: null, reason: '' });
    expect(ofType(closed, 'send.rejected')).toEqual([
      { type: 'send.rejected', id: 1, reason: 'disconnected' },
      { type: 'send.rejected', id: 2, reason: 'disconnected' },
    ]);
  });
});

describe('READY and RESUMED', () => {
  it('READY makes the session ready with its id and resume URL', () => {
    const drive = new Drive();
    drive.open();
    drive.send({ type: 'identify.granted' });
    expect(drive.state).toBe('connected.identifying');
    const commands = drive.dispatch('READY', 1, { session_id: 'abc', resume_gateway_url: RESUME_URL });
    expect(drive.state).toBe('connected.ready');
    expect(ofType(commands, 'gateway.dispatch')).toHaveLength(1);
    expect(drive.context.sessionId).toBe('abc');
    expect(ofType(commands, 'timer.clear')).toEqual([{ type: 'timer.clear', name: 'ready' }]);
  });

  it('RESUMED makes a resumed session ready', () => {
    const drive = new Drive().ready('res');
    closeAndReconnect(drive, 4000);
    expect(drive.state).toBe('connected.resuming');
    drive.dispatch('RESUMED', 2);
    expect(drive.state).toBe('connected.ready');
  });
});

describe('identify budget', () => {
  it('never lets reconnects IDENTIFY more than the budget allows: the delay waits for the window', () => {
    const day = 86_400_000;
    const drive = new Drive({ policies: { identifyBudget: { max: 3, windowMs: day }, backoff: { baseMs: 10, capMs: 10 } } }).ready('id-1');
    const reconnectDelays: number[] = [];
    // The server ends every session (4009): each reconnect must IDENTIFY.
    for (let i = 0; i < 3; i++) {
      drive.advance(1000);
      const closed = drive.send({ type: 'socket.closed', code: 4009, reason: 'timed out' });
      reconnectDelays.push(ofType(closed, 'timer.set').find((t) => t.name === 'reconnect')!.ms);
      drive.advance(reconnectDelays.at(-1)!);
      drive.send({ type: 'timer.reconnect' });
      drive.send({ type: 'socket.opened' });
      drive.send({ type: 'gateway.hello', heartbeatInterval: 41_250 });
      drive.send({ type: 'identify.granted' });
      drive.dispatch('READY', 1, { session_id: `id-${i + 2}`, resume_gateway_url: RESUME_URL });
    }
    // Three IDENTIFYs in the window already (the first plus two): the third reconnect waited a day.
    expect(reconnectDelays.slice(0, 2).every((ms) => ms < 10)).toBe(true);
    expect(reconnectDelays[2]).toBeGreaterThan(day - 10_000);
    expect(drive.log.filter((c) => c.type === 'send.payload' && c.payload.op === 2)).toHaveLength(4);
    expect(drive.context.identifyLog).toHaveLength(3);
  });

  it('does not count or delay RESUMEs', () => {
    const drive = new Drive({ policies: { identifyBudget: { max: 1, windowMs: 86_400_000 }, backoff: { baseMs: 10, capMs: 10 } } }).ready('r');
    const closed = drive.send({ type: 'socket.closed', code: 4000, reason: '' });
    expect(ofType(closed, 'timer.set').find((t) => t.name === 'reconnect')!.ms).toBeLessThan(10);
  });
});
