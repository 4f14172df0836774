/**
 * The BMS's historical records (regs 100–117): recorded peak currents, largest cell difference,
 * protection and charge counters, lifetime min/max pack temperature. Records, not live limits.
 */
import type { RegisterFile } from './register_file';
import { REG } from './register_map';

export type ProtectionCounter = 'underVoltage' | 'overVoltage' | 'dischargeOverCurrent' | 'chargeOverCurrent' | 'overHeat' | 'charging' | 'fullCharge';

const COUNTER_REGISTER: Record<ProtectionCounter, number> = {
  underVoltage: REG.UNDER_VOLTAGE_COUNT,
  overVoltage: REG.OVER_VOLTAGE_COUNT,
  dischargeOverCurrent: REG.DISCHARGE_OVER_CURRENT_COUNT,
  chargeOverCurrent: REG.CHARGE_OVER_CURRENT_COUNT,
  overHeat: REG.OVER_HEAT_COUNT,
  charging: REG.CHARGING_COUNT,
  fullCharge: REG.FULL_CHARGE_COUNT,
};
/** COUNTER_REGISTER as a list, walked on every register refresh without an Object.keys array. */
const COUNTERS = Object.keys(COUNTER_REGISTER) as ProtectionCounter[];
const COUNTER_REGISTERS = COUNTERS.map((key) => COUNTER_REGISTER[key]);

export class Statistics {
  maxDischargeA = 0;
  maxChargeA = 0;
  maxCellDiffMv = 0;
  minTemperatureC: number | undefined;
  maxTemperatureC: number | undefined;
  clearedAtS = 0;
  /** Bumped by every change (through the methods below); writeTo skips a register file that holds this version. */
  #version = 0;
  #writtenTo: RegisterFile | undefined;
  #writtenVersion = -1;
  readonly counts: Record<ProtectionCounter, number> = { underVoltage: 0, overVoltage: 0, dischargeOverCurrent: 0, chargeOverCurrent: 0, overHeat: 0, charging: 0, fullCharge: 0 };

  observe(currentA: number, cellDiffMv: number, temperaturesC: readonly number[]): void {
    if (-currentA > this.maxDischargeA) this.#changed(-currentA, 'maxDischargeA');
    if (currentA > this.maxChargeA) this.#changed(currentA, 'maxChargeA');
    if (cellDiffMv > this.maxCellDiffMv) this.#changed(cellDiffMv, 'maxCellDiffMv');
    for (const t of temperaturesC) {
      if (this.minTemperatureC === undefined || t < this.minTemperatureC) this.#changed(t, 'minTemperatureC');
      if (this.maxTemperatureC === undefined || t > this.maxTemperatureC) this.#changed(t, 'maxTemperatureC');
    }
  }

  #changed(value: number, field: 'maxDischargeA' | 'maxChargeA' | 'maxCellDiffMv' | 'minTemperatureC' | 'maxTemperatureC'): void {
    this[field] = value;
    this.#version++;
  }

  count(counter: ProtectionCounter): void {
    this.counts[counter] = Math.min(0xffff, this.counts[counter] + 1);
    this.#version++;
  }

  clear(lifetimeS: number): void {
    this.maxDischargeA = 0;
    this.maxChargeA = 0;
    this.maxCellDiffMv = 0;
    this.minTemperatureC = undefined;
    this.maxTemperatureC = undefined;
    for (const key of Object.keys(this.counts) as ProtectionCounter[]) this.counts[key] = 0;
    this.clearedAtS = Math.floor(lifetimeS);
    this.#version++;
  }

  writeTo(registers: RegisterFile): void {
    // It runs on every read of the live words; the figures change far less often.
    if (this.#writtenTo === registers && this.#writtenVersion === this.#version) return;
    this.#writtenTo = registers;
    this.#writtenVersion = this.#version;
    registers.setUint32(REG.TOTAL_DISTANCE_U32, 0);
    registers.setWord(REG.MAX_DISCHARGE_CURRENT, Math.round(this.maxDischargeA * 10));
    registers.setWord(REG.MAX_CHARGE_CURRENT, Math.round(this.maxChargeA * 10));
    registers.setWord(REG.MAX_CELL_DIFF, Math.min(0xffff, Math.round(this.maxCellDiffMv * 10)));
    for (let i = 0; i < COUNTERS.length; i++) registers.setWord(COUNTER_REGISTERS[i], this.counts[COUNTERS[i]]);
    const minT = Math.round(this.minTemperatureC ?? 0) & 0xff;
    const maxT = Math.round(this.maxTemperatureC ?? 0) & 0xff;
    registers.setWord(REG.PACK_TEMP_MIN_MAX, (maxT << 8) | minT);
    registers.setUint32(REG.STATS_CLEARED_AT_U32, this.clearedAtS);
  }
}
