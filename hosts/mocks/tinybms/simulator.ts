/**
 * TinyBmsSimulator: the whole simulated TinyBMS on a clock and a device-side serial endpoint.
 * Every `tickMs` of clock time it advances the battery model by tickMs × speed of model time
 * under the current scenario, refreshes the registers, and its UART answers from them.
 * Controls (mode, speed, faults, snapshot) are what `/api/sim/*` exposes.
 */
import type { ClockPort, TimerHandle } from '../../ports/clock';
import { ByteSlab } from '../byte_slab';
import { SeededRandom } from '../random';
import { BatteryModel } from './battery_model';
import { checkFault, FaultBook, type ActiveFault } from './faults';
import { writeLiveRegisters } from './live_registers';
import { fixedPack, randomPack } from './pack_presets';
import { RegisterFile } from './register_file';
import { EVENT, REG, RESET_REASON, WAKE_REASON } from './register_map';
import { FreeRunningScenario, TestCycleScenario, type PackView, type Scenario, type ScenarioPhase } from './scenario';
import { decodeBmsSettings, type BmsSettings } from './settings';
import { buildSnapshot, type SimMode, type SimSnapshot } from './snapshot';
import { UartDevice, type UartDeviceOptions } from './uart_device';

export type { SimMode, SimSnapshot };

export interface TinyBmsSimulatorOptions {
  clock: ClockPort;
  /** The device end of the UART (e.g. `createSerialLink(...).device`, whose `writeOwned` takes answers over without a copy). */
  serial: UartDeviceOptions['serial'];
  mode?: SimMode;
  seed?: number;
  /** Model seconds per clock second (defaults per mode: 1, demo 60). */
  speed?: number;
  tickMs?: number;
  /** Starting SOC (defaults: test 99 %, otherwise 40–90 % from the seed). */
  initialSocPct?: number;
  /** Quiet seconds before the BMS sleeps (0 = never). */
  sleepAfterS?: number;
  startAsleep?: boolean;
  responseDelayMs?: number;
  /** The poll's answers carved from slabs of this many bytes (byte_slab.ts: for V8); 0 (default): each its own array. With slabs the UART reader also keeps its last request (request_reader.ts). */
  answerSlabBytes?: number;
}

export type SimResult<T = unknown> = ({ ok: true } & T) | { ok: false; error: string };

export const MODES: readonly SimMode[] = ['realistic', 'test', 'demo'];
const DEFAULT_SPEED: Record<SimMode, number> = { realistic: 1, test: 1, demo: 60 };
export const MAX_SPEED = 3600;
/** How long the BMS ignores the UART after a 0x02 reset, ms. */
const REBOOT_MS = 500;

export class TinyBmsSimulator {
  readonly registers = new RegisterFile();
  readonly device: UartDevice;
  readonly seed: number;
  #options: TinyBmsSimulatorOptions;
  #clock: ClockPort;
  #mode: SimMode;
  #speed: number;
  #random: SeededRandom;
  #model!: BatteryModel;
  #scenario!: Scenario;
  /** What the scenario sees, rewritten every tick (scenarios read it and keep nothing). */
  #packView: PackView = { socPct: 0, chargeDone: false };
  #phase: ScenarioPhase = 'idle';
  #chargerConnected = false;
  #faults = new FaultBook();
  #timer: TimerHandle | undefined;
  #resetReason: number = RESET_REASON.POWER_ON;
  #wakeReason: number = WAKE_REASON.UART;
  #decodedSettings: { version: number; settings: BmsSettings } | undefined;

