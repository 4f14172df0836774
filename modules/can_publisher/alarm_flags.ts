/**
 * 0x35A from the flag levels charge control decided (charge_flags.ts): ten flags are supported
 * (as in the spec's V11 example); general, contactor and short-circuit are sent as "not
 * supported". Without usable data only "BMS internal" is reported, as an active alarm: stale
 * values must not be shown as OK.
 */
import type { AlarmFlagName, AlarmFrame, AlarmFlagSet } from '../can_victron/alarms';
import type { FlagLevels } from './charge_flags';

export type { FlagLevel } from './charge_state';

export function alarmFrameFor(levels: FlagLevels | undefined): AlarmFrame {
  if (!levels) return { alarms: { bms_internal: 'active' }, warnings: { bms_internal: 'active' } };
  const alarms: AlarmFlagSet = {};
  const warnings: AlarmFlagSet = {};
  for (const flag in levels) {
    const level = levels[flag as AlarmFlagName];
    alarms[flag as AlarmFlagName] = level === 'alarm' ? 'active' : 'ok';
    warnings[flag as AlarmFlagName] = level === 'ok' ? 'ok' : 'active';
  }
  return { alarms, warnings };
}
