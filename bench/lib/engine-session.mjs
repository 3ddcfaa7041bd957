// Drives our real client path for the end-to-end case: a GatewayEngine (codecs + the XState
// machine, exactly what the Node and web clients run), taken through a real WebSocket upgrade
// before the timed part, then fed 16 KiB socket reads; the dispatch effects are what an
// application receives. Owns nothing else: the workload's bytes come from the corpus.
import { createHash } from 'node:crypto';

const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const latin1 = new TextDecoder('latin1');
const ascii = new TextEncoder();

/** The server's 101 answer to the upgrade request `request` (bytes the engine wrote). */
function upgradeResponse(request) {
  const key = /sec-websocket-key:\s*(\S+)/i.exec(latin1.decode(request))?.[1];
  if (!key) throw new Error('the engine wrote no Sec-WebSocket-Key');
  const accept = createHash('sha1').update(key + WEBSOCKET_GUID).digest('base64');
  return ascii.encode(
    `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`,
  );
}

/**
 * A GatewayEngine with an open WebSocket, waiting for HELLO: `options` adds to the engine
 * options (`encoding`, `compress`, `wantedDispatches`, ...). Runs outside the timing.
 */
export function openEngine(GatewayEngine, options) {
  const engine = new GatewayEngine({
    url: 'wss://gateway.discord.gg',
    token: 'bench-token',
    identify: { intents: 513, properties: { os: 'linux', browser: 'bench', device: 'bench' } },
    random: (bytes) => bytes.fill(7),
    seed: 1,
    ...options,
  });
  engine.connect();
  engine.transportConnected();
  const request = engine.takeEffects().find((e) => e.type === 'transport.write');
  if (!request) throw new Error('the engine wrote no upgrade request');
  engine.receive(upgradeResponse(request.bytes));
  engine.takeEffects();
  return engine;
}

/**
 * The timed part: every read into the engine, its effects taken after each call as a client
 * does; each dispatch effect goes to `onMessage`. An error effect is a wrong result.
 */
export function feedEngine(engine, reads, onMessage) {
  for (let r = 0; r < reads.length; r++) {
    engine.receive(reads[r]);
    const effects = engine.takeEffects();
    for (let i = 0; i < effects.length; i++) {
      const effect = effects[i];
      if (effect.type === 'dispatch') onMessage(effect.payload);
      else if (effect.type === 'error') throw effect.error;
    }
  }
  if (engine.state !== 'connected.ready') throw new Error(`the engine ended in ${engine.state}, not connected.ready`);
}
