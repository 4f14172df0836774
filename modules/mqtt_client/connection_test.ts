/**
 * The UI's "test connection": one throw-away session with its own client id (so the live
 * session is not kicked off the broker), a timeout and a readable answer. Never retries.
 */
import type { ClockPort } from '../../hosts/ports/clock';
import type { MqttConnectOptions, MqttConnection, MqttPort } from '../../hosts/ports/mqtt';

export interface MqttTestResult {
  ok: boolean;
  broker: string;
  /** Empty when ok; otherwise what went wrong, in words a user can act on. */
  error: string;
  duration_ms: number;
}

export const DEFAULT_TEST_TIMEOUT_MS = 10000;

export function testBrokerConnection(port: MqttPort, clock: ClockPort, options: MqttConnectOptions, timeoutMs = DEFAULT_TEST_TIMEOUT_MS): Promise<MqttTestResult> {
  return new Promise((resolve) => {
    const started = clock.now();
    let connection: MqttConnection | undefined;
    let finished = false;
    const finish = (error: string) => {
      if (finished) return;
      finished = true;
      clock.clear(timer);
      connection?.close();
      resolve({ ok: error === '', broker: options.uri, error, duration_ms: clock.now() - started });
    };
    const timer = clock.setTimer(timeoutMs, () => finish(`no answer from ${options.uri} within ${formatSeconds(timeoutMs)}`));
    try {
      connection = port.connect(options, {
        onConnect: () => finish(''),
        onClose: (reason) => finish(reason || 'connection closed'),
      });
    } catch (error) {
      finish(`cannot start a connection: ${(error as Error)?.message ?? String(error)}`);
    }
    // A transport that failed synchronously has already finished; close what it returned.
    if (finished) connection?.close();
  });
}

export function formatSeconds(ms: number): string {
  const seconds = ms / 1000;
  return `${Number.isInteger(seconds) ? seconds : seconds.toFixed(1)} s`;
}
