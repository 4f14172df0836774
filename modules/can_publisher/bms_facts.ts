/**
 * What charge control needs to know about the BMS beyond its live registers: its cut-offs
 * (registers 300, 315–320), its serial (504–509, for 0x380/0x381) and the fault causes still open
 * in its event log. Cut-offs and serial are read at every BMS link-up, again a minute after a
 * failed read, and any later read or write read-back of the settings ('bms.settings') updates the
 * cut-offs, so they follow every settings write. The event log is read whole (0x12) at link-up
 * and its newest events (0x11) whenever the BMS enters fault and every 30 s while it stays there.
 */
import type { TimerHandle } from '../../hosts/ports/clock';
import type { GatewayContext, ModuleMetrics } from '../gateway/context';
import type { BmsEvent } from '../uart_bms/responses';
import { settingAt } from '../uart_bms/registers';
import { serialText } from '../uart_bms/version';
import { toInt16 } from '../uart_bms/words';
import type { Logger } from '../util/logger';
import type { BmsCutoffs } from './bms_bounds';
import type { SettingsReader } from './bms_capacity';
import { subscribeBms } from './bms_source';
import { type FaultCause, openFaultCauses } from './fault_causes';
import { EventWindow } from './event_window';

/** Registers 300–320 in one read: fully charged (300) and the cut-offs 315–320. */
export const CUTOFF_FIRST = 300;
export const CUTOFF_COUNT = 21;
export const SERIAL_FIRST = 504;
export const SERIAL_COUNT = 6;
export const FACTS_RETRY_MS = 60_000;
export const FAULT_EVENTS_POLL_MS = 30_000;
/** Events kept for the fault analysis (two logs' worth). */
const EVENTS_KEPT = 98;

/** The uart_bms poller's reads this needs (event reads are optional: older readers lack them). */
export interface BmsFactsReader extends SettingsReader {
  readEvents?(which: 'newest' | 'all'): Promise<{ bmsTimeS: number; events: BmsEvent[] }>;
}

const CUTOFF_FIELDS: readonly [number, keyof BmsCutoffs][] = [
  [300, 'fully_charged_mv'],
  [315, 'overvoltage_mv'],
  [316, 'undervoltage_mv'],
  [317, 'discharge_overcurrent_a'],
  [318, 'charge_overcurrent_a'],
  [319, 'overheat_c'],
  [320, 'low_temp_charge_c'],
];

/** The cut-offs a settings read covers, merged over `previous`; a value outside its RevD range is dropped. */
export function cutoffsFromSettings(previous: BmsCutoffs, address: number, words: readonly number[]): BmsCutoffs {
  const next: BmsCutoffs = { ...previous };
  for (const [register, key] of CUTOFF_FIELDS) {
    const raw = words[register - address];
    if (raw === undefined) continue;
    const def = settingAt(register);
    const value = def?.type === 'int16' ? toInt16(raw) : raw;
    const inRange = def?.range ? value >= def.range.min && value <= def.range.max : true;
    if (inRange) next[key] = value;
    else delete next[key];
  }
  return next;
}

export class BmsFacts {
  #ctx: GatewayContext;
  #reader: BmsFactsReader | undefined;
  #log: Logger;
  #cutoffs: BmsCutoffs = {};
  #serial: string | undefined;
  #events = new EventWindow(EVENTS_KEPT);
  /** openFaultCauses(#events), worked out when the events change, not on every 1 s cycle. */
  #openCauses: readonly FaultCause[] = [];
  #inFault = false;
  #linkUp = false;
  #running = false;
  #retry: TimerHandle | undefined;
  #faultPoll: TimerHandle | undefined;
  #unsubscribes: (() => void)[] = [];
  #counters = { facts_reads: 0, facts_read_failures: 0, event_reads: 0, event_read_failures: 0 };

  #pack: number | undefined;

