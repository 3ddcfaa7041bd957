/**
 * The Discord gateway connection lifecycle as one pure XState v5 machine.
 *
 * Rules: everything that decides what the client does next lives here (sequence numbers, the
 * session, heartbeats and ACKs, the close-code policy, backoff, the outgoing rate limit). This file
 * never touches a socket, a timer, a clock or `Math.random()`: time arrives as `event.now`,
 * randomness comes from a seeded generator kept in the context, timers are `timer.set` commands,
 * and every effect is an emitted command (see `commands.ts`). The token never enters the machine.
 *
 * Theory of operation: `connecting` opens a transport; `connected` holds the live WebSocket and
 * heartbeats once HELLO gives the interval; its children walk HELLO -> IDENTIFY or RESUME ->
 * `ready`. Any loss of the transport goes to `backoff` (or `failed` for a fatal close code), and a
 * close we start ourselves passes through `closing` first.
 */
import { assertEvent, enqueueActions, setup } from 'xstate';
import { backoffDelay, invalidSessionDelay } from './backoff.js';
import { closeAction, closeEndsSession, describeCloseCode, RECONNECT_CLOSE_CODE } from './close-codes.js';
import type { GatewayCommand } from './commands.js';
import { type AfterClose, createContext, type GatewayContext, type GatewayInput } from './context.js';
import type { GatewayEvent } from './events.js';
import { nextConnectionUrl, withGatewayQuery } from './gateway-url.js';
import { GatewayOpcode, USER_SENDABLE_OPCODES } from './opcodes.js';
import { liveIdentifies, msUntilIdentifyAllowed } from './identify-budget.js';
import { nextRandom } from './random.js';
import { isNewSequence } from './sequence.js';
import { liveSends, msUntilSlot, userSlotsLeft } from './rate-limit.js';
import type { TimerName } from './timers.js';

/** What the actor outputs when it reaches `failed`: the fatal close code and its meaning. */
export interface GatewayFailure {
  readonly code: number;
  readonly reason: string;
}

/** The code and reason of a close the machine starts itself. */
interface CloseParams {
  readonly code: number;
  readonly reason: string;
  readonly afterwards: AfterClose;
}

const isResumable = (context: GatewayContext): boolean => context.sessionId !== null && context.sequence !== null;

/** The code a `socket.closed` (or a close timeout, code null) carries. */
const closedCode = (event: GatewayEvent): number | null => (event.type === 'socket.closed' ? event.code : null);

/** Forgets the session: the next connection IDENTIFYs, on the plain gateway URL. */
const NO_SESSION = { sessionId: null, resumeGatewayUrl: null, sequence: null } as const;

