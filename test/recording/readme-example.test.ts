/**
 * The README section "Record a session, replay it in a test", run as written (imports point at
 * the sources instead of the package name; the cassette goes to a temporary directory).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { startFakeGateway } from '../../adapters/fake-gateway/index.js';
import { createRecorder, driveEngine, replaySession } from '../../adapters/recording/node.js';
import { replayMatchers } from '../../adapters/recording/vitest-matchers.js';
import { GatewayEngine } from '../../index.js';

const file = join(mkdtempSync(join(tmpdir(), 'readme-')), 'reconnect.cassette');

it('records a session (README, first block)', async () => {
  const gateway = await startFakeGateway({ heartbeatInterval: 1000 });
  const recorder = createRecorder({ path: file, secrets: ['my-other-secret'] });
  const engine = new GatewayEngine(
    recorder.wrap({
      url: gateway.url,
      token: gateway.token,
      identify: { intents: 513, properties: { os: 'linux', browser: 'my-bot', device: 'my-bot' } },
    }),
  );
  const driver = driveEngine(engine, { onThrown: (error) => recorder.noteThrown(error) });
  driver.call((e) => e.connect());
  await driver.until((e) => e.state === 'connected.ready');
  await gateway.sendReconnect(); // op 7: the bot closes, reconnects to the resume URL and RESUMEs
  await driver.until((e) => e.state === 'connected.ready' && gateway.allConnections.length === 2);
  driver.call((e) => e.close(1000));
  await driver.finished;
  driver.stop();
  await recorder.close();
  await gateway.close();
});

it('resumes after op 7 exactly as it did when recorded (README, second block)', async () => {
  await replaySession(file);
});

it('the same with the matcher (README, third block)', async () => {
  expect.extend(replayMatchers);
  expect(await replaySession(file, { throwOnMismatch: false })).toMatchReplay();
});
