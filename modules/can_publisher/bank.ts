/**
 * Several TinyBMS packs wired in parallel, presented to the GX as one battery (pure). Each pack has
 * its own charge decision (charge_control.ts, from its own fresh data); the bank follows these
 * rules, one by one (issue 18):
 *
 *  1. Online = the pack's decision is usable (fresh, valid, plausible data). A silent or stale pack
 *     is excluded from everything below at once and counted offline in 0x372.
 *  2. No online pack → no usable bank decision: nothing goes on the bus (the GX stops within 3 s).
 *  3. CVL = the lowest CVL of the online packs (they share one voltage).
 *  4. CCL = the sum of the online packs' CCLs (each already bounded by its own limits), but 0 for
 *     the whole bank as soon as one online pack forbids charging: paralleled packs cannot be
 *     charged one at a time. DCL likewise.
 *  5. DVL = the highest DVL of the online packs (the first pack to reach its floor stops discharge).
 *  6. SOC = capacity-weighted mean of the online packs; SOH = the lowest.
 *  7. 0x356: voltage = mean, current = sum, temperature = the highest.
 *  8. 0x35F/0x379 installed capacity = sum over all packs, online or not (what is installed).
 *  9. 0x35A = flag by flag the worst level of the online packs (each pack's flags as its charge
 *     control decided them); an offline pack adds a "BMS internal" warning (not an alarm: the bank
 *     runs on without it).
 * 10. 0x372: modules online / blocking charge / blocking discharge / offline, counted per pack.
 * 11. 0x373–0x377: min/max over all cells and sensors of the online packs, with ids P<pack>C<cell>
 *     and P<pack>T<sensor>.
 */
import type { AlarmFlagName } from '../can_victron/alarms';
import type { ChargeLimits } from '../event_bus/events';
import type { LiveData, OnlineStatusName } from '../uart_bms/live_data';
import type { FlagLevels } from './charge_flags';
import type { ChargeDecision } from './charge_control';
import type { ChargeState, FlagLevel } from './charge_state';

export interface PackInput {
  /** 1-based pack number (the P in P2C05). */
  pack: number;
  /** The pack's latest snapshot (fresh or not; its decision says whether it is usable). */
  data: LiveData | undefined;
  decision: ChargeDecision;
  /** The pack's capacity (its BMS register 306, or the configured one). */
  capacity_ah: number;
}

export interface BankModules {
  online: number;
  blocking_charge: number;
  blocking_discharge: number;
  offline: number;
}

export interface BankExtremeIds {
  min_cell: string;
  max_cell: string;
  min_temperature: string;
  max_temperature: string;
}

export interface BankView {
  /** The bank as one snapshot (undefined when no pack is online); the top level of /api/status. */
  data: LiveData | undefined;
  decision: ChargeDecision;
  modules: BankModules;
  capacity_ah: number;
  /** 0x356 temperature: the warmest cell sensor of the online packs (NaN without one). */
  battery_temperature_c: number;
  ids: BankExtremeIds | undefined;
  /** Packs online now, in pack order. */
  online_packs: number[];
}

const round1 = (v: number) => Math.round(v * 10) / 10;

/** A pack that takes no current blocks that direction for the whole bank. */
function blocksCharge(d: ChargeDecision): boolean {
  return !d.limits.charge_allowed;
}
function blocksDischarge(d: ChargeDecision): boolean {
  return !d.limits.discharge_allowed;
}

function sumOf(values: readonly number[]): number {
  let total = 0;
  for (const v of values) total += v;
  return total;
}

function bankStatus(online: readonly LiveData[], current: number): OnlineStatusName {
  if (online.some((d) => d.online_status === 'fault')) return 'fault';
  if (online.every((d) => d.online_status === 'fully_charged')) return 'fully_charged';
  return current > 0.5 ? 'charging' : current < -0.5 ? 'discharging' : 'idle';
}

