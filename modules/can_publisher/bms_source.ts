/**
 * Which BMS a helper follows: the single BMS ('bms.data', 'bms.link', settings without a pack) or
 * one pack of a bank ('bms.pack', 'bms.pack_link', settings of that pack). BmsCapacity and
 * BmsFacts subscribe through this, so each pack of a bank gets its own.
 */
import type { GatewayBus } from '../event_bus/events';
import type { LiveData } from '../uart_bms/live_data';

export interface BmsHandlers {
  settings?(address: number, words: readonly number[]): void;
  link?(online: boolean): void;
  data?(data: LiveData): void;
}

/** Subscribes the handlers for `pack` (undefined = the single BMS); returns the unsubscribe functions. */
export function subscribeBms(bus: GatewayBus, pack: number | undefined, handlers: BmsHandlers): (() => void)[] {
  const out: (() => void)[] = [];
  const { settings, link, data } = handlers;
  if (settings) out.push(bus.subscribe('bms.settings', (e) => e.pack === pack && settings(e.address, e.words)));
  if (pack === undefined) {
    if (link) out.push(bus.subscribe('bms.link', (e) => link(e.online)));
    if (data) out.push(bus.subscribe('bms.data', (d) => data(d)));
  } else {
    if (link) out.push(bus.subscribe('bms.pack_link', (e) => e.pack === pack && link(e.online)));
    if (data) out.push(bus.subscribe('bms.pack', (e) => e.pack === pack && data(e.data)));
  }
  return out;
}
