/**
 * The simulated TinyBMS's own decisions, made from what it measures: protections, charger and
 * load switches, charge start/done detection, passive-balancing choice, online status, the
 * coulomb-counted SOC, and the events and statistics these produce.
 */
import type { ForcedBmsFault } from './battery_model';
import { EventLog } from './event_log';
import { PROTECTIONS, type ProtectionInputs, type ProtectionRule } from './protections';
import { EVENT, STATUS } from './register_map';
import type { BmsSettings } from './settings';
import { Statistics } from './statistics';

export interface BmsMeasurements {
  cellMv: readonly number[];
  /** Battery current through the shunt, A (+ = charge). */
  currentA: number;
  /** Connected sensors only. */
  temperaturesC: readonly number[];
  chargerConnected: boolean;
  /** Faults forced by fault injection (no measurement trips them). */
  forced?: ReadonlySet<ForcedBmsFault>;
}

/** Event logged when a forced fault starts, and when it ends (none for a switch error: it needs a restart). */
const FORCED_EVENTS: Readonly<Record<ForcedBmsFault, { start?: number; end?: number }>> = Object.freeze({
  switch_error: { start: EVENT.CHARGER_SWITCH_ERROR },
  current_sensor_lost: { start: EVENT.CURRENT_SENSOR_DISCONNECTED, end: EVENT.CURRENT_SENSOR_CONNECTED },
  // Nothing in the log explains it: the gateway must take the safe side.
  unexplained_fault: {},
});

export interface BmsDecision {
  chargeEnabled: boolean;
  dischargeEnabled: boolean;
  status: number;
  needsBalancingBits: number;
  balancingBits: number;
}

/** Below this magnitude the pack counts as at rest, A. */
export const IDLE_CURRENT_A = 0.3;
/** How long the taper current must stay under "charge finished" before the BMS calls it done, s. */
const DONE_CONFIRM_S = 5;

interface ProtectionState {
  active: boolean;
  conditionSinceS: number | undefined;
  trippedAtS: number;
}

export class BmsLogic {
  readonly events = new EventLog();
  readonly statistics = new Statistics();
  /** Coulomb-counted state of charge, %. */
  socPct = 0;
  /** Added to the model's SOH estimate after a 323 write, %. */
  sohOffsetPct = 0;
  chargeDone = false;
  chargingActive = false;
  lifetimeS = 0;
  /** In PROTECTIONS order; an array, not a Map: iterating it allocates no entry pairs (every sub-step walks it). */
  #protections: { rule: ProtectionRule; state: ProtectionState }[] = PROTECTIONS.map((rule) => ({ rule, state: { active: false, conditionSinceS: undefined, trippedAtS: 0 } }));
  /** The over-temperature protection's state: every decision asks whether it is active. */
  #overTemperature: ProtectionState = this.#stateOf('over_temperature');
  #forcedActive = new Set<ForcedBmsFault>();
  #chargerWasConnected = false;
  #chargerConnectedAtS = 0;
  #lowCurrentS = 0;
  #needsBalancing = 0;
  /** Reused every decision (one a sub-step): the protection rules read it and keep nothing. */
  #inputs: ProtectionInputs = { maxCellMv: 0, minCellMv: 0, currentA: 0, temperaturesC: [] };
  #last: BmsDecision = { chargeEnabled: false, dischargeEnabled: true, status: STATUS.IDLE, needsBalancingBits: 0, balancingBits: 0 };

  constructor(initialSocPct: number, lifetimeS: number) {
    this.socPct = initialSocPct;
    this.lifetimeS = lifetimeS;
  }

  get lastDecision(): Readonly<BmsDecision> {
    return this.#last;
  }

  /** Names of the protections currently tripped. */
  activeProtections(): string[] {
    return this.#protections.filter(({ state }) => state.active).map(({ rule }) => rule.name);
  }

  isActive(protection: string): boolean {
    for (const { rule, state } of this.#protections) if (rule.name === protection) return state.active;
    return false;
  }

  #stateOf(name: string): ProtectionState {
    const entry = this.#protections.find(({ rule }) => rule.name === name);
    if (!entry) throw new Error(`no protection named ${name}`);
    return entry.state;
  }

  #anyProtectionActive(): boolean {
    for (const { state } of this.#protections) if (state.active) return true;
    return false;
  }

  logEvent(id: number): void {
    this.events.log(id, this.lifetimeS);
  }

  /** One decision from the latest measurements; `dtS` is the time since the previous one. */
  decide(m: BmsMeasurements, s: BmsSettings, dtS: number): BmsDecision {
    let maxCellMv = -Infinity;
    let minCellMv = Infinity;
    const cellMv = m.cellMv;
    for (let i = 0; i < cellMv.length; i++) {
      const mv = cellMv[i];
      maxCellMv = Math.max(maxCellMv, mv);
      minCellMv = Math.min(minCellMv, mv);
    }
    const inputs = this.#inputs;
    inputs.maxCellMv = maxCellMv;
    inputs.minCellMv = minCellMv;
    inputs.currentA = m.currentA;
    inputs.temperaturesC = m.temperaturesC;
    this.statistics.observe(m.currentA, maxCellMv - minCellMv, m.temperaturesC);
    this.#updateProtections(inputs, s);
    this.#trackCharger(m, s, maxCellMv, dtS);

    this.#trackForced(m.forced);
    let chargeEnabled = m.chargerConnected && !this.chargeDone && this.lifetimeS - this.#chargerConnectedAtS >= s.chargerStartupDelayS;
    let dischargeEnabled = true;
    let fault = this.#forcedActive.size > 0;
    if (fault) chargeEnabled = dischargeEnabled = false;
    for (const { rule, state } of this.#protections) {
      if (!state.active) continue;
      if (rule.blocksCharge) chargeEnabled = false;
      if (rule.blocksDischarge) dischargeEnabled = false;
      if (rule.fault) fault = true;
    }
    const status = fault
      ? STATUS.FAULT
      : m.currentA > IDLE_CURRENT_A
        ? STATUS.CHARGING
        : m.currentA < -IDLE_CURRENT_A
          ? STATUS.DISCHARGING
          : this.chargeDone
            ? STATUS.FULLY_CHARGED
            : STATUS.IDLE;
    const needsBalancingBits = this.#chooseBalancing(m.cellMv, minCellMv, s);
    // Bleeding stops while discharging and while the pack is too hot.
    const balancingAllowed = m.currentA >= -IDLE_CURRENT_A && !this.#overTemperature.active;
    // Rewritten in place (one decision a sub-step): readers use it at once and keep nothing.
    const last = this.#last;
    last.chargeEnabled = chargeEnabled;
    last.dischargeEnabled = dischargeEnabled;
    last.status = status;
    last.needsBalancingBits = needsBalancingBits;
    last.balancingBits = balancingAllowed ? needsBalancingBits : 0;
    return last;
  }

