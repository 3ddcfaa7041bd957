/**
 * A minimal Node driver for a GatewayEngine: performs its effects over real TCP (TLS for wss),
 * with real timers, and reports socket events back. Node only. It makes no protocol decision
 * (those are the machine's); it exists to record sessions and to show what an adapter does.
 */
import net from 'node:net';
import tls from 'node:tls';
import type { TimerName } from '../../machines/timers.js';
import type { EngineEffect } from '../sans-io/effects.js';
import type { GatewayEngine } from '../sans-io/gateway-engine.js';
import { DriveTimeoutError } from './errors.js';

/** Options of {@link driveEngine}. */
export interface DriveEngineOptions {
  /** Sees every effect after the driver performed it (dispatches, state changes, errors...). */
  readonly onEffect?: (effect: EngineEffect) => void;
  /** Told when an engine call throws, before the error propagates (e.g. `recorder.noteThrown`). */
  readonly onThrown?: (error: unknown) => void;
  /** Extra TLS options for `wss://` (e.g. `ca` for a self-signed test certificate). */
  readonly tls?: tls.ConnectionOptions;
}

/** A running driver. */
export interface EngineDriver {
  readonly engine: GatewayEngine;
  /** Makes an engine call and performs the effects it produced; a throw is reported to `onThrown` and rethrown. */
  call<T>(fn: (engine: GatewayEngine) => T): T;
  /** Resolves once `check(engine)` holds after some engine call (checked at once too); {@link DriveTimeoutError} after `timeoutMs`. */
  until(check: (engine: GatewayEngine) => boolean, timeoutMs?: number): Promise<void>;
  /** Resolves with the final state once the machine is `closed` or `failed`. */
  readonly finished: Promise<string>;
  /** Clears the timers and drops the socket; the engine gets no more calls. */
  stop(): void;
}

/** Starts performing `engine`'s effects. Call `driver.call((e) => e.connect())` to begin. */
export function driveEngine(engine: GatewayEngine, options: DriveEngineOptions = {}): EngineDriver {
  const timers = new Map<TimerName, ReturnType<typeof setTimeout>>();
  const waiters = new Set<() => void>();
  let socket: net.Socket | null = null;
  let stopped = false;
  let finish: (state: string) => void = () => {};
  const finished = new Promise<string>((resolve) => {
    finish = resolve;
  });

  const call = <T>(fn: (engine: GatewayEngine) => T): T => {
    let result: T;
    try {
      result = fn(engine);
    } catch (error) {
      options.onThrown?.(error);
      perform(engine.takeEffects());
      throw error;
    }
    perform(engine.takeEffects());
    for (const waiter of [...waiters]) waiter();
    return result;
  };

  /** Engine calls made from socket and timer callbacks: a throw there has nowhere to go but the log. */
  const report = (fn: (engine: GatewayEngine) => void) => {
    if (stopped) return;
    try {
      call(fn);
    } catch {
      // Already passed to onThrown; the engine stays usable.
    }
  };

  const detach = (destroy: boolean) => {
    const current = socket;
    socket = null;
    if (!current) return;
    if (destroy) current.destroy();
    else current.end();
  };

  const open = (destination: { host: string; port: number; secure: boolean }) => {
    detach(true);
    const next = destination.secure
      ? tls.connect({ host: destination.host, port: destination.port, servername: net.isIP(destination.host) ? undefined : destination.host, ...options.tls })
      : net.connect({ host: destination.host, port: destination.port });
    socket = next;
    next.setNoDelay(true);
    next.on(destination.secure ? 'secureConnect' : 'connect', () => {
      if (socket === next) report((e) => e.transportConnected());
    });
    next.on('data', (chunk: Buffer) => {
      if (socket === next) report((e) => e.receive(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength)));
    });
    next.on('end', () => {
      if (socket === next) report((e) => e.receive(null));
    });
    next.on('error', () => {
      // 'close' follows and reports it.
    });
    next.on('close', (hadError) => {
      if (socket !== next) return;
      socket = null;
      report((e) => e.transportClosed(hadError ? 'the transport failed' : 'the transport closed'));
    });
  };

  const perform = (effects: EngineEffect[]) => {
    for (const effect of effects) {
      switch (effect.type) {
        case 'transport.open':
          open(effect.destination);
          break;
        case 'transport.write':
          socket?.write(effect.bytes);
          break;
        case 'transport.end':
          detach(false);
          break;
        case 'transport.destroy':
          detach(true);
          break;
        case 'timer.set': {
          clearTimeout(timers.get(effect.name));
          const { name } = effect;
          timers.set(
            name,
            setTimeout(() => {
              timers.delete(name);
              report((e) => e.fireTimer(name));
            }, effect.ms),
          );
          break;
        }
        case 'timer.clear':
          clearTimeout(timers.get(effect.name));
          timers.delete(effect.name);
          break;
        case 'identify.request':
          // No shared limiter here: grant at once, outside the call that asked.
          queueMicrotask(() => report((e) => e.grantIdentify()));
          break;
        case 'state':
          if (effect.to === 'closed' || effect.to === 'failed') finish(effect.to);
          break;
        default:
          break;
      }
      options.onEffect?.(effect);
    }
  };

  return {
    engine,
    call,
    finished,
    until(check, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        const attempt = () => {
          if (!check(engine)) return;
          clearTimeout(timer);
          waiters.delete(attempt);
          resolve();
        };
        const timer = setTimeout(() => {
          waiters.delete(attempt);
          reject(new DriveTimeoutError(timeoutMs, engine.state));
        }, timeoutMs);
        waiters.add(attempt);
        attempt();
      });
    },
    stop() {
      stopped = true;
      for (const timer of timers.values()) clearTimeout(timer);
      timers.clear();
      detach(true);
      engine.stop();
    },
  };
}
