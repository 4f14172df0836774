/**
 * Simulation controls under /api/sim/*, served by the Node host only (ARCHITECTURE.md: the core
 * adds nothing an ESP32 could not do). Reading the simulator's state is open; changing it needs
 * the same login and CSRF token as any other mutation. The simulator checks every request
 * itself (modes, speed range, fault specs); its refusal becomes a 400 and changes nothing.
 */
import type { TinyBmsSimulator } from '../mocks/tinybms/index';
import { MODES } from '../mocks/tinybms/index';
import { MAX_SPEED } from '../mocks/tinybms/simulator';
import { boolean, integerIn, objectOf, oneOf, optional, validateBody } from '../../modules/web_server/body_schema';
import { ApiError, json } from '../../modules/web_server/responses';
import type { RouteTable } from '../../modules/web_server/router';
import { camelKeys, snakeKeys } from '../../modules/util/case_keys';
import { faultKindCatalogue } from './sim_fault_kinds';

export type SimulationControl = Pick<TinyBmsSimulator, 'snapshot' | 'setMode' | 'setSpeed' | 'injectFault' | 'clearFaults'>;

const modeBody = objectOf({ mode: oneOf(MODES), restart: optional(boolean) });
const clearBody = objectOf({ id: optional(integerIn(1, Number.MAX_SAFE_INTEGER)) });

/** The simulator's own verdict: the new state, or a 400 with its reason. */
function settle(result: { ok: true } | { ok: false; error: string }, code: string, control: SimulationControl, extra: Record<string, unknown> = {}) {
  if (!result.ok) throw new ApiError(400, code, snakeCaseMessage(result.error));
  return json(200, snakeKeys({ ...extra, status: control.snapshot() }));
}

/** The simulator names its parameters in camelCase; the API (and so its messages) in snake_case. */
function snakeCaseMessage(message: string): string {
  return message.replace(/\b([a-z]+[A-Z][A-Za-z]*)\b/g, (word) => word.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase());
}

export function simulationRoutes(control: SimulationControl): RouteTable {
  return [
    { method: 'GET', path: '/api/sim/status', access: 'open', handle: () => json(200, snakeKeys(control.snapshot())) },
    // What the UI's simulator panel offers: modes, the speed range, every fault kind with its parameters.
    { method: 'GET', path: '/api/sim/controls', access: 'open', handle: () => json(200, { modes: MODES, max_speed: MAX_SPEED, fault_kinds: faultKindCatalogue() }) },
    {
      method: 'POST',
      path: '/api/sim/mode',
      access: 'user_csrf',
      handle: async ({ body }) => {
        const { mode, restart } = validateBody(modeBody, await body.json());
        return settle(control.setMode(mode, { restart: restart === true }), 'invalid_mode', control);
      },
    },
    {
      method: 'POST',
      path: '/api/sim/speed',
      access: 'user_csrf',
      handle: async ({ body }) => {
        const request = (await body.json()) as { speed?: unknown } | null;
        const keys = request && typeof request === 'object' ? Object.keys(request) : [];
        if (keys.length !== 1 || keys[0] !== 'speed') throw new ApiError(400, 'invalid_request', 'send { "speed": <model seconds per second> }', { field: 'speed' });
        return settle(control.setSpeed(request?.speed as number), 'invalid_speed', control);
      },
    },
    {
      method: 'POST',
      path: '/api/sim/faults',
      access: 'user_csrf',
      handle: async ({ body }) => {
        // snake_case in (voltage_mv, duration_s), as the simulator's camelCase spec.
        const result = control.injectFault(camelKeys(await body.json()));
        return settle(result, 'invalid_fault', control, result.ok ? { fault: result.fault } : {});
      },
    },
    {
      method: 'POST',
      path: '/api/sim/faults/clear',
      access: 'user_csrf',
      handle: async ({ body }) => {
        const { id } = validateBody(clearBody, (await body.json({ optional: true })) ?? {});
        const cleared = control.clearFaults(id);
        return json(200, snakeKeys({ cleared, status: control.snapshot() }));
      },
    },
  ];
}
