/**
 * The errors of the application client and its transports. Each has a stable `code`; none ever
 * contains the token (transports see only host and port, never a payload).
 */
import { DiscordGatewayError } from '../../codec/errors.js';

/** Where a transport failed: connecting (TCP, DNS), in the TLS handshake, or once open. */
export type TransportPhase = 'connect' | 'tls' | 'open';

const TRANSPORT_CODES: Record<TransportPhase, string> = {
  connect: 'TRANSPORT_CONNECT_FAILED',
  tls: 'TRANSPORT_TLS_FAILED',
  open: 'TRANSPORT_LOST',
};

/**
 * A transport failed. `code` is `TRANSPORT_CONNECT_FAILED` (refused, unreachable, DNS),
 * `TRANSPORT_TLS_FAILED` (certificate or handshake) or `TRANSPORT_LOST` (reset once open). The
 * client reconnects with backoff after each; it is reported so the application can see why.
 */
export class TransportError extends DiscordGatewayError {
  /** Where it failed. */
  readonly phase: TransportPhase;
  /** The platform's error code (`ECONNREFUSED`, `DEPTH_ZERO_SELF_SIGNED_CERT`, ...), or null. */
  readonly systemCode: string | null;
  /** `host:port` of the peer. */
  readonly address: string;

  constructor(phase: TransportPhase, address: string, systemCode: string | null, options?: { cause?: unknown }) {
    super(TRANSPORT_CODES[phase], transportMessage(phase, address, systemCode), options);
    this.phase = phase;
    this.systemCode = systemCode;
    this.address = address;
  }
}

function transportMessage(phase: TransportPhase, address: string, systemCode: string | null): string {
  const why = systemCode ? ` (${systemCode})` : '';
  switch (phase) {
    case 'connect':
      return `Could not connect to ${address}${why}; the client retries with backoff. Check the gateway URL and the network.`;
    case 'tls':
      return `The TLS handshake with ${address} failed${why}; the client retries with backoff. If the server uses a private CA, pass it as \`tls: { ca }\`.`;
    case 'open':
      return `The connection to ${address} failed${why}; the client reconnects and resumes the session.`;
  }
}

/** The client was closed (by `close()` or a fatal close code) and cannot connect or send again; create a new one. */
export class ClientClosedError extends DiscordGatewayError {
  constructor(message = 'The client is closed; create a new client to connect again.') {
    super('CLIENT_CLOSED', message);
  }
}

/** A `dispatches()` iterator with `overflow: 'error'` fell behind by more than its buffer; some dispatches were not delivered to it. */
export class DispatchBufferOverflowError extends DiscordGatewayError {
  /** The buffer size that was exceeded. */
  readonly bufferSize: number;

  constructor(bufferSize: number) {
    super(
      'DISPATCH_BUFFER_OVERFLOW',
      `The dispatch iterator fell more than ${bufferSize} dispatches behind and was ended. Consume faster, raise \`bufferSize\`, or choose \`overflow: 'drop-oldest'\`.`,
    );
    this.bufferSize = bufferSize;
  }
}

/** An application listener threw; the client caught it (the connection is unaffected) and reports it here. */
export class ListenerError extends DiscordGatewayError {
  /** The event whose listener threw. */
  readonly event: string;

  constructor(event: string, cause: unknown) {
    super('LISTENER_THREW', `A listener for '${event}' threw; the client went on. See \`cause\`.`, { cause });
    this.event = event;
  }
}
