/**
 * The MQTT half of the gateway on the Node host in real time: NodeClock, NodeMqttTransport,
 * the real bus, mqtt_client and mqtt_gateway. The backoff base is shortened so a broker
 * restart takes a fraction of a second instead of seconds.
 */
import { NodeClock } from '../../../../hosts/node/clock';
import { NodeMqttTransport } from '../../../../hosts/node/mqtt_transport';
import type { MqttConfig } from '../../../../modules/config_manager/config_types';
import type { MqttClientOptions } from '../../../../modules/mqtt_client/mqtt_client';
import { createMqttModules, type MqttGatewayOptions } from '../../../../modules/mqtt_gateway';
import { buildMqttContext, type MqttContext } from '../../../unit/mqtt/support/context';
import { waitFor } from './wait';

export interface RunningGateway extends MqttContext {
  clock: NodeClock;
  transport: NodeMqttTransport;
  client: ReturnType<typeof createMqttModules>['client'];
  gateway: ReturnType<typeof createMqttModules>['gateway'];
  waitForState(state: string, timeoutMs?: number): Promise<void>;
  stop(): void;
}

export function startGateway(mqtt: Partial<MqttConfig>, client: Omit<MqttClientOptions, 'will'> = {}, gateway: MqttGatewayOptions = {}): RunningGateway {
  const clock = new NodeClock();
  const transport = new NodeMqttTransport();
  const context = buildMqttContext(clock, transport, { keepalive_s: 10, ...mqtt });
  const modules = createMqttModules(context.ctx, { client: { backoffBaseMs: 100, connectTimeoutMs: 3000, ...client }, gateway });
  modules.client.start();
  modules.gateway.start();
  return {
    ...context,
    clock,
    transport,
    ...modules,
    waitForState: (state, timeoutMs = 5000) =>
      waitFor(() => modules.client.status().state === state, `mqtt state ${state} (now ${JSON.stringify(modules.client.status())})`, timeoutMs),
    stop: () => {
      modules.gateway.stop();
      modules.client.stop();
      clock.clearAll();
    },
  };
}