/** The Discord gateway machine. Run it with `createActor(gatewayMachine, { input })` or `transition()`. */
export const gatewayMachine = setup({
  types: {
    context: {} as GatewayContext,
    input: {} as GatewayInput,
    events: {} as GatewayEvent,
    emitted: {} as GatewayCommand,
    output: {} as GatewayFailure,
  },
  actions: {
    /** Opens a transport to the resume URL (with a session) or the gateway URL. */
    openSocket: enqueueActions(({ context, enqueue }) => {
      enqueue.emit({ type: 'socket.open', url: nextConnectionUrl(context) });
    }),
    /** Arms a timer for the given policy duration. */
    setTimer: enqueueActions(({ enqueue }, params: { name: TimerName; ms: number }) => {
      enqueue.emit({ type: 'timer.set', name: params.name, ms: params.ms });
    }),
    /** Disarms a timer. */
    clearTimer: enqueueActions(({ enqueue }, params: { name: TimerName }) => {
      enqueue.emit({ type: 'timer.clear', name: params.name });
    }),
    /** Drops the transport without a handshake. */
    terminateSocket: enqueueActions(({ enqueue }) => {
      enqueue.emit({ type: 'socket.terminate' });
    }),
    /** HELLO: remember the interval and schedule the first beat after `interval * random`. */
    startHeartbeating: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'gateway.hello');
      const draw = nextRandom(context.random);
      enqueue.assign({
        heartbeatIntervalMs: event.heartbeatInterval,
        heartbeatAcked: true,
        lastHeartbeatAt: null,
        random: draw.state,
      });
      enqueue.emit({ type: 'timer.set', name: 'heartbeat', ms: Math.floor(event.heartbeatInterval * draw.value) });
    }),
    /** Sends op 1 with the last sequence number and expects an ACK before the next beat. */
    sendHeartbeat: enqueueActions(({ context, event, enqueue }) => {
      enqueue.assign({
        heartbeatAcked: false,
        lastHeartbeatAt: event.now,
        sendLog: [...liveSends(context.sendLog, event.now, context.policies.rateLimit), event.now],
      });
      enqueue.emit({ type: 'send.payload', payload: { op: GatewayOpcode.Heartbeat, d: context.sequence } });
    }),
    /** Re-arms the regular heartbeat one interval from now. */
    scheduleHeartbeat: enqueueActions(({ context, enqueue }) => {
      if (context.heartbeatIntervalMs === null) return;
      enqueue.emit({ type: 'timer.set', name: 'heartbeat', ms: context.heartbeatIntervalMs });
    }),
    /** op 11: the connection is alive; measure the round trip. */
    recordAck: enqueueActions(({ context, event, enqueue }) => {
      const latencyMs = context.lastHeartbeatAt === null ? null : event.now - context.lastHeartbeatAt;
      enqueue.assign({ heartbeatAcked: true, latencyMs });
      if (latencyMs !== null) enqueue.emit({ type: 'heartbeat.acked', latencyMs });
    }),
    /** The first ACK of a ready session proves it healthy: only now does the backoff reset. */
    resetBackoffIfHealthy: enqueueActions(({ context, enqueue }) => {
      if (context.awaitingHealthyAck) enqueue.assign({ reconnectAttempt: 0, awaitingHealthyAck: false });
    }),
    /** Asks the shared IDENTIFY limiter for a slot in this shard's bucket. */
    requestIdentifySlot: enqueueActions(({ context, enqueue }) => {
      enqueue.emit({ type: 'identify.request', shardId: context.identify?.shard?.[0] ?? 0 });
    }),
    /** Sends IDENTIFY (the encoder adds the token) and forgets any earlier session. */
    sendIdentify: enqueueActions(({ context, event, enqueue }) => {
      const data = event.type === 'user.identify' ? event.data : context.identify;
      enqueue.assign({
        ...NO_SESSION,
        sendLog: [...liveSends(context.sendLog, event.now, context.policies.rateLimit), event.now],
        identifyLog: [...liveIdentifies(context.identifyLog, event.now, context.policies.identifyBudget), event.now],
      });
      enqueue.emit({ type: 'send.payload', payload: { op: GatewayOpcode.Identify, d: data }, auth: 'identify' });
    }),
    /** Sends RESUME with the session id and the last sequence (the encoder adds the token). */
    sendResume: enqueueActions(({ context, event, enqueue }) => {
      enqueue.assign({ sendLog: [...liveSends(context.sendLog, event.now, context.policies.rateLimit), event.now] });
      enqueue.emit({
        type: 'send.payload',
        payload: { op: GatewayOpcode.Resume, d: { session_id: context.sessionId, seq: context.sequence } },
        auth: 'resume',
      });
    }),
    /** Takes the sequence number of a new dispatch and hands the dispatch to the application. */
    deliverDispatch: enqueueActions(({ event, enqueue }) => {
      assertEvent(event, 'gateway.dispatch');
      const s = event.payload.s;
      if (typeof s === 'number') enqueue.assign({ sequence: s });
      enqueue.emit({ type: 'gateway.dispatch', payload: event.payload });
    }),
    /** The fast path delivered dispatches up to `sequence`: take it if it is newer. */
    recordSequence: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'gateway.sequence');
      if (isNewSequence(context.sequence, event.sequence)) enqueue.assign({ sequence: event.sequence });
    }),
    /** READY: a new session, resumable at `resume_gateway_url`. */
    startSession: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'gateway.dispatch');
      const d = (event.payload.d ?? {}) as { session_id?: unknown; resume_gateway_url?: unknown };
      const resumeUrl = typeof d.resume_gateway_url === 'string' ? safeResumeUrl(d.resume_gateway_url, context) : null;
      enqueue.assign({
        sessionId: typeof d.session_id === 'string' ? d.session_id : null,
        resumeGatewayUrl: resumeUrl,
        sequence: null,
      });
    }),
    /** READY or RESUMED: arm the backoff reset for the first heartbeat ACK. */
    markReady: enqueueActions(({ enqueue }) => {
      enqueue.assign({ awaitingHealthyAck: true });
    }),
    /** Forgets the session (op 9 d=false, 4007, 4009, a 1000/1001 close): the next connection IDENTIFYs. */
    endSession: enqueueActions(({ enqueue }) => {
      enqueue.assign(NO_SESSION);
    }),
    /** Starts the close handshake with `code` and remembers what to do once it is over. */
    beginClose: enqueueActions(({ context, enqueue }, params: CloseParams) => {
      enqueue.assign({ afterClose: params.afterwards, lastClose: { code: params.code, reason: params.reason } });
      enqueue.emit({ type: 'socket.close', code: params.code, reason: params.reason });
      enqueue.emit({ type: 'timer.set', name: 'close', ms: context.policies.timeouts.closeMs });
    }),
    /** `user.close`: stop for good; a 1000/1001 close ends the session, any other code keeps it. */
    noteUserClose: enqueueActions(({ event, enqueue }) => {
      assertEvent(event, 'user.close');
      if (closeEndsSession(event.code)) enqueue.assign(NO_SESSION);
      enqueue.assign({ afterClose: 'stop', lastClose: { code: event.code, reason: event.reason } });
    }),
    /** Sends the application's close frame and arms the close timeout. */
    sendUserClose: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'user.close');
      enqueue.emit({ type: 'socket.close', code: event.code, reason: event.reason });
      enqueue.emit({ type: 'timer.set', name: 'close', ms: context.policies.timeouts.closeMs });
    }),
    /** Remembers how the transport went away. */
    recordClose: enqueueActions(({ event, enqueue }) => {
      if (event.type === 'socket.closed') enqueue.assign({ lastClose: { code: event.code, reason: event.reason } });
    }),
    /**
     * Chooses the next delay (full-jitter backoff, or 1-5 s after op 9 d=false), never shorter than
     * the wait for the IDENTIFY budget when the next connection must IDENTIFY, and arms it.
     */
    scheduleReconnect: enqueueActions(({ context, event, enqueue }, params: { afterInvalidSession: boolean }) => {
      const draw = nextRandom(context.random);
      const backoff = backoffDelay(context.reconnectAttempt, draw.value, context.policies.backoff);
      const jittered = params.afterInvalidSession ? Math.max(backoff, invalidSessionDelay(draw.value)) : backoff;
      const budgetWait = isResumable(context) ? 0 : msUntilIdentifyAllowed(context.identifyLog, event.now, context.policies.identifyBudget);
      const ms = Math.max(jittered, budgetWait);
      enqueue.assign({
        random: draw.state,
        reconnectAttempt: context.reconnectAttempt + 1,
        reconnectDelayMs: ms,
        awaitingHealthyAck: false,
      });
      enqueue.emit({ type: 'timer.set', name: 'reconnect', ms });
    }),
    /** A fatal close code: remember it and tell the application. */
    recordFailure: enqueueActions(({ event, enqueue }) => {
      const code = closedCode(event) ?? 0;
      const reason = describeCloseCode(code);
      enqueue.assign({ failure: { code, reason } });
      enqueue.emit({ type: 'session.failed', code, reason });
    }),
    /** Sends a user payload now (a slot is free). */
    sendUserPayload: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'user.send');
      enqueue.assign({ sendLog: [...liveSends(context.sendLog, event.now, context.policies.rateLimit), event.now] });
      enqueue.emit({ type: 'send.payload', payload: event.payload, id: event.id });
    }),
    /** No slot is free: queue the payload and wake up when the oldest send leaves the window. */
    queueUserPayload: enqueueActions(({ context, event, enqueue }) => {
      assertEvent(event, 'user.send');
      const log = liveSends(context.sendLog, event.now, context.policies.rateLimit);
      enqueue.assign({ sendLog: log, queue: [...context.queue, { id: event.id, payload: event.payload }] });
      if (context.queue.length === 0) {
        enqueue.emit({ type: 'timer.set', name: 'rateLimit', ms: msUntilSlot(log, event.now, context.policies.rateLimit) });
      }
    }),
    /** Refuses a user payload with a reason. */
    rejectSend: enqueueActions(({ event, enqueue }, params: { reason: 'not-ready' | 'rate-limited' | 'queue-full' | 'opcode-reserved' }) => {
      assertEvent(event, 'user.send');
      enqueue.emit({ type: 'send.rejected', id: event.id, reason: params.reason });
    }),
    /** A slot may be free: send what the window allows and re-arm for the rest. */
    flushQueue: enqueueActions(({ context, event, enqueue }) => {
      const policy = context.policies.rateLimit;
      let log = liveSends(context.sendLog, event.now, policy);
      const count = Math.min(context.queue.length, userSlotsLeft(log, context.heartbeatIntervalMs, policy));
      const sending = context.queue.slice(0, count);
      if (count > 0) log = [...log, ...sending.map(() => event.now)];
      const queue = context.queue.slice(count);
      enqueue.assign({ sendLog: log, queue });
      for (const item of sending) enqueue.emit({ type: 'send.payload', payload: item.payload, id: item.id });
      if (queue.length > 0) enqueue.emit({ type: 'timer.set', name: 'rateLimit', ms: msUntilSlot(log, event.now, policy) });
    }),
    /** The connection is over: queued payloads will never be sent on it. */
    rejectQueued: enqueueActions(({ context, enqueue }) => {
      for (const item of context.queue) enqueue.emit({ type: 'send.rejected', id: item.id, reason: 'disconnected' });
      if (context.queue.length > 0) enqueue.assign({ queue: [] });
    }),
    /** A fresh transport starts with a fresh heartbeat state. */
    resetConnectionState: enqueueActions(({ enqueue }) => {
      enqueue.assign({ heartbeatIntervalMs: null, heartbeatAcked: true, lastHeartbeatAt: null, sendLog: [] });
    }),
  },
  guards: {
    /** Whether the machine identifies by itself (IDENTIFY data came with the input). */
    identifiesItself: ({ context }) => context.identify !== null,
    /** Whether a session can be resumed (a session id and a sequence number). */
    canResume: ({ context }) => isResumable(context),
    /** Whether the heartbeat interval is known (HELLO came). */
    isHeartbeating: ({ context }) => context.heartbeatIntervalMs !== null,
    /** Whether the last heartbeat was acknowledged; if not, the connection is a zombie. */
    lastHeartbeatAcked: ({ context }) => context.heartbeatAcked,
    /** A dispatch whose sequence is not above the last one: already delivered. */
    isStaleDispatch: ({ context, event }) => event.type === 'gateway.dispatch' && !isNewSequence(context.sequence, event.payload.s),
    /** The dispatch is `READY`. */
    isReady: ({ event }) => event.type === 'gateway.dispatch' && event.payload.t === 'READY',
    /** The dispatch is `RESUMED`. */
    isResumed: ({ event }) => event.type === 'gateway.dispatch' && event.payload.t === 'RESUMED',
    /** op 9 with `d: true`. */
    sessionIsResumable: ({ event }) => event.type === 'gateway.invalidSession' && event.resumable,
    /** The server closed with a code that must never be retried. */
    isFatalClose: ({ event }) => closeAction(closedCode(event)) === 'fatal',
    /** The server closed with a code that ends the session (4007, 4009). */
    isNewSessionClose: ({ event }) => closeAction(closedCode(event)) === 'new-session',
    /** The close we started was the application's: stop afterwards. */
    stopsAfterClose: ({ context }) => context.afterClose === 'stop',
    /** The close we started followed op 9 d=false: wait 1-5 s, then IDENTIFY. */
    reconnectsAfterInvalidSession: ({ context }) => context.afterClose === 'reconnect-after-invalid-session',
    /** The application tried to send an opcode only the machine may send (IDENTIFY, RESUME, ...). */
    isReservedOpcode: ({ event }) => event.type === 'user.send' && !USER_SENDABLE_OPCODES.has(event.payload.op),
    /** A rate-limit slot is free and nothing is queued ahead. */
    hasSendSlot: ({ context, event }) =>
      context.queue.length === 0 &&
      userSlotsLeft(liveSends(context.sendLog, event.now, context.policies.rateLimit), context.heartbeatIntervalMs, context.policies.rateLimit) > 0,
    /** The caller wants to wait for a slot and the queue has room. */
    mayQueue: ({ context, event }) =>
      event.type === 'user.send' && event.queue && context.queue.length < context.policies.rateLimit.maxQueue,
    /** The caller wants to wait for a slot but the queue is full. */
    queueIsFull: ({ event }) => event.type === 'user.send' && event.queue,
  },
}).createMachine({
  id: 'gateway',
  description: 'One Discord gateway connection: connect, HELLO, IDENTIFY or RESUME, ready, closing, backoff.',
  context: ({ input }) => createContext(input),
  initial: 'idle',
  output: ({ context }) => context.failure ?? { code: 0, reason: 'no failure' },
  on: {
    'user.send': { actions: { type: 'rejectSend', params: { reason: 'not-ready' } } },
  },
  states: {
    idle: {
      description: 'Created, no connection yet. `connect` starts one.',
      on: {
        connect: { target: 'connecting' },
        'user.close': { target: 'closed', actions: 'noteUserClose' },
      },
    },
    connecting: {
      description: 'A transport is opening (TCP, TLS, WebSocket upgrade); to the resume URL when a session exists.',
      entry: ['resetConnectionState', 'openSocket', { type: 'setTimer', params: ({ context }) => ({ name: 'connect', ms: context.policies.timeouts.connectMs }) }],
      exit: { type: 'clearTimer', params: { name: 'connect' } },
      on: {
        'socket.opened': { target: 'connected' },
        'socket.closed': { target: 'backoff', actions: ['recordClose', { type: 'scheduleReconnect', params: { afterInvalidSession: false } }] },
        'timer.connect': { target: 'backoff', actions: ['terminateSocket', { type: 'scheduleReconnect', params: { afterInvalidSession: false } }] },
        'user.close': { target: 'closing', actions: ['noteUserClose', 'sendUserClose'] },
      },
    },
    connected: {
      description: 'The WebSocket is open. Heartbeats run here once HELLO gives the interval.',
      initial: 'waitingForHello',
      exit: ['rejectQueued', ...(['hello', 'heartbeat', 'ready', 'rateLimit'] as const).map((name) => ({ type: 'clearTimer' as const, params: { name } }))],
      on: {
        'timer.heartbeat': [
          { guard: 'lastHeartbeatAcked', actions: ['sendHeartbeat', 'scheduleHeartbeat'] },
          {
            target: 'closing',
            actions: { type: 'beginClose', params: { code: RECONNECT_CLOSE_CODE, reason: 'heartbeat not acknowledged (zombie connection)', afterwards: 'reconnect' } },
          },
        ],
        'gateway.heartbeatRequest': { guard: 'isHeartbeating', actions: 'sendHeartbeat' },
        'gateway.heartbeatAck': { actions: 'recordAck' },
        'gateway.dispatch': [{ guard: 'isStaleDispatch' }, { actions: 'deliverDispatch' }],
        'gateway.reconnect': {
          target: 'closing',
          actions: { type: 'beginClose', params: { code: RECONNECT_CLOSE_CODE, reason: 'the gateway asked for a reconnect (op 7)', afterwards: 'reconnect' } },
        },
        'gateway.invalidSession': [
          {
            guard: 'sessionIsResumable',
            target: 'closing',
            actions: { type: 'beginClose', params: { code: RECONNECT_CLOSE_CODE, reason: 'invalid session, resumable (op 9)', afterwards: 'reconnect' } },
          },
          {
            target: 'closing',
            actions: [
              'endSession',
              { type: 'beginClose', params: { code: RECONNECT_CLOSE_CODE, reason: 'invalid session (op 9)', afterwards: 'reconnect-after-invalid-session' } },
            ],
          },
        ],
        'socket.closed': [
          { guard: 'isFatalClose', target: 'failed', actions: ['recordClose', 'recordFailure'] },
          { guard: 'isNewSessionClose', target: 'backoff', actions: ['recordClose', 'endSession', { type: 'scheduleReconnect', params: { afterInvalidSession: false } }] },
          { target: 'backoff', actions: ['recordClose', { type: 'scheduleReconnect', params: { afterInvalidSession: false } }] },
        ],
        'user.close': { target: 'closing', actions: ['noteUserClose', 'sendUserClose'] },
        connect: { target: 'connecting', actions: 'terminateSocket' },
      },
      states: {
        waitingForHello: {
          description: 'Upgraded; waiting for op 10 HELLO and its heartbeat interval.',
          entry: { type: 'setTimer', params: ({ context }) => ({ name: 'hello', ms: context.policies.timeouts.helloMs }) },
          exit: { type: 'clearTimer', params: { name: 'hello' } },
          on: {
            'gateway.hello': [
              { guard: { type: 'identifiesItself' }, target: 'choosingAuthentication', actions: 'startHeartbeating' },
              { target: 'waitingForApplication', actions: 'startHeartbeating' },
            ],
            'timer.hello': {
              target: '#gateway.closing',
              actions: { type: 'beginClose', params: { code: RECONNECT_CLOSE_CODE, reason: 'no HELLO in time', afterwards: 'reconnect' } },
            },
          },
        },
        choosingAuthentication: {
          description: 'HELLO came and the machine identifies by itself: RESUME when a session exists, else ask the IDENTIFY limiter.',
          always: [
            { guard: 'canResume', target: 'resuming', actions: 'sendResume' },
            { target: 'waitingForIdentifySlot', actions: 'requestIdentifySlot' },
          ],
        },
        waitingForIdentifySlot: {
          description: "Waiting for this shard's IDENTIFY bucket (max_concurrency, one IDENTIFY per 5 s).",
          on: { 'identify.granted': { target: 'identifying', actions: 'sendIdentify' } },
        },
        waitingForApplication: {
          description: "HELLO came; the application decides (the seed's style) with `user.identify` or `user.resume`.",
          on: {
            'user.identify': { target: 'identifying', actions: 'sendIdentify' },
            'user.resume': { guard: 'canResume', target: 'resuming', actions: 'sendResume' },
          },
        },
        identifying: {
          description: 'IDENTIFY sent; waiting for the READY dispatch.',
          entry: { type: 'setTimer', params: ({ context }) => ({ name: 'ready', ms: context.policies.timeouts.readyMs }) },
          exit: { type: 'clearTimer', params: { name: 'ready' } },
          on: {
            'gateway.dispatch': [
              { guard: 'isReady', target: 'ready', actions: ['startSession', 'deliverDispatch', 'markReady'] },
              { guard: 'isStaleDispatch' },
              { actions: 'deliverDispatch' },
            ],
            'timer.ready': {
              target: '#gateway.closing',
              actions: { type: 'beginClose', params: { code: RECONNECT_CLOSE_CODE, reason: 'no READY in time', afterwards: 'reconnect' } },
            },
          },
        },
        resuming: {
          description: 'RESUME sent; missed dispatches are replayed, then RESUMED arrives.',
          entry: { type: 'setTimer', params: ({ context }) => ({ name: 'ready', ms: context.policies.timeouts.readyMs }) },
          exit: { type: 'clearTimer', params: { name: 'ready' } },
          on: {
            'gateway.dispatch': [
              { guard: 'isStaleDispatch' },
              { guard: 'isResumed', target: 'ready', actions: ['deliverDispatch', 'markReady'] },
              { actions: 'deliverDispatch' },
            ],
            'timer.ready': {
              target: '#gateway.closing',
              actions: { type: 'beginClose', params: { code: RECONNECT_CLOSE_CODE, reason: 'no RESUMED in time', afterwards: 'reconnect' } },
            },
          },
        },
        ready: {
          description:
            'The session is live: dispatches flow, heartbeats run, the application may send. Tagged `streaming`: adapters may deliver dispatches on a fast path and report the sequence with `gateway.sequence`.',
          tags: ['streaming'],
          on: {
            'gateway.sequence': { actions: 'recordSequence' },
            'gateway.heartbeatAck': { actions: ['recordAck', 'resetBackoffIfHealthy'] },
            'user.send': [
              { guard: 'isReservedOpcode', actions: { type: 'rejectSend', params: { reason: 'opcode-reserved' } } },
              { guard: 'hasSendSlot', actions: 'sendUserPayload' },
              { guard: 'mayQueue', actions: 'queueUserPayload' },
              { guard: 'queueIsFull', actions: { type: 'rejectSend', params: { reason: 'queue-full' } } },
              { actions: { type: 'rejectSend', params: { reason: 'rate-limited' } } },
            ],
            'timer.rateLimit': { actions: 'flushQueue' },
          },
        },
      },
    },
    closing: {
      description: 'We sent a close frame; waiting for the server\'s (or the close timeout).',
      exit: { type: 'clearTimer', params: { name: 'close' } },
      on: {
        'socket.closed': [
          { guard: 'stopsAfterClose', target: 'closed' },
          { guard: 'isFatalClose', target: 'failed', actions: ['recordClose', 'recordFailure'] },
          { guard: 'isNewSessionClose', target: 'backoff', actions: ['endSession', { type: 'scheduleReconnect', params: { afterInvalidSession: false } }] },
          { guard: 'reconnectsAfterInvalidSession', target: 'backoff', actions: { type: 'scheduleReconnect', params: { afterInvalidSession: true } } },
          { target: 'backoff', actions: { type: 'scheduleReconnect', params: { afterInvalidSession: false } } },
        ],
        'timer.close': [
          { guard: 'stopsAfterClose', target: 'closed', actions: 'terminateSocket' },
          { guard: 'reconnectsAfterInvalidSession', target: 'backoff', actions: ['terminateSocket', { type: 'scheduleReconnect', params: { afterInvalidSession: true } }] },
          { target: 'backoff', actions: ['terminateSocket', { type: 'scheduleReconnect', params: { afterInvalidSession: false } }] },
        ],
        'user.close': { actions: 'noteUserClose' },
        connect: { target: 'connecting', actions: 'terminateSocket' },
      },
    },
    backoff: {
      description: 'Disconnected; waiting the reconnect delay (exponential backoff with full jitter).',
      exit: { type: 'clearTimer', params: { name: 'reconnect' } },
      on: {
        'timer.reconnect': { target: 'connecting' },
        connect: { target: 'connecting' },
        'user.close': { target: 'closed', actions: 'noteUserClose' },
      },
    },
    closed: {
      description: 'Closed by the application. `connect` starts again (RESUME if the close code kept the session).',
      on: { connect: { target: 'connecting' } },
    },
    failed: {
      type: 'final',
      description: 'Stopped for good: the server closed with a fatal code (4004, 4010-4014). `context.failure` says why.',
    },
  },
});

/** READY's resume URL with our query, or null when it is not a usable ws/wss URL. */
function safeResumeUrl(url: string, context: GatewayContext): string | null {
  try {
    const resolved = withGatewayQuery(url, context.gatewayUrl);
    return /^wss?:/.test(resolved) ? resolved : null;
  } catch {
    return null;
  }
}



