/**
 * The "PYLON" pitfall (victron-can.md §5, §7): a GX that sees a Pylontech battery replaces any CVL
 * between 30 and 54 V by its own 15-cell estimate (≤ 52.8 V) and does not honour CCL = 0 while
 * CVL ≤ 55 V. On a 16-cell pack every CVL must therefore stay above 54 V. The publisher refuses to
 * start when the configured float voltage cannot, and floors every CVL at 54.1 V otherwise.
 * Protection below that floor then comes from CCL (and the 0x35C charge-enable bit), which
 * non-Victron inverters honour; on a Victron GX use the victron protocol.
 */
import type { GatewayConfig } from '../config_manager/config_types';

export const PYLONTECH_SUBSTITUTION_TOP_V = 54.0;
export const PYLONTECH_MIN_CVL_V = 54.1;
/** The GX's own Pylontech estimate assumes 15 cells; more cells need the floor. */
const PYLONTECH_CELLS = 15;

/** The GX will apply its Pylontech quirk: Pylontech protocol, or a manufacturer name starting "PYLON". */
export function announcesPylontech(config: GatewayConfig): boolean {
  return config.can.protocol === 'pylontech' || config.can.manufacturer.trim().toUpperCase().startsWith('PYLON');
}

/** The lowest CVL to send, or undefined when no floor is needed. */
export function pylontechCvlFloor(config: GatewayConfig): number | undefined {
  return announcesPylontech(config) && config.charge.series_cells > PYLONTECH_CELLS ? PYLONTECH_MIN_CVL_V : undefined;
}

/** Why this configuration must not run, or undefined when it may. */
export function pylontechRefusal(config: GatewayConfig): string | undefined {
  if (pylontechCvlFloor(config) === undefined) return undefined;
  const floatV = (config.charge.series_cells * config.charge.float_cell_mv) / 1000;
  if (floatV >= PYLONTECH_MIN_CVL_V) return undefined;
  return (
    `Pylontech announcement on ${config.charge.series_cells} cells with a ${floatV.toFixed(2)} V float: a GX would replace any CVL ` +
    `≤ ${PYLONTECH_SUBSTITUTION_TOP_V} V by its own 15-cell value. Raise charge.float_cell_mv to at least ` +
    `${Math.ceil((PYLONTECH_MIN_CVL_V * 1000) / config.charge.series_cells)} mV or use the victron protocol.`
  );
}
