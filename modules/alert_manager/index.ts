/** alert_manager's public surface: the module, the alert types and the event log entry. */
export { AlertManager } from './alert_manager';
export type { AlertManagerOptions } from './alert_manager';
export { ALERT_CODES, ALERT_LEVELS, alertLevel, isAlertCode, packAlertCode, PACK_ALERT_BASES, splitPackCode } from './alert';
export type { Alert, AlertCode, AlertLevel, GatewayAlertCode, PackAlertCode } from './alert';
export type { ActiveAlert } from './active_alerts';
export type { SystemEvent, SystemEventType } from './event_log';
export { DEFAULT_EVENT_LOG_CAPACITY } from './event_log';
export { MEASURED_ALERT_CODES, readLimit } from './limits';
export type { LimitReading, MeasuredAlertCode } from './limits';
