/**
 * The pack capacity the CAN frames announce (0x35F online capacity, 0x379 installed capacity).
 * The BMS computes its SOC from its own capacity setting (register 306, 0.01 Ah), so that value
 * wins once the BMS has reported it; charge.capacity_ah from the configuration stands in until
 * then, or for good when the BMS never answers. The register is read whenever the BMS link comes
 * up (a swapped or reconfigured BMS) and again a minute after a failed read; any other read or
 * write of the settings (the web register editor) updates it through 'bms.settings'.
 */
import type { TimerHandle } from '../../hosts/ports/clock';
import type { GatewayContext, ModuleMetrics } from '../gateway/context';
import type { Logger } from '../util/logger';
import { subscribeBms } from './bms_source';

export const CAPACITY_REGISTER = 306;
/** Register 306's range (0.1–655 Ah) in its raw 0.01 Ah steps (tinybms-uart.md §4.4). */
const CAPACITY_RAW_MIN = 10;
const CAPACITY_RAW_MAX = 65500;
export const CAPACITY_READ_RETRY_MS = 60_000;

/** Reads holding registers (the uart_bms poller). */
export interface SettingsReader {
  readRegisters(address: number, count: number): Promise<number[]>;
}

export type CapacitySource = 'bms' | 'config';

/** Ah from a settings read of `words` starting at `address`; undefined when 306 is not there or out of range. */
export function capacityFromSettings(address: number, words: readonly number[]): number | undefined {
  const raw = words[CAPACITY_REGISTER - address];
  if (raw === undefined || !Number.isInteger(raw) || raw < CAPACITY_RAW_MIN || raw > CAPACITY_RAW_MAX) return undefined;
  return raw / 100;
}

export class BmsCapacity {
  #ctx: GatewayContext;
  #reader: SettingsReader | undefined;
  #log: Logger;
  #capacityAh: number | undefined;
  #retry: TimerHandle | undefined;
  #linkUp = false;
  #running = false;
  #unsubscribes: (() => void)[] = [];
  #counters = { capacity_reads: 0, capacity_read_failures: 0, capacity_rejected: 0 };

  #pack: number | undefined;

  /** `pack`: one pack of a bank (follows that pack's 'bms.pack_link' and settings only). */
  constructor(ctx: GatewayContext, reader: SettingsReader | undefined, log: Logger, pack?: number) {
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
      settings: (address, words) => this.#take(address, words),
      link: (online) => {
        this.#linkUp = online;
        if (online) this.#read();
      },
    });
  }

  stop(): void {
    this.#running = false;
    for (const unsubscribe of this.#unsubscribes) unsubscribe();
    this.#unsubscribes = [];
    this.#ctx.host.clock.clear(this.#retry);
    this.#retry = undefined;
  }

  /** The capacity to announce, in Ah, and where it comes from. */
  current(): { capacity_ah: number; source: CapacitySource } {
    return this.#capacityAh === undefined ? { capacity_ah: this.#ctx.config().charge.capacity_ah, source: 'config' } : { capacity_ah: this.#capacityAh, source: 'bms' };
  }

  metrics(): ModuleMetrics {
    const { capacity_ah, source } = this.current();
    return { capacity_ah, capacity_source: source, ...this.#counters };
  }

  #read(): void {
    const reader = this.#reader;
    if (!reader || !this.#running) return;
    this.#ctx.host.clock.clear(this.#retry);
    this.#retry = undefined;
    this.#counters.capacity_reads++;
    // The answer arrives as 'bms.settings'; here only the failure matters.
    reader.readRegisters(CAPACITY_REGISTER, 1).catch((error: unknown) => {
      this.#counters.capacity_read_failures++;
      this.#log.warn(`capacity register ${CAPACITY_REGISTER} not read (${error instanceof Error ? error.message : String(error)}); announcing ${this.current().capacity_ah} Ah meanwhile`);
      if (this.#running && this.#linkUp) this.#retry = this.#ctx.host.clock.setTimer(CAPACITY_READ_RETRY_MS, () => this.#read());
    });
  }

  #take(address: number, words: readonly number[]): void {
    if (CAPACITY_REGISTER < address || CAPACITY_REGISTER >= address + words.length) return;
    const capacity = capacityFromSettings(address, words);
    if (capacity === undefined) {
      this.#counters.capacity_rejected++;
      this.#log.warn(`BMS capacity register ${CAPACITY_REGISTER} reads ${words[CAPACITY_REGISTER - address]}, outside 0.1–655 Ah: ignored`);
      return;
    }
    if (capacity !== this.#capacityAh) this.#log.info(`installed capacity from the ${this.#pack ? `pack ${this.#pack} ` : ''}BMS: ${capacity} Ah (register ${CAPACITY_REGISTER})`);
    this.#capacityAh = capacity;
  }
}