/** Where the extreme value sits, as P<pack><letter><n> (cells two digits, sensors one). */
function extremeId(online: readonly PackInput[], pick: 'min' | 'max', values: (d: LiveData) => readonly number[], letter: string, digits: number): string {
  let best: { pack: number; index: number; value: number } | undefined;
  for (const p of online) {
    const list = values(p.data as LiveData);
    for (let i = 0; i < list.length; i++) {
      const v = list[i];
      if (!best || (pick === 'min' ? v < best.value : v > best.value)) best = { pack: p.pack, index: i, value: v };
    }
  }
  return best ? `P${best.pack}${letter}${String(best.index + 1).padStart(digits, '0')}` : '';
}

/** Bank snapshot from the online packs' data (at least one). */
export function bankData(online: readonly Pick<PackInput, 'pack' | 'data'>[], capacities: readonly number[]): LiveData {
  const packs = online.map((p) => p.data as LiveData);
  const capacity = sumOf(capacities);
  const current = sumOf(packs.map((d) => d.pack_current_a));
  const voltage = sumOf(packs.map((d) => d.pack_voltage_v)) / packs.length;
  const soc = capacity > 0 ? sumOf(packs.map((d, i) => d.state_of_charge_pct * capacities[i])) / capacity : sumOf(packs.map((d) => d.state_of_charge_pct)) / packs.length;
  const cells = packs.flatMap((d) => d.cell_voltage_mv);
  const temperatures = packs.flatMap((d) => d.temperatures_c);
  const minCell = Math.min(...packs.map((d) => d.min_cell_voltage_mv));
  const maxCell = Math.max(...packs.map((d) => d.max_cell_voltage_mv));
  let offset = 0;
  const balancing: number[] = [];
  for (const d of packs) {
    for (const cell of d.balancing_cells) balancing.push(cell + offset);
    offset += d.cell_count;
  }
  const status = bankStatus(packs, current);
  const withSensors = packs.filter((d) => d.temp_sensor_count > 0 && Number.isFinite(d.min_temperature_c) && Number.isFinite(d.max_temperature_c));
  const boards = packs.map((d) => d.internal_temperature_c).filter((t): t is number => t !== null && Number.isFinite(t));
  return {
    // The oldest sample: the bank is only as fresh as its stalest member.
    timestamp_ms: Math.min(...packs.map((d) => d.timestamp_ms)),
    data_valid: true,
    pack_voltage_v: voltage,
    pack_current_a: current,
    power_w: sumOf(packs.map((d) => d.power_w)),
    state_of_charge_pct: soc,
    state_of_health_pct: Math.min(...packs.map((d) => d.state_of_health_pct)),
    cell_count: cells.length,
    cell_voltage_mv: cells,
    min_cell_voltage_mv: minCell,
    max_cell_voltage_mv: maxCell,
    cell_delta_mv: maxCell - minCell,
    temperatures_c: temperatures,
    temp_sensor_count: temperatures.length,
    cell_temperatures_c: packs.flatMap((d) => d.cell_temperatures_c),
    // Only packs whose cell sensors read; NaN when none does (as for one pack).
    min_temperature_c: withSensors.length ? Math.min(...withSensors.map((d) => d.min_temperature_c)) : NaN,
    max_temperature_c: withSensors.length ? Math.max(...withSensors.map((d) => d.max_temperature_c)) : NaN,
    internal_temperature_c: boards.length ? Math.max(...boards) : null,
    online_status: status,
    online_status_code: status === 'fault' ? 0x9b : (packs.find((d) => d.online_status === status)?.online_status_code ?? packs[0].online_status_code),
    balancing_cells: balancing,
    balancing_bits: 0,
    needs_balancing_bits: 0,
    lifetime_s: Math.min(...packs.map((d) => d.lifetime_s)),
    time_left_s: Math.min(...packs.map((d) => d.time_left_s)),
  };
}

