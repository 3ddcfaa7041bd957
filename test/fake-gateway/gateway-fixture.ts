/**
 * Fake gateways and test clients that last one test: whatever a test starts here is closed after
 * it (clients terminated first, then the gateways), so no test leaks sockets into the next.
 */
import { afterEach } from 'vitest';
import { type FakeGateway, type FakeGatewayOptions, startFakeGateway } from '../../adapters/fake-gateway/index.js';
import { TestClient, type TestClientOptions } from './test-client.js';

/** What a test file gets from {@link useFakeGateways}. */
export interface FakeGatewayFixture {
  /** Starts a fake gateway with exactly `options`; it is closed after the test. */
  start(options?: FakeGatewayOptions): Promise<FakeGateway>;
  /** Connects a TestClient to `url`; it is terminated after the test. */
  connect(url: string, options?: TestClientOptions): Promise<TestClient>;
}

/** Registers the clean-up for a test file (call it once, at the top level) and returns the starters. */
export function useFakeGateways(): FakeGatewayFixture {
  const gateways: FakeGateway[] = [];
  const clients: TestClient[] = [];
  afterEach(async () => {
    for (const client of clients.splice(0)) client.ws.terminate();
    for (const gateway of gateways.splice(0)) await gateway.close();
  });
  return {
    async start(options = {}) {
      const gateway = await startFakeGateway(options);
      gateways.push(gateway);
      return gateway;
    },
    async connect(url, options = {}) {
      const client = await TestClient.connect(url, options);
      clients.push(client);
      return client;
    },
  };
}
