/** The MQTT modules started on a test context, and what the broker received. */
import { createMqttModules } from '../../../../modules/mqtt_gateway';
import type { SentMessage } from './fake_transport';
import type { TestContext } from './context';

export function startGateway(t: TestContext) {
  const modules = createMqttModules(t.ctx);
  modules.client.start();
  modules.gateway.start();
  t.clock.runDue();
  t.clock.runDue();
  return modules;
}

export const sent = (t: TestContext): SentMessage[] => t.transport.connections.flatMap((c) => c.sent);
export const onTopic = (t: TestContext, topic: string) => sent(t).filter((m) => m.topic === topic);
export const lastOn = (t: TestContext, topic: string) => onTopic(t, topic).slice(-1)[0];
