/**
 * Checking register writes against the register map before anything is sent to the BMS:
 * known, writable, a number inside the range, a listed choice, representable in the register's
 * raw type and scale. All requests of one call are checked first; one bad entry refuses all.
 */
import type { FieldError } from './responses';
import type { RegisterInfo } from './services';

export interface RegisterWriteRequest {
  key?: unknown;
  address?: unknown;
  value?: unknown;
}

export interface PlannedWrite {
  info: RegisterInfo;
  value: number;
  raw: number;
}

const RAW_RANGE: Readonly<Record<RegisterInfo['type'], [number, number]>> = Object.freeze({
  uint16: [0, 0xffff],
  int16: [-0x8000, 0x7fff],
  uint8: [0, 0xff],
});

function findRegister(registers: readonly RegisterInfo[], request: RegisterWriteRequest): RegisterInfo | undefined {
  if (typeof request.key === 'string') return registers.find((r) => r.key === request.key);
  if (typeof request.address === 'number') return registers.find((r) => r.address === request.address);
  return undefined;
}

function checkOne(registers: readonly RegisterInfo[], request: RegisterWriteRequest, field: string, errors: FieldError[]): PlannedWrite | undefined {
  const push = (subField: string, code: string, message: string) => {
    errors.push({ field: field && subField ? `${field}.${subField}` : field || subField, code, message });
    return undefined;
  };
  if (typeof request !== 'object' || request === null) return push('', 'invalid_type', 'each write is an object { key or address, value }');
  const unknown = Object.keys(request).find((name) => name !== 'key' && name !== 'address' && name !== 'value');
  if (unknown !== undefined) return push(unknown, 'unknown_field', 'is not a known field (key, address, value)');
  if (request.key === undefined && request.address === undefined) return push('key', 'required', 'name the register by key or address');
  const info = findRegister(registers, request);
  if (!info) return push(request.key !== undefined ? 'key' : 'address', 'unknown_register', `no settings register ${JSON.stringify(request.key ?? request.address)}`);
  const where = `register ${info.key} (${info.address})`;
  if (!info.writable) return push('value', 'read_only', `${where} is read-only`);
  const value = request.value;
  if (typeof value !== 'number' || !Number.isFinite(value)) return push('value', 'invalid_type', `${where}: the value must be a number`);
  if (info.options && !info.options.some((option) => option.value === value)) {
    return push('value', 'not_allowed', `${where}: must be one of ${info.options.map((o) => `${o.value} (${o.label})`).join(', ')}`);
  }
  if (value < info.min || value > info.max) return push('value', 'out_of_range', `${where}: must be between ${info.min} and ${info.max} ${info.unit}`.trim());
  const raw = Math.round(value / info.scale);
  if (Math.abs(raw * info.scale - value) > Math.abs(info.scale) * 1e-6) return push('value', 'step', `${where}: must be a multiple of ${info.scale}`);
  const [low, high] = RAW_RANGE[info.type];
  if (raw < low || raw > high) return push('value', 'out_of_range', `${where}: does not fit the register`);
  return { info, value, raw };
}

/** Every write checked; either the whole plan or every problem found. */
export function planRegisterWrites(
  registers: readonly RegisterInfo[],
  requests: readonly RegisterWriteRequest[],
  fieldPrefix: string,
): { ok: true; writes: PlannedWrite[] } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const writes: PlannedWrite[] = [];
  const seen = new Set<number>();
  requests.forEach((request, index) => {
    // A single write (no prefix) names its fields directly: "value", not "[0].value".
    const field = fieldPrefix === '' ? '' : `${fieldPrefix}[${index}]`;
    const write = checkOne(registers, request, field, errors);
    if (!write) return;
    if (seen.has(write.info.address)) errors.push({ field, code: 'duplicate', message: `register ${write.info.key} is written twice` });
    seen.add(write.info.address);
    writes.push(write);
  });
  return errors.length > 0 ? { ok: false, errors } : { ok: true, writes };
}