  constructor(options: TinyBmsSimulatorOptions) {
    this.#options = options;
    this.#clock = options.clock;
    this.seed = options.seed ?? 1;
    this.#random = new SeededRandom(this.seed);
    this.#mode = options.mode ?? 'realistic';
    if (!MODES.includes(this.#mode)) throw new RangeError(`unknown simulator mode "${this.#mode}"`);
    this.#speed = options.speed ?? DEFAULT_SPEED[this.#mode];
    if (!(this.#speed > 0 && this.#speed <= MAX_SPEED)) throw new RangeError(`simulator speed must be in (0, ${MAX_SPEED}], got ${this.#speed}`);
    this.device = new UartDevice({
      clock: options.clock,
      serial: options.serial,
      target: {
        registers: this.registers,
        events: () => this.#model.bms.events,
        lifetimeS: () => this.#model.bms.lifetimeS,
        control: (option) => this.#control(option),
        answers: new ByteSlab(options.answerSlabBytes),
      },
      random: this.#random.fork(),
      sleepAfterS: options.sleepAfterS ?? 60,
      startAsleep: options.startAsleep ?? false,
      responseDelayMs: options.responseDelayMs ?? 2,
      rememberLastRequest: (options.answerSlabBytes ?? 0) > 0,
      onWake: () => {
        this.#wakeReason = WAKE_REASON.UART;
        this.#sync();
      },
    });
    this.registers.onSettingWritten((address, value) => this.#adoptSetting(address, value));
    this.#build(options.initialSocPct);
  }

  get mode(): SimMode {
    return this.#mode;
  }

  get speed(): number {
    return this.#speed;
  }

  get running(): boolean {
    return this.#timer !== undefined;
  }

  /** The battery model behind the registers (read-only use: tests and the UI's physics view). */
  get model(): BatteryModel {
    return this.#model;
  }

  start(): void {
    if (this.#timer) return;
    this.#timer = this.#clock.setInterval(this.#options.tickMs ?? 100, () => this.#tick((this.#options.tickMs ?? 100) / 1000));
  }

  stop(): void {
    this.#clock.clear(this.#timer);
    this.#timer = undefined;
  }

  /** Switches scenario (and speed to the mode's default); `restart` also rebuilds the pack. */
  setMode(mode: SimMode, options: { restart?: boolean } = {}): SimResult<{ mode: SimMode }> {
    if (!MODES.includes(mode)) return { ok: false, error: `unknown mode ${JSON.stringify(mode)}; expected one of ${MODES.join(', ')}` };
    this.#mode = mode;
    this.#speed = DEFAULT_SPEED[mode];
    if (options.restart) this.#build(undefined);
    else this.#scenario = this.#scenarioFor(mode);
    return { ok: true, mode };
  }

  setSpeed(speed: number): SimResult<{ speed: number }> {
    if (typeof speed !== 'number' || !(speed > 0 && speed <= MAX_SPEED)) return { ok: false, error: `speed must be a number in (0, ${MAX_SPEED}]` };
    this.#speed = speed;
    return { ok: true, speed };
  }

  /** Starts a fault (see faults.ts for kinds and defaults); bad input changes nothing. */
  injectFault(spec: unknown): SimResult<{ fault: ActiveFault }> {
    const checked = checkFault(spec, this.#settings());
    if (!checked.ok) return checked;
    const fault = this.#faults.add(checked.fault, this.#clock.now(), checked.durationS);
    this.#applyFaults();
    return { ok: true, fault };
  }

  /** Ends one fault by id, or all; returns how many ended. */
  clearFaults(id?: number): number {
    const cleared = this.#faults.clear(id);
    this.#applyFaults();
    return cleared;
  }

  activeFaults(): readonly ActiveFault[] {
    return this.#faults.list();
  }

  snapshot(): SimSnapshot {
    return buildSnapshot({
      mode: this.#mode,
      speed: this.#speed,
      seed: this.seed,
      running: this.running,
      phase: this.#phase,
      chargerConnected: this.#chargerConnected,
      model: this.#model,
      faults: this.#faults.list(),
      device: this.device,
    });
  }

  #build(initialSocPct: number | undefined): void {
    const packRandom = this.#random.fork();
    const config = this.#mode === 'test' ? fixedPack(initialSocPct ?? 99) : randomPack(packRandom, initialSocPct ?? packRandom.between(40, 90));
    this.#model = new BatteryModel(config, () => this.#settings());
    this.#model.bms.logEvent(EVENT.SYSTEM_STARTED);
    this.#scenario = this.#scenarioFor(this.#mode);
    this.#applyFaults();
  }

  #scenarioFor(mode: SimMode): Scenario {
    return mode === 'test' ? new TestCycleScenario() : new FreeRunningScenario(this.#random.fork(), { spikesPerHour: mode === 'demo' ? 20 : 6 });
  }

  /** Decoded once per change of the settings words: the model asks for them every sub-step. */
  #settings(): BmsSettings {
    const version = this.registers.settingsVersion;
    if (this.#decodedSettings?.version !== version) this.#decodedSettings = { version, settings: decodeBmsSettings((address) => this.registers.read(address)) };
    return this.#decodedSettings.settings;
  }

  #tick(clockSeconds: number): void {
    if (this.#faults.expire(this.#clock.now()) > 0) this.#applyFaults();
    const dt = clockSeconds * this.#speed;
    const pack = this.#packView;
    pack.socPct = this.#model.bms.socPct;
    pack.chargeDone = this.#model.bms.chargeDone;
    const step = this.#scenario.next(dt, pack);
    this.#phase = step.phase;
    this.#chargerConnected = step.inputs.charger !== undefined;
    // At most ten sub-steps per tick: 1 s resolution up to 10×/tick-rate, coarser when fast-forwarding.
    this.#model.step(dt, step.inputs, Math.max(1, dt / 10));
    // Written when something reads them (the UART answers ~4 of every 10 ticks), from this same state.
    this.registers.markStale(this.#syncNow);
  }

  #applyFaults(): void {
    this.#faults.applyTo(this.#model.overrides);
    this.device.setLineFaults({ silent: this.#faults.silent, noiseRate: this.#faults.noiseRate });
    this.#model.remeasure();
    this.#sync();
  }

  readonly #syncNow = (): void => this.#sync();

  #sync(): void {
    writeLiveRegisters(this.registers, this.#model);
    this.registers.setWord(REG.RESET_WAKE_REASON, (this.#wakeReason << 8) | this.#resetReason);
  }

  #control(option: 'clear_events' | 'clear_statistics' | 'reset_bms'): void {
    const bms = this.#model.bms;
    if (option === 'clear_events') bms.events.clear();
    else if (option === 'clear_statistics') bms.statistics.clear(bms.lifetimeS);
    else {
      this.device.deafFor(REBOOT_MS);
      this.#resetReason = RESET_REASON.SOFTWARE;
      bms.logEvent(EVENT.SYSTEM_STARTED);
    }
    this.#sync();
  }

  /** 328/323 written: the BMS takes the SOC/SOH in and the register reads 0xFFFF again. */
  #adoptSetting(address: number, value: number): void {
    if (address === 328) this.#model.bms.socPct = value * 0.002;
    else if (address === 323) this.#model.bms.sohOffsetPct += value * 0.002 - this.#model.sohPct;
    else return;
    this.registers.markTakenIn(address);
    this.#sync();
  }
}
