/**
 * Simulation controls under /api/sim/*, served by the Node host only (ARCHITECTURE.md: the core
 * adds nothing an ESP32 could not do). Reading the simulator state is open; changing it needs
 * the same login and CSRF token as any other mutation.
 */
import { ApiError, json } from '../../modules/web_server/responses';
import type { RouteTable } from '../../modules/web_server/router';
import { numberIn, objectOf, optional, textOf, validateBody } from '../../modules/web_server/body_schema';

/** What the TinyBMS simulator (hosts/mocks/tinybms/) offers for remote control. */
export interface SimulationControl {
  status(): Record<string, unknown>;
  modes(): readonly string[];
  setMode(mode: string): void;
  /** Simulated seconds per real second. */
  setSpeed(factor: number): void;
  faults(): readonly string[];
  injectFault(fault: string): void;
  /** One fault, or all when none is named. */
  clearFaults(fault?: string): void;
}

export const SIM_SPEED_RANGE = Object.freeze({ min: 0.1, max: 1000 });

const modeBody = objectOf({ mode: textOf({ minLength: 1, maxLength: 64 }) });
const speedBody = objectOf({ speed: numberIn(SIM_SPEED_RANGE) });
const faultBody = objectOf({ fault: textOf({ minLength: 1, maxLength: 64 }) });
const clearBody = objectOf({ fault: optional(textOf({ minLength: 1, maxLength: 64 })) });

function mustBeOneOf(value: string, allowed: readonly string[], field: string): void {
  if (!allowed.includes(value)) throw new ApiError(400, 'not_allowed', `${field}: must be one of ${allowed.join(', ')}`, { field });
}

/** The simulator may still refuse (e.g. a fault that needs a mode): a 400 with its reason. */
function apply(change: () => void): void {
  try {
    change();
  } catch (error) {
    throw new ApiError(400, 'sim_refused', error instanceof Error ? error.message : String(error));
  }
}

export function simulationRoutes(control: SimulationControl): RouteTable {
  const answer = () => json(200, control.status());
  return [
    { method: 'GET', path: '/api/sim/status', access: 'open', handle: answer },
    {
      method: 'POST',
      path: '/api/sim/mode',
      access: 'user_csrf',
      handle: async ({ body }) => {
        const { mode } = validateBody(modeBody, await body.json());
        mustBeOneOf(mode, control.modes(), 'mode');
        apply(() => control.setMode(mode));
        return answer();
      },
    },
    {
      method: 'POST',
      path: '/api/sim/speed',
      access: 'user_csrf',
      handle: async ({ body }) => {
        const { speed } = validateBody(speedBody, await body.json());
        apply(() => control.setSpeed(speed));
        return answer();
      },
    },
    {
      method: 'POST',
      path: '/api/sim/faults',
      access: 'user_csrf',
      handle: async ({ body }) => {
        const { fault } = validateBody(faultBody, await body.json());
        mustBeOneOf(fault, control.faults(), 'fault');
        apply(() => control.injectFault(fault));
        return answer();
      },
    },
    {
      method: 'POST',
      path: '/api/sim/faults/clear',
      access: 'user_csrf',
      handle: async ({ body }) => {
        const { fault } = validateBody(clearBody, (await body.json({ optional: true })) ?? {});
        if (fault !== undefined) mustBeOneOf(fault, control.faults(), 'fault');
        apply(() => control.clearFaults(fault));
        return answer();
      },
    },
  ];
}
