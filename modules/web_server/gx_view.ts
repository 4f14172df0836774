/**
 * "Does the GX see the battery?" in plain facts: the GX's 0x305 keep-alive (it only sends it
 * while it listens to a BMS), the limits we send it (DVCC: CVL/CCL/DCL and the charge/discharge
 * permission), and how long ago each frame went out or came in. The verdict is what an owner
 * wants first; the facts are why. Problems are codes with their facts: the web UI, the only
 * consumer, words them (web/src/components/gx_text.ts), so the sentences stay off the device.
 */
import type { ClockPort } from '../../hosts/ports/clock';
import type { ChargeLimits, GatewayBus } from '../event_bus/events';

/** Frames a Victron GX needs from a BMS (victron-can.md): limits, SOC/SOH, values, alarms, name. */
const NEEDED_IDS: readonly number[] = Object.freeze([0x351, 0x355, 0x356, 0x35a]);
/** The GX drops a BMS it has not heard for a few seconds; older than this counts as not sent. */
const FRAME_FRESH_MS = 5_000;

/** Why the GX may not see the battery: `state` is the CAN driver's, `age_s` how old, `id` which frame. */
export type GxProblem =
  | { code: 'no_can_driver' | 'no_keepalive_ever' | 'no_limits' | 'charge_blocked' | 'discharge_blocked' }
  | { code: 'can_not_running'; state: string }
  | { code: 'keepalive_stopped'; age_s: number }
  | { code: 'frame_not_sent'; id: string }
  | { code: 'frame_late'; id: string; age_s: number };

export interface GxReport {
  verdict: 'yes' | 'no' | 'unknown';
  problems: GxProblem[];
  keepalive_seen: boolean;
  keepalive_age_s: number | null;
  inverter_signature: string | null;
  can_state: string;
  limits: (Omit<ChargeLimits, 'reasons'> & { reasons: string[] }) | null;
  frames: { id: string; direction: 'tx' | 'rx'; age_s: number; count: number }[];
}

const hexId = (id: number) => `0x${id.toString(16).toUpperCase().padStart(3, '0')}`;

/** Frames are watched only while someone asks (the UI polls every few seconds): no cost otherwise. */
const WATCH_AFTER_LAST_ASK_MS = 60_000;

export class GxView {
  #clock: ClockPort;
  #seen = new Map<string, { id: number; direction: 'tx' | 'rx'; at: number; count: number }>();
  #unsubscribe: (() => void) | undefined;
  #bus: GatewayBus | undefined;
  #watchingSince = 0;
  #stopWatching: ReturnType<ClockPort['setTimer']> | undefined;

  constructor(clock: ClockPort) {
    this.#clock = clock;
  }

  start(bus: GatewayBus): void {
    this.#bus = bus;
  }

  #watch(): void {
    const bus = this.#bus;
    if (!bus) return;
    this.#clock.clear(this.#stopWatching);
    this.#stopWatching = this.#clock.setTimer(WATCH_AFTER_LAST_ASK_MS, () => this.#unwatch());
    if (this.#unsubscribe) return;
    this.#watchingSince = this.#clock.now();
    this.#seen.clear();
    this.#unsubscribe = bus.subscribe('can.frame', (e) => {
      const key = `${e.direction}:${e.frame.id}`;
      const entry = this.#seen.get(key);
      if (entry) {
        entry.at = this.#clock.now();
        entry.count++;
      } else if (this.#seen.size < 64) this.#seen.set(key, { id: e.frame.id, direction: e.direction, at: this.#clock.now(), count: 1 });
    });
  }

  stop(): void {
    this.#unwatch();
    this.#bus = undefined;
  }

  #unwatch(): void {
    this.#clock.clear(this.#stopWatching);
    this.#stopWatching = undefined;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
  }

  report(can: Record<string, unknown> | undefined, limits: ChargeLimits | undefined): GxReport {
    this.#watch();
    const now = this.#clock.now();
    // Just started watching: frame ages are not known yet, so they are not judged.
    const judgeFrames = now - this.#watchingSince >= FRAME_FRESH_MS;
    const frames = [...this.#seen.values()]
      .sort((a, b) => a.id - b.id || a.direction.localeCompare(b.direction))
      .map((f) => ({ id: hexId(f.id), direction: f.direction, age_s: Math.round((now - f.at) / 100) / 10, count: f.count }));
    const ageMs = typeof can?.inverter_last_seen_ms_ago === 'number' && can.inverter_last_seen_ms_ago >= 0 ? can.inverter_last_seen_ms_ago : null;
    const keepalive = can?.inverter_present === true;
    const canState = typeof can?.state === 'string' ? can.state : 'unknown';
    const problems: GxProblem[] = [];
    if (!can) problems.push({ code: 'no_can_driver' });
    else if (canState !== 'running') problems.push({ code: 'can_not_running', state: canState });
    if (can && !keepalive) problems.push(ageMs === null ? { code: 'no_keepalive_ever' } : { code: 'keepalive_stopped', age_s: Math.round(ageMs / 1000) });
    for (const id of judgeFrames ? NEEDED_IDS : []) {
      const sent = this.#seen.get(`tx:${id}`);
      if (!sent) problems.push({ code: 'frame_not_sent', id: hexId(id) });
      else if (now - sent.at > FRAME_FRESH_MS) problems.push({ code: 'frame_late', id: hexId(id), age_s: Math.round((now - sent.at) / 1000) });
    }
    if (!limits) problems.push({ code: 'no_limits' });
    else {
      if (!limits.charge_allowed) problems.push({ code: 'charge_blocked' });
      if (!limits.discharge_allowed) problems.push({ code: 'discharge_blocked' });
    }
    const seesUs = keepalive && canState === 'running' && judgeFrames && NEEDED_IDS.every((id) => {
      const sent = this.#seen.get(`tx:${id}`);
      return sent !== undefined && now - sent.at <= FRAME_FRESH_MS;
    });
    const verdict: GxReport['verdict'] = seesUs ? 'yes' : can && (canState !== 'running' || !keepalive) ? 'no' : 'unknown';
    return {
      verdict,
      problems,
      keepalive_seen: keepalive,
      keepalive_age_s: ageMs === null ? null : Math.round(ageMs / 100) / 10,
      inverter_signature: typeof can?.inverter_signature === 'string' && can.inverter_signature !== '' ? can.inverter_signature : null,
      can_state: canState,
      limits: limits ? { ...limits, reasons: [...limits.reasons] } : null,
      frames,
    };
  }
}
