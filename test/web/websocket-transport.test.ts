/**
 * The WHATWG WebSocket transport against a scripted WebSocket: what it reports in which order,
 * what it hands the platform (strings for text, bytes for binary, only codes a browser accepts),
 * how it detaches, and how `bufferedAmount` becomes `write() === false` and `drain`.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DiscordGatewayError } from '../../codec/errors.js';
import {
  type Transport,
  type TransportHandlers,
  TransportError,
  UnsupportedMessageError,
  WebSocketUnavailableError,
  webSocketConnector,
} from '../../adapters/web/index.js';
import { FakeWebSocket } from './fake-websocket.js';

const TARGET = { url: 'ws://127.0.0.1:1234/?v=10&encoding=json', destination: { host: '127.0.0.1', port: 1234, secure: false } };

/** Handlers that record every report as `[name, ...args]`. */
function recording(): { handlers: TransportHandlers; reports: unknown[][] } {
  const reports: unknown[][] = [];
  const handlers: TransportHandlers = {
    opened: () => reports.push(['opened']),
    data: (data) => reports.push(['data', [...data]]),
    ended: () => reports.push(['ended']),
    error: (error: DiscordGatewayError) => reports.push(['error', error]),
    closed: (reason, code) => reports.push(['closed', reason, code]),
    drain: () => reports.push(['drain']),
  };
  return { handlers, reports };
}

function open(options: Parameters<typeof webSocketConnector>[0] = {}): { transport: Transport; socket: FakeWebSocket; reports: unknown[][] } {
  const { handlers, reports } = recording();
  const transport = webSocketConnector({ webSocket: FakeWebSocket, ...options }).open(TARGET, handlers);
  return { transport, socket: FakeWebSocket.last, reports };
}

beforeEach(() => FakeWebSocket.reset());
afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('webSocketConnector', () => {
  it('is a platform-framing connector over the global WebSocket by default', () => {
    vi.stubGlobal('WebSocket', FakeWebSocket);
    const connector = webSocketConnector();
    expect(connector.framing).toBe('platform');
    connector.open(TARGET, recording().handlers);
    expect(FakeWebSocket.last.url).toBe(TARGET.url);
  });

  it('throws WebSocketUnavailableError when there is no global WebSocket and none is given', () => {
    vi.stubGlobal('WebSocket', undefined);
    expect(() => webSocketConnector()).toThrow(WebSocketUnavailableError);
    expect(() => webSocketConnector()).toThrow(expect.objectContaining({ code: 'WEBSOCKET_UNAVAILABLE' }));
  });
});

