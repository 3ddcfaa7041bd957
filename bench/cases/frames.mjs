// Frame decoding: our FrameDecoder against ws's Receiver (client side, as a ws WebSocket sets it
// up) on the same 16 KiB socket reads, counting whole messages. Binary frames of a zlib-stream
// connection, and text frames of an uncompressed JSON one. On text, ws checks UTF-8 with Node's
// native buffer.isUtf8; our engine leaves that check to the JSON decoder's fatal TextDecoder
// (native too: `deferTextValidation`) and assembles frames that span reads in a reused buffer
// (`reuseBuffers`): that is the `ours` row; the decoder's defaults are shown beside it.
import { bytesEqual, unavailable } from './shared.mjs';

const WS_MAX_PAYLOAD = 100 * 1024 * 1024; // ws's WebSocket default

function ours(FrameDecoder, reads, options) {
  return (onMessage) => {
    const decoder = new FrameDecoder(options);
    for (const read of reads) {
      decoder.push(read);
      for (let event = decoder.next(); event !== null; event = decoder.next()) {
        if (event.type === 'message') onMessage(event.data);
      }
    }
  };
}

function wsReceiver(Receiver, buffers) {
  return (onMessage) => {
    const receiver = new Receiver({ isServer: false, maxPayload: WS_MAX_PAYLOAD, allowSynchronousEvents: true });
    let failure = null;
    receiver.on('message', onMessage);
    receiver.on('error', (error) => {
      failure = error;
    });
    for (const buffer of buffers) receiver.write(buffer);
    if (failure) throw failure;
  };
}

/** The frame-decoding case over every workload and both kinds of stream. */
export function framesCase(ours_, peers, corpus) {
  const { FrameDecoder } = ours_.websocket;
  const ws = peers.ws;
  const groups = [];
  for (const w of corpus) {
    for (const [kind, label, messages] of [
      ['zlibJson', 'zlib-stream, binary frames', w.zlibJson],
      ['textJson', 'uncompressed JSON, text frames', w.json],
    ]) {
      const stream = w.wire[kind];
      groups.push({
        workload: `${w.name}: ${label}`,
        count: stream.messages,
        bytes: stream.bytes.length,
        check: (message, i) => bytesEqual(message, messages[i]),
        contenders: [
          kind === 'textJson'
            ? {
                label: 'ours: FrameDecoder as the engine runs it (reused assembly buffer; UTF-8 left to the JSON decoder)',
                role: 'ours',
                run: ours(FrameDecoder, stream.reads, { reuseBuffers: true, deferTextValidation: true }),
              }
            : { label: 'ours: FrameDecoder as the engine runs it (reused assembly buffer)', role: 'ours', run: ours(FrameDecoder, stream.reads, { reuseBuffers: true }) },
          {
            label: `ours: FrameDecoder with default options (a new buffer per spanning frame${kind === 'textJson' ? '; UTF-8 checked in JavaScript' : ''})`,
            role: 'info',
            run: ours(FrameDecoder, stream.reads),
          },
          ws.available
            ? { label: 'ws Receiver (isServer: false)', role: 'reference', run: wsReceiver(ws.module.Receiver, stream.buffers) }
            : unavailable('ws Receiver (isServer: false)', 'reference', ws),
        ],
      });
    }
  }
  return {
    id: 'frames',
    title: 'WebSocket frame decoding (16 KiB socket reads)',
    basis: 'wire bytes',
    groups,
  };
}
