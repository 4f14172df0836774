/**
 * The simulated BMS's settings block (regs 300–343): factory defaults for a 16S 280 Ah LiFePO4
 * pack, device-side write validation and the min/max words of command 0x1D. Ranges and option
 * lists come from the shared register map in modules/uart_bms/registers.ts (RevD §3).
 */
import { checkSettingsWrite, registerCovering, settingAt, toInt16, uint32ToWords, type ByteField, type RegisterDef } from '../../../modules/uart_bms/index';

/** Factory defaults (raw words). Registers not listed (reserved ones included) read 0. */
export const SETTING_DEFAULTS: ReadonlyMap<number, number> = new Map([
  [300, 3600], // fully charged, mV per cell: below the 3650 over-voltage cutoff so a normal charge ends cleanly
  [301, 2800],
  [303, 3400],
  [304, 3000], // charge finished current, mA (≈ 0.01 C)
  [305, 200],
  [306, 28000], // 280.00 Ah
  [307, 16],
  [308, 20],
  [310, 5],
  [311, 5],
  [312, 1000],
  [313, 0],
  [314, 2],
  [315, 3650],
  [316, 2800],
  [317, 150],
  [318, 60],
  [319, 60],
  [320, 0],
  [321, 90],
  [322, 5000],
  [323, 0xffff], // "taken in" marker: nothing pending
  [328, 0xffff],
  [329, 0b100], // charge restart level enabled
  [330, 0x0201], // CC/CV charger, 2 s discharge over-current timeout
  [331, 0],
  [332, 5],
  [333, 1],
  [334, 0],
  [335, 1],
  [336, 0],
  [337, 0],
  [338, 3],
  [339, 0],
  [340, 0],
  [341, 0],
  [342, 0],
  [343, 1],
]);

/** 323 and 328: the BMS adopts the written value and then reads back 0xFFFF. */
export const TAKEN_IN_SETTINGS: readonly number[] = [323, 328];

/**
 * Why writing the raw words `writes` (address → word, applied over `current`) is refused, or
 * undefined when every one is a writable setting with an allowed value. 32-bit settings are
 * checked whole, after both words are applied.
 */
export function settingsWriteError(writes: ReadonlyMap<number, number>, current: (address: number) => number): string | undefined {
  const after = (address: number) => writes.get(address) ?? current(address);
  for (const [address, word] of writes) {
    const def = registerCovering(address);
    if (!def || !def.writable) return `register ${address} is not a writable setting`;
    if (!Number.isInteger(word) || word < 0 || word > 0xffff) return `register ${address}: ${word} is not a 16-bit word`;
    const check = def.words === 2 ? checkSettingsWrite(def.address, [after(def.address), after(def.address + 1)]) : checkSettingsWrite(address, [def.type === 'int16' ? toInt16(word) : word]);
    if (!check.ok) return check.errors.map((e) => e.message).join('; ');
  }
  return undefined;
}

/** Which bound command 0x1D reports (option 01 min, 02 max, 03 factory default). */
export type SettingBound = 'min' | 'max' | 'default';

/** The raw word 0x1D reports for one register; reserved registers read 0. */
export function settingBoundWord(address: number, bound: SettingBound): number {
  if (bound === 'default') return SETTING_DEFAULTS.get(address) ?? 0;
  const def = registerCovering(address);
  if (!def || !def.writable) return 0;
  if (def.words === 2) {
    const owner = settingAt(def.address)!;
    const words = uint32ToWords(boundOf(owner, bound));
    return words[address - def.address];
  }
  if (def.lowByte || def.highByte) return ((byteBound(def.highByte, bound) << 8) | byteBound(def.lowByte, bound)) & 0xffff;
  return boundOf(def, bound) & 0xffff;
}

function boundOf(def: RegisterDef, bound: 'min' | 'max'): number {
  if (def.range) return def.range[bound];
  if (def.options) {
    const codes = Object.keys(def.options).map(Number);
    return bound === 'min' ? Math.min(...codes) : Math.max(...codes);
  }
  return bound === 'min' ? 0 : 0xffff;
}

function byteBound(field: ByteField | undefined, bound: 'min' | 'max'): number {
  if (!field) return 0;
  if (field.range) return field.range[bound];
  const codes = Object.keys(field.options ?? {}).map(Number);
  if (codes.length === 0) return bound === 'min' ? 0 : 0xff;
  return bound === 'min' ? Math.min(...codes) : Math.max(...codes);
}

/** The settings the simulated BMS acts on, decoded from the register words. */
export interface BmsSettings {
  fullyChargedMv: number;
  fullyDischargedMv: number;
  earlyBalancingMv: number;
  chargeFinishedA: number;
  capacityAh: number;
  allowedDisbalanceMv: number;
  chargerStartupDelayS: number;
  overVoltageMv: number;
  underVoltageMv: number;
  dischargeOverCurrentA: number;
  chargeOverCurrentA: number;
  overHeatC: number;
  lowTempChargeC: number;
  chargeRestartPct: number;
  chargeRestartEnabled: boolean;
  overCurrentTimeoutS: number;
  automaticRecoveryS: number;
}

export function decodeBmsSettings(read: (address: number) => number): BmsSettings {
  return {
    fullyChargedMv: read(300),
    fullyDischargedMv: read(301),
    earlyBalancingMv: read(303),
    chargeFinishedA: read(304) / 1000,
    capacityAh: read(306) / 100,
    allowedDisbalanceMv: read(308),
    chargerStartupDelayS: read(310),
    overVoltageMv: read(315),
    underVoltageMv: read(316),
    dischargeOverCurrentA: read(317),
    chargeOverCurrentA: read(318),
    overHeatC: toInt16(read(319)),
    lowTempChargeC: toInt16(read(320)),
    chargeRestartPct: read(321),
    chargeRestartEnabled: (read(329) & 0b100) !== 0,
    overCurrentTimeoutS: read(330) >> 8,
    automaticRecoveryS: read(332) & 0xff,
  };
}