  /** `pack`: one pack of a bank (follows that pack's link, data and settings only). */
  constructor(ctx: GatewayContext, reader: BmsFactsReader | undefined, log: Logger, pack?: number) {
    this.#ctx = ctx;
    this.#reader = reader;
    this.#log = log;
    this.#pack = pack;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    const bus = this.#ctx.bus;
    this.#unsubscribes = subscribeBms(bus, this.#pack, {
      settings: (address, words) => {
        if (address <= 320 && address + words.length > CUTOFF_FIRST) this.#cutoffs = cutoffsFromSettings(this.#cutoffs, address, words);
      },
      link: (online) => {
        this.#linkUp = online;
        if (online) {
          this.#readFacts();
          this.#readEvents('all');
        }
      },
      data: (data) => {
        if (!data.data_valid) return;
        const fault = data.online_status === 'fault';
        if (fault && !this.#inFault) this.#readEvents('newest');
        this.#inFault = fault;
        this.#armFaultPoll();
      },
    });
  }

  stop(): void {
    this.#running = false;
    for (const unsubscribe of this.#unsubscribes) unsubscribe();
    this.#unsubscribes = [];
    const clock = this.#ctx.host.clock;
    clock.clear(this.#retry);
    clock.clear(this.#faultPoll);
    this.#retry = this.#faultPoll = undefined;
  }

  cutoffs(): BmsCutoffs {
    return this.#cutoffs;
  }

  serial(): string | undefined {
    return this.#serial;
  }

  /** Fault causes still open in the events read so far. */
  loggedFaultCauses(): readonly FaultCause[] {
    return this.#openCauses;
  }

  metrics(): ModuleMetrics {
    const c = this.#cutoffs;
    return {
      bms_serial: this.#serial ?? '',
      bms_overvoltage_cutoff_mv: c.overvoltage_mv ?? 0,
      bms_undervoltage_cutoff_mv: c.undervoltage_mv ?? 0,
      bms_charge_overcurrent_cutoff_a: c.charge_overcurrent_a ?? 0,
      bms_discharge_overcurrent_cutoff_a: c.discharge_overcurrent_a ?? 0,
      ...this.#counters,
    };
  }

  #readFacts(): void {
    const reader = this.#reader;
    if (!reader || !this.#running) return;
    this.#ctx.host.clock.clear(this.#retry);
    this.#retry = undefined;
    this.#counters.facts_reads++;
    // The cut-offs arrive through 'bms.settings' (the poller shares every settings read). Two
    // reads, 300 and 315–320, leave register 306 to the capacity reader.
    const cutoffs = Promise.all([reader.readRegisters(CUTOFF_FIRST, 1), reader.readRegisters(315, CUTOFF_FIRST + CUTOFF_COUNT - 315)]);
    const serial = reader.readRegisters(SERIAL_FIRST, SERIAL_COUNT).then((words) => {
      this.#serial = serialText(words);
    });
    Promise.all([cutoffs, serial]).catch((error: unknown) => {
      this.#counters.facts_read_failures++;
      this.#log.warn(`BMS cut-offs/serial not read (${error instanceof Error ? error.message : String(error)}); limits bounded by the configuration alone meanwhile`);
      if (this.#running && this.#linkUp) this.#retry = this.#ctx.host.clock.setTimer(FACTS_RETRY_MS, () => this.#readFacts());
    });
  }

  #readEvents(which: 'newest' | 'all'): void {
    const reader = this.#reader;
    if (!reader?.readEvents || !this.#running) return;
    this.#counters.event_reads++;
    reader.readEvents(which).then(
      ({ events }) => {
        if (which === 'all') this.#events.replace(events);
        else this.#events.append(events);
        this.#openCauses = Object.freeze(openFaultCauses(this.#events.list()));
      },
      (error: unknown) => {
        this.#counters.event_read_failures++;
        this.#log.warn(`BMS event log not read (${error instanceof Error ? error.message : String(error)})`);
      },
    );
  }

  #armFaultPoll(): void {
    const clock = this.#ctx.host.clock;
    if (!this.#inFault) {
      clock.clear(this.#faultPoll);
      this.#faultPoll = undefined;
      return;
    }
    if (this.#faultPoll) return;
    this.#faultPoll = clock.setTimer(FAULT_EVENTS_POLL_MS, () => {
      this.#faultPoll = undefined;
      if (this.#inFault && this.#running) this.#readEvents('newest');
      this.#armFaultPoll();
    });
  }
}
