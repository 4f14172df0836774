export type AlertLevel = 'info' | 'warning' | 'error';

/** The codes of gateway-api.md §Alerts, the same with one pack or several. */
export type GatewayAlertCode =
  | 'OVER_VOLTAGE'
  | 'UNDER_VOLTAGE'
  | 'OVER_TEMP'
  | 'OVER_CURRENT'
  | 'CELL_IMBALANCE'
  /** No cell temperature sensor reads (the board sensor never counts): charging is stopped. */
  | 'NO_CELL_TEMPERATURE'
  | 'BMS_COMM_LOST'
  | 'MQTT_DISCONNECTED'
  | 'WIFI_DISCONNECTED'
  /** A storage area (settings, history, journal, OTA slots) cannot be read or written; the BMS→CAN path runs on. */
  | 'STORAGE_FAULT'
  /** The stored configuration was damaged; the previous good generation was loaded. */
  | 'CONFIG_RECOVERED'
  /** No stored configuration generation was usable; safe defaults run (with a recovery password, not the factory one). */
  | 'CONFIG_RESET'
  /** A new firmware image was given up and the previous one runs again. */
  | 'OTA_ROLLED_BACK';

/** Alerts one pack of several raises on its own (its own stale detection), besides the bank's. */
export type PackAlertBase = Extract<GatewayAlertCode, 'BMS_COMM_LOST'>;
/** The bank code with the pack number appended: `BMS_COMM_LOST_P2`. Single-pack gateways never raise these. */
export type PackAlertCode = `${PackAlertBase}_P${number}`;
export type AlertCode = GatewayAlertCode | PackAlertCode;

/** The alert as the API, WebSocket and MQTT carry it. */
export interface Alert {
  timestamp: number;
  level: AlertLevel;
  code: AlertCode;
  message: string;
}

/** Fixed severity per code, as the spec table gives it. */
export const ALERT_LEVELS: Readonly<Record<GatewayAlertCode, AlertLevel>> = Object.freeze({
  OVER_VOLTAGE: 'error',
  UNDER_VOLTAGE: 'error',
  OVER_TEMP: 'error',
  OVER_CURRENT: 'warning',
  CELL_IMBALANCE: 'warning',
  NO_CELL_TEMPERATURE: 'error',
  BMS_COMM_LOST: 'error',
  MQTT_DISCONNECTED: 'warning',
  WIFI_DISCONNECTED: 'warning',
  STORAGE_FAULT: 'error',
  CONFIG_RECOVERED: 'warning',
  CONFIG_RESET: 'error',
  OTA_ROLLED_BACK: 'warning',
});

/** Every code, in the order of the spec table (gateway-api.md §Alerts): the order of ALERT_LEVELS. */
export const ALERT_CODES = Object.freeze(Object.keys(ALERT_LEVELS) as GatewayAlertCode[]);

/** Alerts about the gateway's own state, raised by the composition or a storage fault, not by a measurement. */
export type SystemAlertCode = Extract<AlertCode, 'STORAGE_FAULT' | 'CONFIG_RECOVERED' | 'CONFIG_RESET' | 'OTA_ROLLED_BACK'>;

export const PACK_ALERT_BASES: readonly PackAlertBase[] = Object.freeze(['BMS_COMM_LOST'] as const);

/** Pack numbers 1..99 without leading zeros, so each pack has exactly one code. */
// RegExps are made per call, never at module load: this module is preloaded on Moddable, and a
// RegExp built during preload lives in the read-only image (mcsim segfaulted in its exec; docs/moddable.md).
const PACK_CODE = (): RegExp => /^([A-Z_]+)_P([1-9][0-9]?)$/;

export function packAlertCode(base: PackAlertBase, pack: number): PackAlertCode {
  if (!Number.isInteger(pack) || pack < 1 || pack > 99) throw new RangeError(`pack must be 1..99, got ${pack}`);
  return `${base}_P${pack}`;
}

/** Every code a gateway of `packs` packs raises: the gateway codes, and with several packs each pack's own. */
export function alertCodesFor(packs = 1): AlertCode[] {
  const codes: AlertCode[] = [...ALERT_CODES];
  if (packs > 1) for (const base of PACK_ALERT_BASES) for (let pack = 1; pack <= packs; pack++) codes.push(packAlertCode(base, pack));
  return codes;
}

/** The bank code and pack number of a per-pack code; undefined for the gateway codes. */
export function splitPackCode(code: string): { base: PackAlertBase; pack: number } | undefined {
  const match = PACK_CODE().exec(code);
  if (!match || !(PACK_ALERT_BASES as readonly string[]).includes(match[1])) return undefined;
  return { base: match[1] as PackAlertBase, pack: Number(match[2]) };
}

/** A per-pack alert has its bank code's severity. */
export function alertLevel(code: AlertCode): AlertLevel {
  return ALERT_LEVELS[splitPackCode(code)?.base ?? (code as GatewayAlertCode)];
}

/** Sort key: spec table order, a pack's code right after its bank code, packs in number order. */
export function alertCodeOrder(code: AlertCode): number {
  const pack = splitPackCode(code);
  return pack ? ALERT_CODES.indexOf(pack.base) * 100 + pack.pack : ALERT_CODES.indexOf(code as GatewayAlertCode) * 100;
}

export function isAlertCode(value: unknown): value is AlertCode {
  return typeof value === 'string' && ((ALERT_CODES as readonly string[]).includes(value) || splitPackCode(value) !== undefined);
}
