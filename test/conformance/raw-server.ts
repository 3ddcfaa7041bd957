/**
 * A raw TCP server on 127.0.0.1 that plays the server's side of one conformance case: it reads
 * the client's upgrade request, answers with a correct 101 (Sec-WebSocket-Accept from node:crypto)
 * or the case's own response, sends the case's exact bytes (whole, chopped, with pauses, or
 * waiting for the client's close first), and records every frame the client sends, unmasked,
 * and how the client ends the TCP connection. It knows nothing of the library under test.
 */
import net from 'node:net';
import { type ClientFrame, OP, parseClientFrames, parseUpgradeRequest, type UpgradeRequest, upgradeProblem, upgradeResponse } from '../helpers/ws-wire.js';

/** One thing the server does after the upgrade. */
export type Step =
  /** Write these bytes at once. */
  | Uint8Array
  /** Write these bytes in pieces of `chop` bytes, a millisecond apart (separate TCP reads). */
  | { readonly chop: number; readonly bytes: Uint8Array }
  /** Wait. */
  | { readonly pause: number }
  /** Wait until the client's close frame arrives (fail-fast checks); note whether it did. */
  | 'await-close';

/** How the server answers the upgrade request. */
export interface Handshake {
  /** Extra header lines on the correct 101. */
  readonly extra?: readonly string[];
  /** A whole response of the case's own, given the client's key. */
  readonly response?: (key: string) => Uint8Array;
  /** Close the TCP connection right after the response. */
  readonly endAfter?: boolean;
}

/** What the server saw of the client. */
export interface ServerObservation {
  readonly request: UpgradeRequest | null;
  readonly requestProblem: string | null;
  /** The client's frames after the upgrade, unmasked, in order. */
  readonly frames: ClientFrame[];
  /** A rule the client's bytes broke (unmasked frame, bad length, ...), or null. */
  readonly violation: string | null;
  /** For each 'await-close' step: whether the client's close frame came before the rest was sent. */
  readonly closedBeforeRest: boolean[];
  /** The client ended the TCP connection (FIN or reset) before the server gave up. */
  readonly clientEnded: boolean;
}

const AWAIT_CLOSE_MS = 400;
const GIVE_UP_MS = 1500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A server for one case: `url` to connect to, `done` resolves once the connection is over. */
export async function serveCase(steps: readonly Step[], handshake: Handshake = {}): Promise<{ url: string; done: Promise<ServerObservation> }> {
  let resolveDone!: (observation: ServerObservation) => void;
  const done = new Promise<ServerObservation>((resolve) => {
    resolveDone = resolve;
  });
  const server = net.createServer({ noDelay: true }, (socket) => {
    server.close();
    let head = Buffer.alloc(0);
    let upgraded = false;
    let clientBytes = new Uint8Array(0);
    let request: UpgradeRequest | null = null;
    let requestProblem: string | null = null;
    const frames: ClientFrame[] = [];
    let violation: string | null = null;
    const closedBeforeRest: boolean[] = [];
    let clientEnded = false;
    let closeSeen = false;
    let wake: (() => void) | null = null;
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      clearTimeout(giveUp);
      socket.destroy();
      resolveDone({ request, requestProblem, frames, violation, closedBeforeRest, clientEnded });
    };
    const giveUp = setTimeout(finish, GIVE_UP_MS);

    const onClientBytes = (bytes: Uint8Array) => {
      const all = new Uint8Array(clientBytes.length + bytes.length);
      all.set(clientBytes);
      all.set(bytes, clientBytes.length);
      const parsed = parseClientFrames(all);
      frames.push(...parsed.frames);
      violation ??= parsed.violation;
      clientBytes = parsed.violation ? new Uint8Array(0) : parsed.rest.slice();
      if (parsed.frames.some((f) => f.opcode === OP.close)) {
        closeSeen = true;
        wake?.();
        endAfterHandshake();
      }
    };
    // Once the client's close frame is in and the case has been played, the server closes TCP,
    // as a server does after the closing handshake.
    let played = false;
    const endAfterHandshake = () => {
      if (closeSeen && played && !socket.destroyed) socket.end();
    };

    const play = async () => {
      for (const step of steps) {
        if (finished) return;
        if (step === 'await-close') {
          if (!closeSeen && !clientEnded) {
            await Promise.race([new Promise<void>((resolve) => (wake = resolve)), sleep(AWAIT_CLOSE_MS)]);
            wake = null;
          }
          closedBeforeRest.push(closeSeen);
        } else if (step instanceof Uint8Array) {
          if (!socket.destroyed) socket.write(step);
        } else if ('pause' in step) {
          await sleep(step.pause);
        } else {
          for (let at = 0; at < step.bytes.length; at += step.chop) {
            if (socket.destroyed) return;
            socket.write(step.bytes.subarray(at, at + step.chop));
            await sleep(1);
          }
        }
      }
    };

    socket.on('data', (chunk: Buffer) => {
      if (upgraded) {
        onClientBytes(new Uint8Array(chunk));
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end === -1) return;
      upgraded = true;
      const text = head.subarray(0, end + 4).toString('latin1');
      request = parseUpgradeRequest(text);
      requestProblem = request ? upgradeProblem(request) : 'not an HTTP request';
      const key = request?.headers['sec-websocket-key'] ?? '';
      socket.write(handshake.response ? handshake.response(key) : upgradeResponse(key, handshake.extra));
      if (handshake.endAfter) socket.end();
      if (head.length > end + 4) onClientBytes(new Uint8Array(head.subarray(end + 4)));
      void play().then(() => {
        played = true;
        endAfterHandshake();
      });
    });
    socket.on('end', () => {
      clientEnded = true;
      wake?.();
      // Complete the TCP close the client started, then report.
      socket.end(() => setTimeout(finish, 5));
    });
    socket.on('error', () => {
      clientEnded = true;
      wake?.();
      finish();
    });
    socket.on('close', () => {
      clientEnded = true;
      finish();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { url: `ws://127.0.0.1:${port}/`, done };
}
