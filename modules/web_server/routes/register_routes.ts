/**
 * TinyBMS settings registers: list with metadata (user), write / export / import (user + CSRF
 * for writes). Writes go one by one through the poller with a read-back; the answer says for
 * each register whether the BMS now holds the value asked for.
 */
import { ApiError, download, json, validationError } from '../responses';
import type { RouteKit } from '../route_kit';
import { describeError, need } from '../route_kit';
import type { RouteTable } from '../router';
import { type PlannedWrite, type RegisterWriteRequest, planRegisterWrites } from '../register_plan';
import type { RegisterService } from '../services';

export const REGISTER_EXPORT_FORMAT = 'tinybms-gw-registers';
const MAX_WRITES = 64;

interface WriteOutcome {
  address: number;
  key: string;
  value: number;
  raw: number;
  read_back_raw: number;
  verified: boolean;
}

async function writeAll(service: RegisterService, writes: readonly PlannedWrite[], kit: RouteKit, user: string): Promise<WriteOutcome[]> {
  const results: WriteOutcome[] = [];
  for (const write of writes) {
    let readBack: number;
    try {
      readBack = await service.write(write.info.address, write.raw);
    } catch (error) {
      // Earlier registers are already written: say which, so nothing is silently half-done.
      throw new ApiError(502, 'bms_write_failed', `writing ${write.info.key} (${write.info.address}) failed: ${describeError(error)}`, {
        field: write.info.key,
        errors: results,
      });
    }
    results.push({ address: write.info.address, key: write.info.key, value: write.value, raw: write.raw, read_back_raw: readBack, verified: readBack === write.raw });
  }
  const summary = results.map((r) => `${r.key}=${r.value}${r.verified ? '' : ' (read-back differs)'}`).join(', ');
  kit.journal.add('registers_written', results.every((r) => r.verified) ? 'info' : 'warning', `BMS registers written by ${user}: ${summary}`);
  return results;
}

function asWriteList(body: unknown): { requests: RegisterWriteRequest[]; prefix: string } {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, 'invalid_type', 'the body must be a JSON object', { field: '' });
  const record = body as Record<string, unknown>;
  if (record.registers === undefined) return { requests: [record], prefix: '' };
  if (!Array.isArray(record.registers) || record.registers.length === 0 || record.registers.length > MAX_WRITES) {
    throw new ApiError(400, 'invalid_type', `registers must be a list of 1 to ${MAX_WRITES} writes`, { field: 'registers' });
  }
  return { requests: record.registers as RegisterWriteRequest[], prefix: 'registers' };
}

function planOrRefuse(service: RegisterService, requests: readonly RegisterWriteRequest[], prefix: string): PlannedWrite[] {
  const plan = planRegisterWrites(service.list(), requests, prefix);
  if (!plan.ok) throw validationError(plan.errors, 'invalid_register_write');
  return plan.writes;
}

export function registerRoutes(kit: RouteKit): RouteTable {
  const registers = () => need(kit.services.registers, 'registers');
  return [
    {
      method: 'GET',
      path: '/api/registers',
      access: 'user',
      handle: ({ query }) => {
        const all = registers().list();
        const category = query.get('category');
        if (category === undefined) return json(200, { total: all.length, registers: all });
        const categories = [...new Set(all.map((r) => r.category))];
        if (!categories.includes(category)) {
          throw new ApiError(400, 'unknown_category', `category must be one of ${categories.join(', ')}`, { field: 'category' });
        }
        const selected = all.filter((r) => r.category === category);
        return json(200, { total: selected.length, registers: selected });
      },
    },
    {
      method: 'POST',
      path: '/api/registers',
      access: 'user_csrf',
      handle: async ({ body, user }) => {
        const service = registers();
        const { requests, prefix } = asWriteList(await body.json());
        const writes = planOrRefuse(service, requests, prefix);
        return json(200, { results: await writeAll(service, writes, kit, user as string) });
      },
    },
    {
      method: 'GET',
      path: '/api/registers/export',
      access: 'user',
      handle: () => {
        const values: Record<string, number> = {};
        for (const info of registers().list()) if (info.writable && info.value !== undefined) values[info.key] = info.value;
        const document = { format: REGISTER_EXPORT_FORMAT, version: 1, registers: values };
        return download(JSON.stringify(document, null, 2), 'application/json; charset=utf-8', 'tinybms-registers.json');
      },
    },
    {
      method: 'POST',
      path: '/api/registers/import',
      access: 'user_csrf',
      handle: async ({ body, user }) => {
        const service = registers();
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
        const writes = planOrRefuse(service, requests, 'registers');
        return json(200, { results: await writeAll(service, writes, kit, user as string) });
      },
    },
  ];
}
