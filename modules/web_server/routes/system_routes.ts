/**
 * Actions (user + CSRF): BMS commands through the poller, gateway or BMS restart, and the OTA
 * upload, which answers 503 `ota_unavailable` until an OTA service is provided.
 */
import { type Check, numberIn, objectOf, oneOf, optional, validateBody } from '../body_schema';
import { ApiError, json } from '../responses';
import type { RouteKit } from '../route_kit';
import { need } from '../route_kit';
import { errorMessage } from '../../util/error_message';
import { post, type RouteTable } from '../router';
import type { HttpResponse } from '../../../hosts/ports/http';
import { planRegisterWrites } from '../register_plan';
import { settingsRegisters } from '../register_view';
import type { BmsService } from '../services';

interface CommandSpec {
  parameters: Check<unknown>;
  /** Carries the command out; resolves with what the answer reports. */
  run(bms: BmsService, parameters: unknown): Promise<unknown>;
}

/** A command with its own parameter schema; `run` gets the checked parameters. */
function commandSpec<T>(parameters: Check<T>, run: (bms: BmsService, checked: T) => Promise<unknown>): CommandSpec {
  return { parameters, run: (bms, checked) => run(bms, checked as T) };
}

const NO_PARAMETERS = objectOf({});

/** SOC setting register 328 takes 0.002 % steps; its read-back turns 0xFFFF once the BMS took it in (RevD). */
async function resetSoc(bms: BmsService, percent: number): Promise<unknown> {
  const plan = planRegisterWrites(settingsRegisters(), [{ key: 'state_of_charge_setting_pct', value: Math.round(percent * 500) / 500 }], '');
  if (!plan.ok) throw new ApiError(400, 'out_of_range', plan.errors[0].message, { field: 'parameters.value' });
  const [write] = plan.writes;
  const readBack = await bms.writeRegisters(write.def.address, write.words);
  return { register: write.def.address, raw: write.raw, read_back_raw: readBack[0] };
}

/** The commands /api/command accepts, with their parameter schemas. */
export const BMS_COMMANDS: Readonly<Record<string, CommandSpec>> = Object.freeze({
  reset_soc: commandSpec(objectOf({ value: optional(numberIn({ min: 0, max: 100 })) }), (bms, p) => resetSoc(bms, p.value ?? 100)),
  clear_events: commandSpec(NO_PARAMETERS, (bms) => bms.command('clear_events')),
  clear_statistics: commandSpec(NO_PARAMETERS, (bms) => bms.command('clear_statistics')),
  restart_bms: commandSpec(NO_PARAMETERS, (bms) => bms.command('reset_bms')),
});

/** Any JSON object: the parameters are checked by the named command's own schema afterwards. */
const anyObject: Check<Record<string, unknown>> = (value, field, errors) => {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  errors.push({ field, code: 'invalid_type', message: `${field}: must be a JSON object` });
  return undefined;
};

const commandEnvelope = objectOf({ command: oneOf(Object.keys(BMS_COMMANDS)), parameters: optional(anyObject) });

const restartBody = objectOf({ target: optional(oneOf(['gateway', 'bms'] as const)) });

async function run(name: string, parameters: unknown, kit: RouteKit, user: string): Promise<HttpResponse> {
  const bms = need(kit.services.bms, 'bms');
  let result: unknown;
  try {
    result = await BMS_COMMANDS[name].run(bms, parameters);
  } catch (error) {
    if (error instanceof ApiError) throw error;
    kit.audit('warn', `BMS command ${name} by ${user} failed: ${errorMessage(error)}`);
    throw new ApiError(502, 'bms_command_failed', `the BMS did not carry out ${name}: ${errorMessage(error)}`);
  }
  kit.audit('info', `BMS command ${name} by ${user}`);
  return json(200, { status: 'done', command: name, result: result ?? null });
}

export function systemRoutes(kit: RouteKit): RouteTable {
  return [
    post('/api/command', 'user_csrf', async ({ body, user }) => {
      const envelope = validateBody(commandEnvelope, await body.json());
      const parameters = validateBody(BMS_COMMANDS[envelope.command].parameters, envelope.parameters ?? {}, 'parameters');
      return run(envelope.command, parameters, kit, user as string);
    }),
    post('/api/system/restart', 'user_csrf', async ({ body, user }) => {
      const { target = 'gateway' } = validateBody(restartBody, (await body.json({ optional: true })) ?? {});
      if (target === 'bms') return run('restart_bms', {}, kit, user as string);
      kit.audit('warn', `gateway restart requested by ${user}; restarting in ${kit.restartDelayMs} ms`);
      // Later, so this answer still reaches the browser.
      kit.host.clock.setTimer(kit.restartDelayMs, () => kit.host.system.restart());
      return json(202, { status: 'scheduled', target: 'gateway', delay_ms: kit.restartDelayMs });
    }),
    post('/api/ota/upload', 'user_csrf', async ({ body, headers, query }) => {
      const ota = kit.services.ota;
      if (!ota) throw new ApiError(503, 'ota_unavailable', 'firmware update is not available on this gateway yet', { headers: { Connection: 'close' } });
      try {
        // allow_downgrade=1: the development-only anti-rollback override (the OTA module decides whether it applies).
        const allowDowngrade = query.get('allow_downgrade') === '1';
        return json(200, await ota.upload({ contentType: headers['content-type'] ?? '', contentLength: body.declaredLength, body: body.stream(), allowDowngrade }));
      } catch (error) {
        if (error instanceof ApiError) throw error;
        throw new ApiError(400, 'ota_failed', `firmware update refused: ${errorMessage(error)}`);
      }
    }, Number.POSITIVE_INFINITY),
  ];
}
