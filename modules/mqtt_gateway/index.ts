/**
 * mqtt_gateway's public surface, and the usual pairing with mqtt_client: the client's last will
 * is this module's availability topic.
 */
import type { GatewayContext } from '../gateway/context';
import { MqttClient, type MqttClientOptions } from '../mqtt_client/mqtt_client';
import { MqttGateway, type MqttGatewayOptions } from './mqtt_gateway';
import { availabilityWill } from './topics';

export { MqttGateway } from './mqtt_gateway';
export type { MqttGatewayOptions, MqttPublisher } from './mqtt_gateway';
export { availabilityWill, gatewayTopics, OFFLINE, ONLINE } from './topics';
export type { GatewayTopics } from './topics';
export { discoveryMessages, nodeIdFrom } from './discovery';

/** Both MQTT modules, wired: start the client first, stop it last. */
export function createMqttModules(ctx: GatewayContext, options: { client?: Omit<MqttClientOptions, 'will'>; gateway?: MqttGatewayOptions } = {}): { client: MqttClient; gateway: MqttGateway } {
  const client = new MqttClient(ctx, { ...options.client, will: availabilityWill });
  return { client, gateway: new MqttGateway(ctx, client, options.gateway) };
}