  #trackForced(forced: ReadonlySet<ForcedBmsFault> | undefined): void {
    if (!forced?.size && this.#forcedActive.size === 0) return;
    for (const kind of forced ?? []) {
      if (this.#forcedActive.has(kind)) continue;
      this.#forcedActive.add(kind);
      const start = FORCED_EVENTS[kind].start;
      if (start !== undefined) this.logEvent(start);
    }
    for (const kind of [...this.#forcedActive]) {
      if (forced?.has(kind)) continue;
      this.#forcedActive.delete(kind);
      const end = FORCED_EVENTS[kind].end;
      if (end !== undefined) this.logEvent(end);
    }
  }

  /** Coulomb counting over `dtS` at `currentA`, against the usable capacity. */
  account(currentA: number, dtS: number, usableCapacityAh: number): void {
    this.socPct = Math.min(100, Math.max(0, this.socPct + (100 * currentA * dtS) / 3600 / usableCapacityAh));
    this.lifetimeS += dtS;
  }

  #updateProtections(m: ProtectionInputs, s: BmsSettings): void {
    for (const { rule, state } of this.#protections) {
      if (!state.active) {
        if (!rule.tripping(m, s)) {
          state.conditionSinceS = undefined;
          continue;
        }
        state.conditionSinceS ??= this.lifetimeS;
        if (this.lifetimeS - state.conditionSinceS < (rule.tripDelayS?.(s) ?? 0)) continue;
        state.active = true;
        state.trippedAtS = this.lifetimeS;
        this.logEvent(rule.tripEvent);
        if (rule.counter) this.statistics.count(rule.counter);
        if (rule.name === 'fully_discharged') this.socPct = 0;
      } else {
        const recovered = rule.recovered ? rule.recovered(m, s) : this.lifetimeS - state.trippedAtS >= (rule.recoverAfterS?.(s) ?? 0);
        if (!recovered) continue;
        state.active = false;
        state.conditionSinceS = undefined;
        this.logEvent(rule.recoverEvent);
      }
    }
  }

  #trackCharger(m: BmsMeasurements, s: BmsSettings, maxCellMv: number, dtS: number): void {
    if (m.chargerConnected && !this.#chargerWasConnected) {
      this.logEvent(EVENT.CHARGER_CONNECTED);
      this.#chargerConnectedAtS = this.lifetimeS;
      this.chargeDone = false;
    } else if (!m.chargerConnected && this.#chargerWasConnected) {
      this.logEvent(EVENT.CHARGER_DISCONNECTED);
      this.chargingActive = false;
    }
    this.#chargerWasConnected = m.chargerConnected;
    if (this.chargeDone && s.chargeRestartEnabled && this.socPct < s.chargeRestartPct) this.chargeDone = false;
    if (!m.chargerConnected) return;

    if (!this.chargingActive && m.currentA > IDLE_CURRENT_A) {
      this.chargingActive = true;
      this.#lowCurrentS = 0;
      this.logEvent(EVENT.CHARGING_STARTED);
      this.statistics.count('charging');
    }
    // A charge cut off by a protection is not a completed charge (no SOC calibration, no count).
    if (!this.chargingActive || !this.#last.chargeEnabled || this.#anyProtectionActive()) return;
    const tapered = m.currentA < s.chargeFinishedA && maxCellMv >= s.earlyBalancingMv;
    this.#lowCurrentS = tapered ? this.#lowCurrentS + dtS : 0;
    if (this.#lowCurrentS >= DONE_CONFIRM_S || maxCellMv >= s.fullyChargedMv) {
      this.chargeDone = true;
      this.chargingActive = false;
      this.socPct = 100;
      this.logEvent(EVENT.CHARGING_DONE);
      this.statistics.count('fullCharge');
    }
  }

  /** Cells more than the allowed disbalance above the lowest and above the early threshold bleed; half the margin releases them. */
  #chooseBalancing(cellMv: readonly number[], minCellMv: number, s: BmsSettings): number {
    let bits = 0;
    for (let i = 0; i < cellMv.length && i < 16; i++) {
      const above = cellMv[i] - minCellMv;
      const wasOn = (this.#needsBalancing >> i) & 1;
      const on = wasOn ? above > s.allowedDisbalanceMv / 2 && cellMv[i] >= s.earlyBalancingMv - 10 : above > s.allowedDisbalanceMv && cellMv[i] >= s.earlyBalancingMv;
      if (on) bits |= 1 << i;
    }
    this.#needsBalancing = bits;
    return bits;
  }
}
