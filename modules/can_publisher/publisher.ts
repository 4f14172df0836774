/**
 * The CAN publisher: listens to 'bms.data', runs charge control once per 1 s cycle, sends the
 * protocol's frame groups through the CAN driver, integrates and persists the energy counters,
 * and publishes 'charge.limits' when they change.
 *
 * Safety rules it enforces: limits come only from data younger than bms.stale_after_ms (a watchdog
 * withdraws charge permission the moment data turns stale, and no 0x351 is sent without usable
 * data); a Pylontech announcement that would let CVL fall into the GX's substitution window
 * refuses to start (pylontech_guard.ts).
 */
import type { ClockPort, TimerHandle } from '../../hosts/ports/clock';
import type { CanTransmitter } from '../can_victron/driver';
import { formatCanId } from '../can_victron/ids';
import type { GatewayConfig } from '../config_manager/config_types';
import type { CurvePoints } from '../config_manager/curve';
import type { ChargeLimits } from '../event_bus/events';
import type { GatewayContext, GatewayModule, ModuleMetrics } from '../gateway/context';
import type { LiveData } from '../uart_bms/live_data';
import { CycleTimer } from '../monitoring/cycle_timer';
import { Deadline } from '../util/deadline';
import type { Logger } from '../util/logger';
import { type BankView, aggregateBank } from './bank';
import { BmsCapacity } from './bms_capacity';
import { BmsFacts, type BmsFactsReader } from './bms_facts';
import { type ChargeDecision, type ChargeSettings, computeChargeLimits, curveOf } from './charge_control';
import { type ChargeState, initialChargeState } from './charge_state';
import { EnergyCounter, type EnergyTotals } from './energy_counter';
import { DEFAULT_ENERGY_SAVE_POLICY, ENERGY_STORE_KEY, energySaveDue, type EnergySavePolicy, loadEnergy, saveEnergy } from './energy_store';
import { type FrameInputs, buildFrame, sourceValues } from './frame_builder';
import { pylontechCvlFloor, pylontechRefusal } from './pylontech_guard';
import { CYCLE_MS, type FrameGroup, SCHEDULES } from './schedule';

export interface CanPublisherOptions {
  transmitter: CanTransmitter;
  /** Gateway firmware version for 0x35F (major.minor). */
  firmware?: { major: number; minor: number };
  /** When the energy counters are saved (energy_store.ts: threshold, time bound, wear budget). */
  energySave?: Partial<EnergySavePolicy>;
  energyStoreKey?: string;
  /**
   * The uart_bms poller: reads the capacity register for 0x35F/0x379, the cut-offs that bound the
   * limits, the serial for 0x380/0x381 and the event log; without it, the configuration alone.
   */
  settingsReader?: BmsFactsReader;
  /**
   * Packs in parallel (default 1). With more than one, the publisher follows 'bms.pack', runs charge
   * control per pack (each with its own BMS facts: cut-offs, fault causes) and sends the bank
   * (bank.ts); `packCapacityAh` overrides each pack's capacity.
   */
  packs?: number;
  packCapacityAh?(pack: number): number | undefined;
  /** Several packs: each pack's poller (pack 1 first); capacity, cut-offs and fault causes come from each pack's own BMS. */
  packReaders?: readonly BmsFactsReader[];
}

/** One pack of a bank: its latest snapshot, its own charge-control state and what its BMS says. */
interface PackTrack {
  pack: number;
  latest: LiveData | undefined;
  state: ChargeState;
  decision: ChargeDecision | undefined;
  /** Re-evaluates the moment this pack's data turns stale. */
  stale: Deadline;
  capacity: BmsCapacity | undefined;
  facts: BmsFacts | undefined;
}

export type PublisherState = 'stopped' | 'running' | 'disabled' | 'refused';

/** How often the save policy is checked. */
const ENERGY_CHECK_MS = 1000;