function bankLimits(online: readonly PackInput[], offline: readonly PackInput[]): ChargeLimits {
  const limits = online.map((p) => p.decision.limits);
  const chargeBlocked = online.some((p) => blocksCharge(p.decision));
  const dischargeBlocked = online.some((p) => blocksDischarge(p.decision));
  const ccl = chargeBlocked ? 0 : round1(sumOf(limits.map((l) => l.charge_current_limit_a)));
  const dcl = dischargeBlocked ? 0 : round1(sumOf(limits.map((l) => l.discharge_current_limit_a)));
  const reasons: string[] = [];
  for (const p of online) for (const r of p.decision.limits.reasons) reasons.push(online.length === 1 && offline.length === 0 ? r : `pack${p.pack}:${r}`);
  for (const p of offline) reasons.push(`pack${p.pack}:offline`);
  return {
    charge_voltage_limit_v: Math.min(...limits.map((l) => l.charge_voltage_limit_v)),
    charge_current_limit_a: ccl,
    discharge_current_limit_a: dcl,
    discharge_voltage_limit_v: Math.max(...limits.map((l) => l.discharge_voltage_limit_v)),
    charge_allowed: ccl > 0,
    discharge_allowed: dcl > 0,
    reasons,
  };
}

const RANK: Readonly<Record<FlagLevel, number>> = Object.freeze({ ok: 0, warning: 1, alarm: 2 });

/** Flag by flag, the worst level any pack reports; `atLeast` raises flags to a floor (offline packs). */
export function worstFlags(sets: readonly FlagLevels[], atLeast: FlagLevels = {}): FlagLevels {
  const out: FlagLevels = {};
  for (const set of [...sets, atLeast]) {
    for (const [flag, level] of Object.entries(set) as [AlarmFlagName, FlagLevel][]) {
      const current = out[flag];
      if (current === undefined || RANK[level] > RANK[current]) out[flag] = level;
    }
  }
  return out;
}

/** The bank as the GX sees it. `previousState` is carried in the decision for the publisher's bookkeeping only. */
export function aggregateBank(packs: readonly PackInput[], previousState: ChargeState): BankView {
  const online = packs.filter((p) => p.decision.usable && p.data !== undefined);
  const offline = packs.filter((p) => !(p.decision.usable && p.data !== undefined));
  const modules: BankModules = {
    online: online.length,
    blocking_charge: online.filter((p) => blocksCharge(p.decision)).length,
    blocking_discharge: online.filter((p) => blocksDischarge(p.decision)).length,
    offline: offline.length,
  };
  const installed = sumOf(packs.map((p) => p.capacity_ah));

  if (online.length === 0) {
    // Nothing usable: the first pack's unusable decision (zero limits, no permission), marked for every pack.
    const first = packs[0].decision;
    return {
      data: undefined,
      decision: { ...first, state: previousState, limits: { ...first.limits, reasons: packs.map((p) => `pack${p.pack}:offline`) } },
      modules,
      capacity_ah: installed,
      battery_temperature_c: NaN,
      ids: undefined,
      online_packs: [],
    };
  }

  const data = bankData(
    online,
    online.map((p) => p.capacity_ah),
  );
  const limits = bankLimits(online, offline);
  return {
    data,
    decision: {
      limits,
      state: previousState,
      usable: true,
      force_charge_request: limits.charge_allowed && online.some((p) => p.decision.force_charge_request),
      flags: worstFlags(
        online.map((p) => p.decision.flags),
        offline.length > 0 ? { bms_internal: 'warning' } : {},
      ),
      fault_causes: [...new Set(online.flatMap((p) => p.decision.fault_causes))],
    },
    modules,
    capacity_ah: installed,
    battery_temperature_c: data.max_temperature_c,
    ids: {
      min_cell: extremeId(online, 'min', (d) => d.cell_voltage_mv, 'C', 2),
      max_cell: extremeId(online, 'max', (d) => d.cell_voltage_mv, 'C', 2),
      min_temperature: extremeId(online, 'min', (d) => d.temperatures_c, 'T', 1),
      max_temperature: extremeId(online, 'max', (d) => d.temperatures_c, 'T', 1),
    },
    online_packs: online.map((p) => p.pack),
  };
}
