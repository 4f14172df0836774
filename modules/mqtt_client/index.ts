/** mqtt_client's public surface: the session policy module and its status types. */
export { MqttClient } from './mqtt_client';
export type { MqttClientOptions, MqttState, MqttStatus, PublishOutcome } from './mqtt_client';
export type { MqttTestResult } from './connection_test';
export { backoffDelayMs, DEFAULT_BACKOFF_BASE_MS, DEFAULT_BACKOFF_MAX_MS } from './backoff';
export { parseBrokerUri, sessionOptions } from './session_options';
export type { BrokerAddress } from './session_options';