describe('receiving', () => {
  it('asks for ArrayBuffers, then reports open, text as UTF-8 bytes, binary as bytes, and the close', () => {
    const { socket, reports } = open();
    expect(socket.binaryType).toBe('arraybuffer');
    socket.fireOpen();
    socket.fireMessage('{"op":10,"d":{"x":"é"}}');
    socket.fireMessage(new Uint8Array([131, 116, 0, 0, 0, 0]).buffer);
    socket.fireClose(4009, 'Session timed out.');
    expect(reports).toEqual([
      ['opened'],
      ['data', [...new TextEncoder().encode('{"op":10,"d":{"x":"é"}}')]],
      ['data', [131, 116, 0, 0, 0, 0]],
      ['closed', 'Session timed out.', 4009],
    ]);
  });

  it('a close with no code (1005) or no close frame (1006) reaches the engine as null, with a reason', () => {
    for (const code of [1005, 1006, 1015]) {
      const { socket, reports } = open();
      socket.fireOpen();
      socket.fireClose(code);
      expect(reports.at(-1)).toEqual(['closed', 'the WebSocket closed', null]);
    }
  });

  it('a failed connection: one TRANSPORT_CONNECT_FAILED naming host:port, then closed with null', () => {
    const { socket, reports } = open();
    socket.fireError();
    socket.fireError();
    socket.fireClose(1006);
    expect(reports).toHaveLength(2);
    const error = reports[0]![1] as TransportError;
    expect(error).toBeInstanceOf(TransportError);
    expect(error).toMatchObject({ code: 'TRANSPORT_CONNECT_FAILED', phase: 'connect', address: '127.0.0.1:1234', systemCode: null });
    expect(reports[1]).toEqual(['closed', 'the WebSocket could not connect', null]);
  });

  it('an error once open is TRANSPORT_LOST; an IPv6 host is bracketed', () => {
    const { handlers, reports } = recording();
    webSocketConnector({ webSocket: FakeWebSocket }).open({ url: 'ws://[::1]:9/', destination: { host: '::1', port: 9, secure: false } }, handlers);
    FakeWebSocket.last.fireOpen();
    FakeWebSocket.last.fireError();
    expect(reports[1]![1]).toMatchObject({ code: 'TRANSPORT_LOST', phase: 'open', address: '[::1]:9' });
  });

  it('a constructor that throws (URL or port refused): error and closed from inside open, then nothing', () => {
    FakeWebSocket.refuse = new DOMException("The URL's scheme must be either 'ws' or 'wss'.", 'SyntaxError');
    const { handlers, reports } = recording();
    const transport = webSocketConnector({ webSocket: FakeWebSocket }).open(TARGET, handlers);
    expect(reports.map(([name]) => name)).toEqual(['error', 'closed']);
    expect(reports[0]![1]).toMatchObject({ code: 'TRANSPORT_CONNECT_FAILED', systemCode: 'SyntaxError' });
    expect(transport.write(new Uint8Array([1]), true)).toBe(false);
    transport.close(1000, '');
    transport.destroy();
    expect(reports).toHaveLength(2);
  });

  it('a Blob (the platform ignored binaryType): a typed error, close 4903, later messages dropped, closed still reported', () => {
    const { socket, reports } = open();
    socket.fireOpen();
    socket.fireMessage(new Blob([new Uint8Array([1, 2])]));
    socket.fireMessage('{"op":11}');
    socket.fireClose(4903, 'unsupported message type');
    expect(reports.map(([name]) => name)).toEqual(['opened', 'error', 'closed']);
    expect(reports[1]![1]).toBeInstanceOf(UnsupportedMessageError);
    expect(reports[1]![1]).toMatchObject({ code: 'WEBSOCKET_UNSUPPORTED_MESSAGE', dataType: 'Blob' });
    expect(socket.closeCalls).toEqual([{ code: 4903, reason: 'unsupported message type' }]);
  });
});

describe('sending', () => {
  it('text as a string (the engine bytes decoded), binary as the bytes themselves', () => {
    const { transport, socket } = open();
    socket.fireOpen();
    const binary = new Uint8Array([131, 104, 0]);
    expect(transport.write(new TextEncoder().encode('{"op":1,"d":"é"}'), false)).toBe(true);
    expect(transport.write(binary, true)).toBe(true);
    expect(socket.sent).toEqual(['{"op":1,"d":"é"}', binary]);
    expect(socket.sent[1]).toBe(binary);
  });

  it('close: codes the platform refuses are mapped, long reasons cut, nothing throws', () => {
    const cases: Array<[number, string, number, string]> = [
      [1000, '', 1000, ''],
      [1001, 'bye', 1000, 'bye'],
      [1002, 'WS_PROTOCOL', 4902, 'WS_PROTOCOL'],
      [1007, 'PAYLOAD_INVALID_JSON', 4907, 'PAYLOAD_INVALID_JSON'],
      [1009, 'ZLIB_MESSAGE_TOO_LARGE', 4909, 'ZLIB_MESSAGE_TOO_LARGE'],
      [1011, '', 4911, ''],
      [4900, 'reconnect', 4900, 'reconnect'],
      [4000, 'x'.repeat(200), 4000, 'x'.repeat(123)],
    ];
    for (const [code, reason, sentCode, sentReason] of cases) {
      const { transport, socket } = open();
      socket.fireOpen();
      transport.close(code, reason);
      expect(socket.closeCalls, `${code}`).toEqual([{ code: sentCode, reason: sentReason }]);
    }
  });

  it('end (engine framing only) closes with 1000', () => {
    const { transport, socket } = open();
    socket.fireOpen();
    transport.end();
    expect(socket.closeCalls).toEqual([{ code: 1000, reason: '' }]);
  });
});

