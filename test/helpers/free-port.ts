/** A loopback port nobody listens on, for tests of refused connections. */
import net from 'node:net';

/** Takes a free port on 127.0.0.1 and gives it back at once (so connecting to it is refused). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
