/**
 * Turns the `mqtt` configuration section into the transport's connect options, or a readable
 * reason why it cannot connect. Pure: the same rules serve the live session and the UI's test.
 */
import type { MqttConnectOptions, MqttWill } from '../../hosts/ports/mqtt';
import type { MqttConfig } from '../config_manager/config_types';

export type SessionOptionsResult = { ok: true; options: MqttConnectOptions } | { ok: false; error: string };

// RegExps are made per call, never at module load: this module is preloaded on Moddable, and a
// RegExp built during preload lives in the read-only image (mcsim segfaulted in its exec; docs/moddable.md).
const URI = (): RegExp => /^(mqtts?):\/\/([^/:]+|\[[^\]]+\])(?::(\d{1,5}))?\/?$/;

export interface BrokerAddress {
  secure: boolean;
  /** Without IPv6 brackets. */
  host: string;
  port: number;
}

/** mqtt://host[:port] → address (1883 / 8883 by default), or undefined when it is not a broker URI. */
export function parseBrokerUri(uri: string): BrokerAddress | undefined {
  const match = URI().exec(uri.trim());
  if (!match) return undefined;
  const secure = match[1] === 'mqtts';
  const port = match[3] === undefined ? (secure ? 8883 : 1883) : Number(match[3]);
  if (port < 1 || port > 65535) return undefined;
  return { secure, host: match[2].replace(/^\[(.*)\]$/, '$1'), port };
}

export function sessionOptions(mqtt: MqttConfig, clientId: string, will?: MqttWill): SessionOptionsResult {
  const uri = mqtt.broker_uri.trim();
  if (uri === '') return { ok: false, error: 'no broker URI configured' };
  const address = parseBrokerUri(uri);
  if (!address) return { ok: false, error: `"${uri}" is not a broker URI (use mqtt://host[:port] or mqtts://host[:port])` };
  const secure = address.secure;
  const hasCert = mqtt.client_cert.trim() !== '';
  const hasKey = mqtt.client_key.trim() !== '';
  if (secure && hasCert !== hasKey) return { ok: false, error: 'a client certificate needs its private key (and a key its certificate)' };
  const options: MqttConnectOptions = {
    uri,
    clientId,
    keepaliveS: mqtt.keepalive_s,
  };
  if (mqtt.username !== '') {
    options.username = mqtt.username;
    options.password = mqtt.password;
  }
  if (will) options.will = will;
  if (secure) {
    options.tls = {};
    if (mqtt.ca_cert.trim() !== '') options.tls.ca = mqtt.ca_cert;
    if (hasCert) {
      options.tls.cert = mqtt.client_cert;
      options.tls.key = mqtt.client_key;
    }
  }
  return { ok: true, options };
}

/** What only shapes the messages, not the session: a change needs no new session. */
const MESSAGE_SETTINGS = (): RegExp => /^mqtt\.(discovery_|publish_|retain|cell_topics|commands_)/;

/** Config paths whose change needs a new session (connection settings and the topic prefix, which the will names). */
export function needsReconnect(changedPath: string): boolean {
  return changedPath.startsWith('mqtt.') && !MESSAGE_SETTINGS().test(changedPath);
}
