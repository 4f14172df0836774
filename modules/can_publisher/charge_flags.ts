/**
 * The 0x35A (and Pylontech 0x359) flags, decided inside charge control so they line up with the
 * limits (issue 12 item 9): an alarm exactly when the protection has taken its limit to 0 (the
 * protection's latch, or a BMS fault of that cause), a warning while it is derating. Every flag
 * has hysteresis twice over: value bands (a warning clears only a step back inside its threshold)
 * and a hold (a level drops only after the lower level has lasted FLAG_HOLD_MS). Pure.
 */
import type { AlarmFlagName } from '../can_victron/alarms';
import type { FlagLevel, FlagMemory } from './charge_state';

export const FLAG_HOLD_MS = 5000;
export const FLAG_HYSTERESIS = Object.freeze({ voltage_mv: 20, temperature_c: 2, current_share: 0.05, imbalance_mv: 10 });

export type FlagLevels = Partial<Record<AlarmFlagName, FlagLevel>>;

const RANK: Readonly<Record<FlagLevel, number>> = { ok: 0, warning: 1, alarm: 2 };

/**
 * Level of a measure oriented so that larger is worse: warning from `warnAt`, alarm from
 * `alarmAt` (or when `alarm` is forced), each kept until the value is `h` back inside.
 */
export function banded(value: number, warnAt: number, alarmAt: number | undefined, h: number, previous: FlagLevel | undefined, alarm = false): FlagLevel {
  if (alarm) return 'alarm';
  if (!Number.isFinite(value)) return 'ok';
  if (alarmAt !== undefined && (value >= alarmAt || (previous === 'alarm' && value > alarmAt - h))) return 'alarm';
  if (value >= warnAt || (previous !== undefined && previous !== 'ok' && value > warnAt - h)) return 'warning';
  return 'ok';
}

/** Applies the hold: raises at once, lowers only after the lower level has lasted FLAG_HOLD_MS. */
export function holdFlags(raw: FlagLevels, previous: Partial<Record<AlarmFlagName, FlagMemory>>, nowMs: number): { levels: FlagLevels; memory: Partial<Record<AlarmFlagName, FlagMemory>> } {
  const levels: FlagLevels = {};
  const memory: Partial<Record<AlarmFlagName, FlagMemory>> = {};
  for (const flag of Object.keys(raw) as AlarmFlagName[]) {
    const now = raw[flag] ?? 'ok';
    const before = previous[flag];
    if (!before || RANK[now] >= RANK[before.level]) {
      memory[flag] = { level: now, lower_since_ms: undefined };
    } else {
      const since = before.lower_since_ms ?? nowMs;
      memory[flag] = nowMs - since >= FLAG_HOLD_MS ? { level: now, lower_since_ms: undefined } : { level: before.level, lower_since_ms: since };
    }
    levels[flag] = memory[flag]!.level;
  }
  return { levels, memory };
}
