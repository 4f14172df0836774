/**
 * Several packs: which battery the dashboard shows — the bank (0, the default) or one pack —
 * and that pack's values from /api/status `packs`. A single-pack gateway has no `packs`, so
 * nothing here changes what it shows.
 */
import type { BatteryData, GatewayStatus, LinkStatus, PackStatus } from '../api/types';
import type { LiveBattery } from './live';
import { createStore, type Store } from './store';

/** 0 = the bank (all packs as one battery); n = pack n. */
export const selectedPack: Store<number> = createStore(0);

/** The packs of a bank; empty for a single pack (the selector is shown only with more than one). */
export function packsOf(status: GatewayStatus | null): PackStatus[] {
  const packs = status?.packs;
  return Array.isArray(packs) && packs.length > 1 ? packs : [];
}

export interface BatteryView {
  /** What the battery cards show. */
  live: LiveBattery | null;
  /** The BMS link of what is shown (a pack's own link, or the gateway's). */
  bmsLink: LinkStatus | undefined;
  /** The pack shown, 0 for the bank or a single pack. */
  pack: number;
}

/**
 * The bank's live feed, or the selected pack as of the last /api/status (`statusAt`: when it
 * arrived, so a status that stops coming in shows as stale). A selection of a pack that no
 * longer exists falls back to the bank.
 */
export function batteryView(pack: number, bank: LiveBattery | null, status: GatewayStatus | null, statusAt: number, gatewayLink: LinkStatus | undefined): BatteryView {
  const entry = packsOf(status).find((p) => p.pack === pack);
  if (!entry) return { live: bank, bmsLink: gatewayLink, pack: 0 };
  const data: BatteryData = { ...entry };
  delete (data as Partial<PackStatus>).link;
  delete (data as Partial<PackStatus>).pack;
  return { live: { data, receivedAt: statusAt }, bmsLink: entry.link, pack };
}
