/**
 * Several packs: turns each pack's 'bms.pack' / 'bms.pack_link' into the bank's 'bms.data' /
 * 'bms.link', so every consumer of the single battery (web, MQTT, history, alerts, monitoring)
 * sees the bank unchanged. The bank snapshot holds the fresh packs only (bank.ts bankData); with
 * none fresh the last bank snapshot is repeated marked invalid. The bank link is up while any
 * pack's is. It also watches for pack mismatch: packs at different voltages before they are
 * paralleled, and a mix of capacities.
 */
import type { GatewayContext, GatewayModule, ModuleMetrics } from '../gateway/context';
import type { LiveData } from '../uart_bms/live_data';
import type { Logger } from '../util/logger';
import { bankData } from './bank';

/** Above this voltage difference, paralleling the packs drives a large equalising current. */
export const PACK_VOLTAGE_MISMATCH_V = 0.5;
/** Capacities further apart than this share (of the largest) are a capacity mix. */
export const PACK_CAPACITY_MISMATCH_SHARE = 0.1;

export interface PackStatus {
  pack: number;
  online: boolean | undefined;
  reason: string;
  data: LiveData | undefined;
}

export type PackMismatch = { kind: 'voltage'; packs: [number, number]; difference_v: number } | { kind: 'capacity'; capacities_ah: number[] };

/** Pure: voltage spread among fresh packs above the threshold, and a capacity mix. */
export function packMismatches(fresh: readonly { pack: number; voltage_v: number }[], capacities: readonly number[]): PackMismatch[] {
  const out: PackMismatch[] = [];
  if (fresh.length >= 2) {
    let low = fresh[0];
    let high = fresh[0];
    for (const p of fresh) {
      if (p.voltage_v < low.voltage_v) low = p;
      if (p.voltage_v > high.voltage_v) high = p;
    }
    const difference = high.voltage_v - low.voltage_v;
    if (difference > PACK_VOLTAGE_MISMATCH_V) out.push({ kind: 'voltage', packs: [high.pack, low.pack], difference_v: Math.round(difference * 100) / 100 });
  }
  if (capacities.length >= 2) {
    const largest = Math.max(...capacities);
    if (largest > 0 && (largest - Math.min(...capacities)) / largest > PACK_CAPACITY_MISMATCH_SHARE) out.push({ kind: 'capacity', capacities_ah: capacities.slice() });
  }
  return out;
}

export class BankFeed implements GatewayModule {
  readonly name = 'bank';
  #ctx: GatewayContext;
  #log: Logger;
  #packs: PackStatus[];
  #capacityOf: (pack: number) => number;
  #unsubscribes: (() => void)[] = [];
  #bank: LiveData | undefined;
  #online: boolean | undefined;
  #mismatchText = '';
  #mismatchKey = '';
  #mismatches: PackMismatch[] = [];

  constructor(ctx: GatewayContext, packs: number, capacityOf: (pack: number) => number) {
    this.#ctx = ctx;
    this.#log = ctx.logger('bank');
    this.#capacityOf = capacityOf;
    this.#packs = Array.from({ length: packs }, (_, i) => ({ pack: i + 1, online: undefined, reason: 'no poll yet', data: undefined }));
  }

  start(): void {
    if (this.#unsubscribes.length) return;
    const bus = this.#ctx.bus;
    this.#unsubscribes = [
      bus.subscribe('bms.pack', ({ pack, data }) => this.#onData(pack, data)),
      bus.subscribe('bms.pack_link', ({ pack, online, reason }) => this.#onLink(pack, online, reason)),
    ];
  }

  stop(): void {
    for (const unsubscribe of this.#unsubscribes) unsubscribe();
    this.#unsubscribes = [];
  }

  /** The bank's last snapshot (fresh or marked invalid), if any. */
  latest(): LiveData | undefined {
    return this.#bank;
  }

  /** Each pack's link and latest snapshot, pack 1 first. */
  packs(): readonly PackStatus[] {
    return this.#packs;
  }

  mismatches(): readonly PackMismatch[] {
    return this.#mismatches;
  }

  metrics(): ModuleMetrics {
    return {
      packs: this.#packs.length,
      packs_online: this.#packs.filter((p) => p.online === true).length,
      pack_mismatch: this.#mismatchText,
    };
  }

  #fresh(now: number): PackStatus[] {
    const staleAfter = this.#ctx.config().bms.stale_after_ms;
    return this.#packs.filter((p) => p.data !== undefined && p.data.data_valid && now - p.data.timestamp_ms <= staleAfter);
  }

  #onData(pack: number, data: LiveData): void {
    const status = this.#packs[pack - 1];
    if (!status) return;
    status.data = data;
    const fresh = this.#fresh(this.#ctx.host.clock.now());
    this.#checkMismatch(fresh);
    if (fresh.length > 0) {
      this.#bank = bankData(
        fresh.map((p) => ({ pack: p.pack, data: p.data })),
        fresh.map((p) => this.#capacityOf(p.pack)),
      );
    } else if (this.#bank) {
      this.#bank = { ...this.#bank, data_valid: false };
    } else {
      return;
    }
    this.#ctx.bus.publish('bms.data', this.#bank);
  }

  #onLink(pack: number, online: boolean, reason: string): void {
    const status = this.#packs[pack - 1];
    if (!status) return;
    status.online = online;
    status.reason = reason;
    if (online) this.#log.info(`pack ${pack}: link up`);
    else this.#log.warn(`pack ${pack}: link down (${reason}); the bank runs without it`);
    const anyOnline = this.#packs.some((p) => p.online === true);
    const down = this.#packs.filter((p) => p.online === false).map((p) => `pack ${p.pack}: ${p.reason}`);
    if (anyOnline === this.#online) return;
    this.#online = anyOnline;
    this.#ctx.bus.publish('bms.link', { online: anyOnline, reason: anyOnline ? `${this.#packs.filter((p) => p.online).length} of ${this.#packs.length} packs answering` : down.join('; ') });
  }

  #checkMismatch(fresh: readonly PackStatus[]): void {
    this.#mismatches = packMismatches(
      fresh.map((p) => ({ pack: p.pack, voltage_v: (p.data as LiveData).pack_voltage_v })),
      this.#packs.map((p) => this.#capacityOf(p.pack)),
    );
    const text = this.#mismatches
      .map((m) => (m.kind === 'voltage' ? `packs ${m.packs[0]} and ${m.packs[1]} differ by ${m.difference_v} V` : `capacity mix ${m.capacities_ah.join(' / ')} Ah`))
      .join('; ');
    // Logged when which packs mismatch changes, not at every change of the measured difference.
    const key = this.#mismatches.map((m) => (m.kind === 'voltage' ? `v${m.packs.join('-')}` : 'c')).join(',');
    if (key && key !== this.#mismatchKey) this.#log.warn(`pack mismatch: ${text}`);
    else if (!key && this.#mismatchKey) this.#log.info('packs match again');
    this.#mismatchKey = key;
    this.#mismatchText = text;
  }
}