export function chargeSettingsFrom(config: GatewayConfig): ChargeSettings {
  return {
    charge: config.charge,
    stale_after_ms: config.bms.stale_after_ms,
    min_cvl_v: pylontechCvlFloor(config),
    soc_full_pct: config.bms.soc_full_pct,
    soc_empty_pct: config.bms.soc_empty_pct,
    current_alarm_a: config.alerts.current_max_a,
    imbalance_alarm_mv: config.alerts.imbalance_max_mv,
  };
}

export class CanPublisher implements GatewayModule {
  readonly name = 'can_publisher';
  #ctx: GatewayContext;
  #clock: ClockPort;
  #log: Logger;
  #transmitter: CanTransmitter;
  #firmware: { major: number; minor: number };
  #savePolicy: EnergySavePolicy;
  #lastSaveAt = 0;
  #saveFailing = false;
  #storeKey: string;
  #state: PublisherState = 'stopped';
  #refusal: string | undefined;
  #latest: LiveData | undefined;
  #chargeState: ChargeState = initialChargeState();
  #decision: ChargeDecision | undefined;
  #publishedLimits = '';
  /** charge.discharge_temperature_curve as last parsed, with its text. */
  #curve: { text: string; points: CurvePoints } | undefined;
  #energy: EnergyCounter | undefined;
  #capacity: BmsCapacity;
  #facts: BmsFacts;
  /** One 1 s cycle: charge decision and the frames sent at once. */
  #cycleTimer: CycleTimer;
  #savedEnergy: EnergyTotals = { charged_wh: 0, discharged_wh: 0 };
  #unsubscribe: (() => void) | undefined;
  #timers: TimerHandle[] = [];
  /** Re-evaluates the moment the latest data turns stale, without waiting for the next cycle. */
  #stale: Deadline;
  #cycle = 0;
  /** Bank mode only (packs > 1). */
  #packs: PackTrack[] = [];
  #bank: BankView | undefined;
  #packCapacity: (pack: number) => number | undefined;
  #counts = {
    samples: 0,
    samples_invalid: 0,
    frames_queued: 0,
    frames_failed: 0,
    encode_errors: 0,
    limits_published: 0,
    energy_saves: 0,
    energy_save_failures: 0,
  };

  constructor(ctx: GatewayContext, options: CanPublisherOptions) {
    this.#ctx = ctx;
    this.#clock = ctx.host.clock;
    this.#log = ctx.logger('can_publisher');
    this.#transmitter = options.transmitter;
    this.#firmware = options.firmware ?? { major: 0, minor: 1 };
    this.#savePolicy = { ...DEFAULT_ENERGY_SAVE_POLICY, ...options.energySave };
    this.#storeKey = options.energyStoreKey ?? ENERGY_STORE_KEY;
    this.#capacity = new BmsCapacity(ctx, options.settingsReader, this.#log);
    this.#facts = new BmsFacts(ctx, options.settingsReader, this.#log);
    this.#cycleTimer = new CycleTimer(this.#clock);
    this.#stale = new Deadline(this.#clock, () => void this.#evaluate());
    const readers = options.packReaders ?? [];
    const packs = Math.max(options.packs ?? 1, readers.length);
    if (packs > 1) {
      for (let pack = 1; pack <= packs; pack++) {
        const reader = readers[pack - 1];
        this.#packs.push({
          pack,
          latest: undefined,
          state: initialChargeState(),
          decision: undefined,
          stale: new Deadline(this.#clock, () => void this.#evaluate()),
          capacity: reader ? new BmsCapacity(ctx, reader, this.#log, pack) : undefined,
          facts: reader ? new BmsFacts(ctx, reader, this.#log, pack) : undefined,
        });
      }
    }
    this.#packCapacity = options.packCapacityAh ?? ((pack) => this.#packs[pack - 1]?.capacity?.current().capacity_ah);
  }

  /** The bank as last aggregated (several packs only). */
  bank(): BankView | undefined {
    return this.#bank;
  }

  /** A pack's capacity (its BMS register 306 when read, else charge.capacity_ah); several packs only. */
  packCapacityAh(pack: number): number {
    return this.#packCapacity(pack) ?? this.#ctx.config().charge.capacity_ah;
  }

  /** Each pack's last charge decision (several packs only), pack 1 first. */
  packDecisions(): { pack: number; decision: ChargeDecision | undefined }[] {
    return this.#packs.map((p) => ({ pack: p.pack, decision: p.decision }));
  }

  start(): void {
    if (this.#state !== 'stopped') return;
    const loaded = loadEnergy(this.#ctx.host.store, this.#storeKey);
    if (loaded.problem) this.#log.error(loaded.problem);
    this.#savedEnergy = loaded.totals;
    this.#energy = new EnergyCounter(loaded.totals, this.#ctx.config().bms.stale_after_ms);
    this.#unsubscribe =
      this.#packs.length > 0
        ? this.#ctx.bus.subscribe('bms.pack', ({ pack, data }) => this.#onPackData(pack, data))
        : this.#ctx.bus.subscribe('bms.data', (data) => this.#onData(data));
    this.#capacity.start();
    this.#facts.start();
    for (const p of this.#packs) {
      p.capacity?.start();
      p.facts?.start();
    }
    this.#state = 'running';
    this.#timers.push(this.#clock.setInterval(CYCLE_MS, () => this.#cycleTimer.measure(() => this.#runCycle())));
    this.#lastSaveAt = this.#clock.now();
    this.#timers.push(this.#clock.setInterval(Math.min(ENERGY_CHECK_MS, this.#savePolicy.minIntervalMs || ENERGY_CHECK_MS), () => this.#maybeSaveEnergy()));
  }

  stop(): void {
    if (this.#state === 'stopped') return;
    this.#unsubscribe?.();
    this.#unsubscribe = undefined;
    this.#capacity.stop();
    this.#facts.stop();
    for (const p of this.#packs) {
      p.capacity?.stop();
      p.facts?.stop();
    }
    for (const timer of this.#timers) this.#clock.clear(timer);
    this.#timers = [];
    this.#stale.cancel();
    for (const p of this.#packs) p.stale.cancel();
    this.#saveEnergy();
    this.#state = 'stopped';
  }

  /** The limits last computed (what `npm start` prints and /api/status shows). */
  currentLimits(): ChargeLimits | undefined {
    return this.#decision?.limits;
  }

  /** The capacity announced on CAN: the BMS's register 306 once read, else charge.capacity_ah. */
  capacityAh(): number {
    return this.#capacity.current().capacity_ah;
  }

  energyTotals(): EnergyTotals {
    return this.#energy?.totals() ?? { ...this.#savedEnergy };
  }

  get state(): PublisherState {
    return this.#state;
  }

  metrics(): ModuleMetrics {
    const limits = this.#decision?.limits;
    const energy = this.energyTotals();
    return {
      state: this.#state,
      protocol: this.#ctx.config().can.protocol,
      refusal: this.#refusal ?? '',
      phase: this.#chargeState.phase,
      limits_usable: this.#decision?.usable ?? false,
      charge_voltage_limit_v: limits?.charge_voltage_limit_v ?? 0,
      charge_current_limit_a: limits?.charge_current_limit_a ?? 0,
      discharge_current_limit_a: limits?.discharge_current_limit_a ?? 0,
      charge_allowed: limits?.charge_allowed ?? false,
      discharge_allowed: limits?.discharge_allowed ?? false,
      limit_reasons: limits?.reasons.join(',') ?? '',
      charged_energy_wh: Math.round(energy.charged_wh * 1000) / 1000,
      discharged_energy_wh: Math.round(energy.discharged_wh * 1000) / 1000,
      energy_gaps: this.#energy?.gaps ?? 0,
      limiting_cvl: limits?.limiting?.cvl ?? '',
      limiting_ccl: limits?.limiting?.ccl ?? '',
      limiting_dcl: limits?.limiting?.dcl ?? '',
      bms_bounds: limits?.bms_bounds?.join(',') ?? '',
      fault_causes: this.#decision?.fault_causes.join(',') ?? '',
      ...this.#capacity.metrics(),
      ...this.#facts.metrics(),
      ...this.#cycleTimer.metrics(),
      ...this.#counts,
    };
  }

  #onData(data: LiveData): void {
    if (this.#state === 'stopped') return;
    this.#counts.samples++;
    const now = this.#clock.now();
    if (!data.data_valid) {
      // One failed poll does not stop charging; the stale timer does if no valid data follows.
      this.#counts.samples_invalid++;
      this.#energy?.interrupt();
      return;
    }
    const sampleTime = Number.isFinite(data.timestamp_ms) && data.timestamp_ms <= now ? data.timestamp_ms : now;
    this.#energy?.addSample(data.pack_voltage_v, data.pack_current_a, sampleTime);
    this.#latest = data;
    this.#stale.set(this.#staleAt(data, now));
  }

  /** The first moment `data` is too old to drive charge limits. */
  #staleAt(data: LiveData, now: number): number {
    return (Number.isFinite(data.timestamp_ms) ? data.timestamp_ms : now) + this.#ctx.config().bms.stale_after_ms + 1;
  }

  #onPackData(pack: number, data: LiveData): void {
    const track = this.#packs[pack - 1];
    if (this.#state === 'stopped' || !track) return;
    this.#counts.samples++;
    if (!data.data_valid) {
      this.#counts.samples_invalid++;
      return;
    }
    track.latest = data;
    // A pack going stale leaves the bank at once (its share of the limits goes with it).
    track.stale.set(this.#staleAt(data, this.#clock.now()));
  }

  /** chargeSettingsFrom(config) with the discharge curve parsed only when its text changed. */
  #settings(config: GatewayConfig): ChargeSettings {
    const settings = chargeSettingsFrom(config);
    const text = config.charge.discharge_temperature_curve;
    if (!this.#curve || this.#curve.text !== text) this.#curve = { text, points: curveOf(text) };
    settings.discharge_curve = this.#curve.points;
    return settings;
  }

  /** Several packs: each pack's own decision, then the bank's (bank.ts). */
  #evaluateBank(): ChargeDecision {
    const config = this.#ctx.config();
    const settings = this.#settings(config);
    const now = this.#clock.now();
    const inputs = this.#packs.map((p) => {
      p.decision = computeChargeLimits(p.latest, now, settings, p.state, { cutoffs: p.facts?.cutoffs(), logged_fault_causes: p.facts?.loggedFaultCauses() });
      p.state = p.decision.state;
      return { pack: p.pack, data: p.latest, decision: p.decision, capacity_ah: this.#packCapacity(p.pack) ?? config.charge.capacity_ah };
    });
    this.#bank = aggregateBank(inputs, this.#chargeState);
    const bankData = this.#bank.data;
    // Energy through the bank's terminals: mean voltage × summed current, sampled once per evaluation.
    if (bankData && this.#bank.decision.usable) this.#energy?.addSample(bankData.pack_voltage_v, bankData.pack_current_a, now);
    else this.#energy?.interrupt();
    this.#latest = bankData;
    return this.#bank.decision;
  }

  #evaluate(): ChargeDecision {
    const config = this.#ctx.config();
    const decision =
      this.#packs.length > 0
        ? this.#evaluateBank()
        : computeChargeLimits(this.#latest, this.#clock.now(), this.#settings(config), this.#chargeState, {
            cutoffs: this.#facts.cutoffs(),
            logged_fault_causes: this.#facts.loggedFaultCauses(),
          });
    this.#chargeState = decision.state;
    if (decision.usable !== this.#decision?.usable) {
      if (decision.usable) this.#log.info('BMS data usable: charge limits active');
      else this.#log.warn(`no usable BMS data (${decision.limits.reasons.join(',')}): charge permission withdrawn, 0x351 not sent`);
    }
    this.#decision = decision;
    const text = JSON.stringify(decision.limits);
    if (text !== this.#publishedLimits) {
      this.#publishedLimits = text;
      this.#counts.limits_published++;
      this.#ctx.bus.publish('charge.limits', decision.limits);
    }
    return decision;
  }

  #runCycle(): void {
    const cycle = this.#cycle++;
    const decision = this.#evaluate();
    const config = this.#ctx.config();
    if (!config.can.enabled) {
      this.#state = 'disabled';
      return;
    }
    const refusal = pylontechRefusal(config);
    if (refusal !== this.#refusal) {
      if (refusal) this.#log.error(`not publishing: ${refusal}`);
      else if (this.#refusal) this.#log.info('Pylontech check passed: publishing');
      this.#refusal = refusal;
    }
    if (refusal) {
      this.#state = 'refused';
      return;
    }
    this.#state = 'running';
    const inputs: FrameInputs = {
      config,
      data: decision.usable ? this.#latest : undefined,
      decision,
      energy: this.energyTotals(),
      firmware: this.#firmware,
      capacity_ah: this.#bank ? this.#bank.capacity_ah : this.#capacity.current().capacity_ah,
      // A bank has several serials: 0x380/0x381 name none of them.
      serial_number: this.#bank ? undefined : this.#facts.serial(),
      bank: this.#bank,
    };
    // Every numeric frame of this cycle (also the groups sent later in it) reads the same values.
    inputs.values = sourceValues(inputs);
    for (const group of SCHEDULES[config.can.protocol]) {
      if (cycle % group.every_cycles !== 0) continue;
      if (group.offset_ms === 0) this.#sendGroup(group, inputs);
      else {
        const timer = this.#clock.setTimer(group.offset_ms, () => {
          this.#timers = this.#timers.filter((t) => t !== timer);
          if (this.#state === 'running') this.#sendGroup(group, inputs);
        });
        this.#timers.push(timer);
      }
    }
  }

  #sendGroup(group: FrameGroup, inputs: FrameInputs): void {
    for (const id of group.ids) {
      let frame;
      try {
        frame = buildFrame(id, inputs);
      } catch (error) {
        this.#counts.encode_errors++;
        this.#log.error(`frame ${formatCanId(id)} not sent: ${String(error)}`);
        continue;
      }
      if (!frame) continue;
      if (this.#transmitter.transmit(frame) === 'queued') this.#counts.frames_queued++;
      else this.#counts.frames_failed++;
    }
  }

  #maybeSaveEnergy(): void {
    if (!this.#energy) return;
    if (energySaveDue(this.#savePolicy, this.#savedEnergy, this.#energy.totals(), this.#clock.now() - this.#lastSaveAt)) this.#saveEnergy();
  }

  /** By the save policy and at stop; only when the counters moved (flash wear). */
  #saveEnergy(): void {
    if (!this.#energy) return;
    const totals = this.#energy.totals();
    if (totals.charged_wh === this.#savedEnergy.charged_wh && totals.discharged_wh === this.#savedEnergy.discharged_wh) return;
    // A failed save waits a full interval too: a failing flash is not hammered.
    this.#lastSaveAt = this.#clock.now();
    try {
      saveEnergy(this.#ctx.host.store, totals, this.#storeKey);
      this.#savedEnergy = totals;
      this.#counts.energy_saves++;
      if (this.#saveFailing) this.#ctx.bus.publish('storage.fault', { area: 'energy', ok: true, message: '' });
      this.#saveFailing = false;
    } catch (error) {
      this.#counts.energy_save_failures++;
      this.#log.error(`energy counters not saved (will retry): ${String(error)}`);
      if (!this.#saveFailing) this.#ctx.bus.publish('storage.fault', { area: 'energy', ok: false, message: `energy counters cannot be saved: ${String(error)}` });
      this.#saveFailing = true;
    }
  }
}
