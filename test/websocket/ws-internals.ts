// Typed access to ws's Sender and Receiver (exported by ws's ESM entry, absent from @types/ws):
// the real peer our frames are checked against.
import * as ws from 'ws';

export interface FrameOptions {
  fin: boolean;
  opcode: number;
  mask: boolean;
  readOnly: boolean;
  rsv1: boolean;
  maskBuffer?: Buffer;
  generateMask?: (mask: Buffer) => void;
}

export interface WsSender {
  send(data: Buffer | string, options: { binary?: boolean; fin?: boolean; mask?: boolean; compress?: boolean }): void;
  ping(data: Buffer | string, mask: boolean): void;
  pong(data: Buffer | string, mask: boolean): void;
  close(code: number | undefined, reason: string | undefined, mask: boolean): void;
}

export interface WsReceiver {
  write(chunk: Buffer, callback: () => void): boolean;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): this;
  on(event: 'ping' | 'pong', listener: (data: Buffer) => void): this;
  on(event: 'conclude', listener: (code: number, reason: Buffer) => void): this;
  on(event: 'error', listener: (error: Error & { code: string }) => void): this;
}

const internals = ws as unknown as {
  Sender: {
    new (socket: unknown, extensions?: unknown, generateMask?: (mask: Buffer) => void): WsSender;
    frame(data: Buffer, options: FrameOptions): Buffer[];
  };
  Receiver: new (options: { isServer: boolean; maxPayload?: number }) => WsReceiver;
};

export const { Sender, Receiver } = internals;

/** One frame as ws's Sender lays it out, joined into one buffer. */
export function wsFrame(data: Uint8Array, options: Partial<FrameOptions> & { opcode: number }): Uint8Array {
  const parts = Sender.frame(Buffer.from(data), { fin: true, mask: false, readOnly: true, rsv1: false, ...options });
  return new Uint8Array(Buffer.concat(parts));
}

/** A Sender whose socket records every write, so its exact output can be fed to our decoder. */
export function recordingSender(): { sender: WsSender; written: () => Uint8Array } {
  const chunks: Buffer[] = [];
  const socket = {
    cork() {},
    uncork() {},
    write(chunk: Buffer, cb?: () => void) {
      chunks.push(Buffer.from(chunk));
      cb?.();
      return true;
    },
  };
  return { sender: new Sender(socket), written: () => new Uint8Array(Buffer.concat(chunks)) };
}
