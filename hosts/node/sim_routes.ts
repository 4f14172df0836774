/**
 * Simulation controls under /api/sim/*, served by the Node host only (ARCHITECTURE.md: the core
 * adds nothing an ESP32 could not do). Reading the simulator's state is open; changing it needs
 * the same login and CSRF token as any other mutation. The simulator checks every request
 * itself (modes, speed range, fault specs); its refusal becomes a 400 and changes nothing.
 * Several simulated packs (SIMULATION_PACKS): faults take "pack": n (default 1) and go to that
 * pack's simulator; mode and speed apply to every pack; status shows pack 1 plus `packs`.
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
const clearBody = objectOf({ id: optional(integerIn(1, Number.MAX_SAFE_INTEGER)), pack: optional(integerIn(1, 64)) });

/** The simulator's own verdict: the new state, or a 400 with its reason. */
function settle(result: { ok: true } | { ok: false; error: string }, code: string, control: SimulationControl, extra: Record<string, unknown> = {}) {
  if (!result.ok) throw new ApiError(400, code, snakeCaseMessage(result.error));
  return json(200, snakeKeys({ ...extra, status: control.snapshot() }));
}

/** The simulator names its parameters in camelCase; the API (and so its messages) in snake_case. */
function snakeCaseMessage(message: string): string {
  return message.replace(/\b([a-z]+[A-Z][A-Za-z]*)\b/g, (word) => word.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase());
}

/** Splits `"pack": n` off a fault request; the rest is the simulator's fault spec. */
function packOf(body: unknown, packs: number): { pack: number; spec: unknown } {
  if (!body || typeof body !== 'object' || Array.isArray(body) || !('pack' in body)) return { pack: 1, spec: body };
  const { pack, ...spec } = body as Record<string, unknown>;
  if (typeof pack !== 'number' || !Number.isInteger(pack) || pack < 1 || pack > packs) {
    throw new ApiError(400, 'invalid_fault', `pack must be an integer 1–${packs}`, { field: 'pack' });
  }
  return { pack, spec };
}

export function simulationRoutes(controlOrPacks: SimulationControl | readonly SimulationControl[]): RouteTable {
  const packs: readonly SimulationControl[] = Array.isArray(controlOrPacks) ? controlOrPacks : [controlOrPacks as SimulationControl];
  const first = packs[0];
  // One pack: exactly the single simulator's snapshot. Several: pack 1's, plus every pack's.
  const snapshot = () => (packs.length === 1 ? first.snapshot() : { ...first.snapshot(), packs: packs.map((p, i) => ({ pack: i + 1, ...p.snapshot() })) });
  const all = <T>(act: (control: SimulationControl) => T): T => {
    const results = packs.map(act);
    return results.find((r) => !(r as { ok?: boolean }).ok) ?? results[0];
  };
  const control: SimulationControl = {
    snapshot: snapshot as SimulationControl['snapshot'],
    setMode: (mode, options) => all((c) => c.setMode(mode, options)),
    setSpeed: (speed) => all((c) => c.setSpeed(speed)),
    injectFault: (spec) => first.injectFault(spec),
    clearFaults: (id) => first.clearFaults(id),
  };
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
        // snake_case in (voltage_mv, duration_s), as the simulator's camelCase spec; "pack" picks the simulator.
        const { pack, spec } = packOf(await body.json(), packs.length);
        const result = packs[pack - 1].injectFault(camelKeys(spec));
        return settle(result, 'invalid_fault', control, result.ok ? { fault: result.fault, ...(packs.length > 1 ? { pack } : {}) } : {});
      },
    },
    {
      method: 'POST',
      path: '/api/sim/faults/clear',
      access: 'user_csrf',
      handle: async ({ body }) => {
        const { id, pack } = validateBody(clearBody, (await body.json({ optional: true })) ?? {});
        if (pack !== undefined && pack > packs.length) throw new ApiError(400, 'invalid_request', `pack must be 1–${packs.length}`, { field: 'pack' });
        // Without "pack": every pack's faults (or fault `id` of pack 1, as with one simulator).
        const targets = pack !== undefined ? [packs[pack - 1]] : id !== undefined ? [first] : packs;
        let cleared = 0;
        for (const target of targets) cleared += target.clearFaults(id);
        return json(200, snakeKeys({ cleared, status: control.snapshot() }));
      },
    },
  ];
}
