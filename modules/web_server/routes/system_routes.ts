/**
 * Actions (user + CSRF): BMS commands through the poller, gateway or BMS restart, and the OTA
 * upload, which answers 503 `ota_unavailable` until an OTA service is provided.
 */
import { type Check, numberIn, objectOf, oneOf, optional, validateBody } from '../body_schema';
import { ApiError, json } from '../responses';
import type { RouteKit } from '../route_kit';
import { describeError, need } from '../route_kit';
import type { RouteTable } from '../router';
import type { BmsCommand, BmsCommandService } from '../services';

interface CommandSpec {
  parameters: Check<unknown>;
  build(parameters: unknown): BmsCommand;
}

/** A command with its own parameter schema; `build` gets the checked parameters. */
function commandSpec<T>(parameters: Check<T>, build: (checked: T) => BmsCommand): CommandSpec {
  return { parameters, build: (checked) => build(checked as T) };
}

const NO_PARAMETERS = objectOf({});

/** The commands /api/command accepts, with their parameter schemas. */
export const BMS_COMMANDS: Readonly<Record<string, CommandSpec>> = Object.freeze({
  reset_soc: commandSpec(objectOf({ value: optional(numberIn({ min: 0, max: 100 })) }), (p) => ({ command: 'reset_soc', value_pct: p.value ?? 100 })),
  clear_events: commandSpec(NO_PARAMETERS, () => ({ command: 'clear_events' })),
  clear_statistics: commandSpec(NO_PARAMETERS, () => ({ command: 'clear_statistics' })),
  restart_bms: commandSpec(NO_PARAMETERS, () => ({ command: 'restart_bms' })),
});

/** Any JSON object: the parameters are checked by the named command's own schema afterwards. */
const anyObject: Check<Record<string, unknown>> = (value, field, errors) => {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  errors.push({ field, code: 'invalid_type', message: `${field}: must be a JSON object` });
  return undefined;
};

const commandEnvelope = objectOf({ command: oneOf(Object.keys(BMS_COMMANDS)), parameters: optional(anyObject) });

const restartBody = objectOf({ target: optional(oneOf(['gateway', 'bms'] as const)) });

async function run(commands: BmsCommandService, command: BmsCommand, kit: RouteKit, user: string): Promise<ReturnType<typeof json>> {
  let result: unknown;
  try {
    result = await commands.execute(command);
  } catch (error) {
    kit.journal.add('bms_command', 'error', `BMS command ${command.command} failed: ${describeError(error)}`);
    throw new ApiError(502, 'bms_command_failed', `the BMS did not carry out ${command.command}: ${describeError(error)}`);
  }
  kit.journal.add('bms_command', 'info', `BMS command ${command.command} by ${user}`);
  return json(200, { status: 'done', command: command.command, result: result ?? null });
}

export function systemRoutes(kit: RouteKit): RouteTable {
  return [
    {
      method: 'POST',
      path: '/api/command',
      access: 'user_csrf',
      handle: async ({ body, user }) => {
        const envelope = validateBody(commandEnvelope, await body.json());
        const spec = BMS_COMMANDS[envelope.command];
        const parameters = validateBody(spec.parameters, envelope.parameters ?? {}, 'parameters');
        return run(need(kit.services.commands, 'bms_commands'), spec.build(parameters), kit, user as string);
      },
    },
    {
      method: 'POST',
      path: '/api/system/restart',
      access: 'user_csrf',
      handle: async ({ body, user }) => {
        const { target = 'gateway' } = validateBody(restartBody, (await body.json({ optional: true })) ?? {});
        if (target === 'bms') return run(need(kit.services.commands, 'bms_commands'), { command: 'restart_bms' }, kit, user as string);
        kit.journal.add('restart', 'warning', `gateway restart requested by ${user}`);
        kit.logger.warn(`gateway restart requested by ${user}; restarting in ${kit.restartDelayMs} ms`);
        // Later, so this answer still reaches the browser.
        kit.host.clock.setTimer(kit.restartDelayMs, () => kit.host.system.restart());
        return json(202, { status: 'scheduled', target: 'gateway', delay_ms: kit.restartDelayMs });
      },
    },
    {
      method: 'POST',
      path: '/api/ota/upload',
      access: 'user_csrf',
      bodyLimitBytes: Number.POSITIVE_INFINITY,
      handle: async ({ body, headers }) => {
        const ota = kit.services.ota;
        if (!ota) throw new ApiError(503, 'ota_unavailable', 'firmware update is not available on this gateway yet', { headers: { Connection: 'close' } });
        try {
          return json(200, await ota.upload({ contentType: headers['content-type'] ?? '', contentLength: body.declaredLength, body: body.stream() }));
        } catch (error) {
          if (error instanceof ApiError) throw error;
          throw new ApiError(400, 'ota_failed', `firmware update refused: ${describeError(error)}`);
        }
      },
    },
  ];
}
