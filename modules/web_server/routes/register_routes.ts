/**
 * TinyBMS settings registers: list with metadata and the values read from the BMS now (user),
 * write / export / import (user + CSRF for writes). Writes go one register at a time through the
 * poller, which reads each back; the answer says per register whether the BMS kept the value.
 */
import { ApiError, download, json, JSON_TYPE, validationError } from '../responses';
import type { RouteKit } from '../route_kit';
import { need } from '../route_kit';
import { errorMessage } from '../../util/error_message';
import { get, post, type RouteTable } from '../router';
import { type PlannedWrite, planRegisterWrites } from '../register_plan';
import { REGISTER_CATEGORIES, categoryOf, rawValueOf, registerView, settingsRegisters, toUserValue } from '../register_view';
import type { BmsService } from '../services';

export const REGISTER_EXPORT_FORMAT = 'tinybms-gw-registers';
const MAX_WRITES = 64;

interface WriteOutcome {
  address: number;
  key: string;
  value: number;
  raw: number;
  read_back: number;
  verified: boolean;
}

async function writeAll(bms: BmsService, writes: readonly PlannedWrite[], kit: RouteKit, user: string): Promise<WriteOutcome[]> {
  // All writes checked together against the BMS as it is (related cut-offs, present readings, 0x1D bounds) before any is sent.
  const crossChecked = bms.checkSettings !== undefined;
  if (bms.checkSettings) {
    let refusals: { address: number; key?: string; message: string }[];
    try {
      refusals = await bms.checkSettings(writes.map((w) => ({ address: w.def.address, values: w.words })));
    } catch (error) {
      throw new ApiError(502, 'bms_write_failed', `could not check the write against the BMS: ${errorMessage(error)}`, { field: '' });
    }
    if (refusals.length > 0) {
      throw new ApiError(400, 'bms_settings_refused', refusals.map((r) => r.message).join('; '), { field: refusals[0].key ?? String(refusals[0].address), errors: refusals });
    }
  }
  const results: WriteOutcome[] = [];
  for (const write of writes) {
    let readBack: number[];
    try {
      readBack = await bms.writeRegisters(write.def.address, write.words, { crossChecked });
    } catch (error) {
      if (error instanceof Error && error.name === 'SettingsRejectedError') {
        throw new ApiError(400, 'bms_settings_refused', error.message, { field: write.def.key, errors: results });
      }
      // Earlier registers are already written: say which, so nothing is silently half-done.
      const done = results.map((r) => r.key).join(', ') || 'none';
      throw new ApiError(502, 'bms_write_failed', `writing ${write.def.key} failed: ${errorMessage(error)} (already written: ${done})`, {
        field: write.def.key,
        errors: results,
      });
    }
    const readRaw = rawValueOf(write.def, new Map(readBack.map((value, i) => [write.def.address + i, value])));
    results.push({
      address: write.def.address,
      key: write.def.key,
      value: write.value,
      raw: write.raw,
      read_back: readRaw === undefined ? Number.NaN : toUserValue(readRaw, write.def.scale),
      verified: readRaw === write.raw,
    });
  }
  const summary = results.map((r) => `${r.key}=${r.value}${r.verified ? '' : ` (read back ${r.read_back})`}`).join(', ');
  kit.audit(results.every((r) => r.verified) ? 'info' : 'warn', `BMS registers written by ${user}: ${summary}`);
  return results;
}

function writesFrom(body: unknown): { requests: unknown[]; prefix: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'invalid_type', 'the body must be a JSON object', { field: '' });
  const record = body as Record<string, unknown>;
  if (record.registers === undefined) return { requests: [record], prefix: '' };
  if (Object.keys(record).length !== 1) throw new ApiError(400, 'unknown_field', 'a list of writes comes alone: { "registers": [...] }', { field: '' });
  if (!Array.isArray(record.registers) || record.registers.length === 0 || record.registers.length > MAX_WRITES) {
    throw new ApiError(400, 'invalid_type', `registers must be a list of 1 to ${MAX_WRITES} writes`, { field: 'registers' });
  }
  return { requests: record.registers, prefix: 'registers' };
}

function planOrRefuse(requests: readonly unknown[], prefix: string): PlannedWrite[] {
  const plan = planRegisterWrites(settingsRegisters(), requests, prefix);
  if (!plan.ok) throw validationError(plan.errors, 'invalid_register_write');
  return plan.writes;
}

/** The current settings; a BMS that does not answer still leaves the metadata to show. */
async function readSettings(bms: BmsService): Promise<{ settings?: Map<number, number>; error?: string }> {
  try {
    return { settings: await bms.readSettings() };
  } catch (error) {
    return { error: errorMessage(error) };
  }
}

export function registerRoutes(kit: RouteKit): RouteTable {
  const bms = () => need(kit.services.bms, 'bms');
  return [
    get('/api/registers', 'user', async ({ query }) => {
      const category = query.get('category');
      if (category !== undefined && !(REGISTER_CATEGORIES as readonly string[]).includes(category)) {
        throw new ApiError(400, 'unknown_category', `category must be one of ${REGISTER_CATEGORIES.join(', ')}`, { field: 'category' });
      }
      const { settings, error } = await readSettings(bms());
      const selected = settingsRegisters().filter((def) => category === undefined || categoryOf(def) === category);
      const registers = selected.map((def) => registerView(def, settings));
      return json(200, { total: registers.length, values_read: settings !== undefined, read_error: error ?? null, registers });
    }),
    post('/api/registers', 'user_csrf', async ({ body, user }) => {
      const service = bms();
      const { requests, prefix } = writesFrom(await body.json());
      return json(200, { results: await writeAll(service, planOrRefuse(requests, prefix), kit, user as string) });
    }),
    get('/api/registers/export', 'user', async () => {
      const { settings, error } = await readSettings(bms());
      if (!settings) throw new ApiError(502, 'bms_read_failed', `cannot read the settings from the BMS: ${error}`);
      const values: Record<string, number> = {};
      for (const def of settingsRegisters()) {
        const raw = rawValueOf(def, settings);
        if (def.writable && raw !== undefined) values[def.key] = toUserValue(raw, def.scale);
      }
      const document = { format: REGISTER_EXPORT_FORMAT, version: 1, registers: values };
      return download(JSON.stringify(document, null, 2), JSON_TYPE, 'tinybms-registers.json');
    }),
    post('/api/registers/import', 'user_csrf', async ({ body, user }) => {
      const service = bms();
      const document = (await body.json()) as Record<string, unknown> | null;
      if (typeof document !== 'object' || document === null || document.format !== REGISTER_EXPORT_FORMAT || document.version !== 1) {
        throw new ApiError(400, 'invalid_format', `not a ${REGISTER_EXPORT_FORMAT} version 1 document`, { field: 'format' });
      }
      const values = document.registers;
      if (typeof values !== 'object' || values === null || Array.isArray(values) || Object.keys(values).length === 0) {
        throw new ApiError(400, 'invalid_type', 'registers must be an object of key: value', { field: 'registers' });
      }
      const requests = Object.entries(values as Record<string, unknown>).map(([key, value]) => ({ key, value }));
      if (requests.length > MAX_WRITES) throw new ApiError(400, 'too_long', `at most ${MAX_WRITES} registers`, { field: 'registers' });
      return json(200, { results: await writeAll(service, planOrRefuse(requests, 'registers'), kit, user as string) });
    }),
  ];
}