describe('destroy', () => {
  it('detaches first (nothing more is reported), then closes with 4900 so the session stays resumable', () => {
    const { transport, socket, reports } = open();
    socket.fireOpen();
    transport.destroy();
    transport.destroy();
    socket.fireMessage('{"op":11}');
    socket.fireError();
    socket.fireClose(4900);
    expect(reports).toEqual([['opened']]);
    expect(socket.closeCalls).toEqual([{ code: 4900, reason: undefined }]);
    expect(transport.write(new Uint8Array([1]), true)).toBe(false);
    transport.close(1000, '');
    expect(socket.sent).toEqual([]);
    expect(socket.closeCalls).toHaveLength(1);
  });

  it('while connecting: the attempt is abandoned quietly', () => {
    const { transport, socket, reports } = open();
    transport.destroy();
    socket.fireError();
    socket.fireClose(1006);
    expect(reports).toEqual([]);
    expect(socket.closeCalls).toEqual([{ code: 4900, reason: undefined }]);
  });

  it('handlers are replaced by no-ops, never left null (the ws package throws on an unheard error)', () => {
    const { transport, socket } = open();
    transport.destroy();
    for (const handler of [socket.onopen, socket.onmessage, socket.onerror, socket.onclose]) expect(typeof handler).toBe('function');
  });

  it('after the close event, destroy does not close again', () => {
    const { transport, socket } = open();
    socket.fireOpen();
    socket.fireClose(1000);
    transport.destroy();
    expect(socket.closeCalls).toEqual([]);
  });
});

describe('backpressure (bufferedAmount)', () => {
  it('write returns false above the high-water mark (the data is still sent); drain once it falls back', () => {
    vi.useFakeTimers();
    const { transport, socket, reports } = open({ highWaterMark: 100, drainPollMs: 10 });
    socket.fireOpen();
    socket.bufferGrowth = 60;
    expect(transport.write(new Uint8Array(60), true)).toBe(true); // 60
    expect(transport.write(new Uint8Array(60), true)).toBe(false); // 120
    expect(transport.write(new Uint8Array(60), true)).toBe(false); // 180: still one poll
    expect(socket.sent).toHaveLength(3);
    vi.advanceTimersByTime(10);
    expect(reports.filter(([name]) => name === 'drain')).toHaveLength(0);
    socket.bufferedAmount = 100;
    vi.advanceTimersByTime(10);
    expect(reports.filter(([name]) => name === 'drain')).toHaveLength(1);
    vi.advanceTimersByTime(100);
    expect(reports.filter(([name]) => name === 'drain')).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('the poll stops when the socket closes or is destroyed', () => {
    vi.useFakeTimers();
    for (const end of ['close', 'destroy'] as const) {
      const { transport, socket, reports } = open({ highWaterMark: 0, drainPollMs: 10 });
      socket.fireOpen();
      socket.bufferGrowth = 1;
      expect(transport.write(new Uint8Array(1), true)).toBe(false);
      expect(vi.getTimerCount()).toBe(1);
      if (end === 'close') socket.fireClose(1006);
      else transport.destroy();
      expect(vi.getTimerCount()).toBe(0);
      socket.bufferedAmount = 0;
      vi.advanceTimersByTime(50);
      expect(reports.some(([name]) => name === 'drain')).toBe(false);
    }
  });

  it('defaults: 1 MiB, polled every 50 ms', () => {
    vi.useFakeTimers();
    const { transport, socket, reports } = open();
    socket.fireOpen();
    socket.bufferedAmount = 1 << 20;
    expect(transport.write(new Uint8Array(1), true)).toBe(true);
    socket.bufferedAmount = (1 << 20) + 1;
    expect(transport.write(new Uint8Array(1), true)).toBe(false);
    socket.bufferedAmount = 0;
    vi.advanceTimersByTime(49);
    expect(reports.at(-1)).toEqual(['opened']);
    vi.advanceTimersByTime(1);
    expect(reports.at(-1)).toEqual(['drain']);
  });
});
