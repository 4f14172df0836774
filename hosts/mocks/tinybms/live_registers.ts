/**
 * Copies what the simulated BMS measures and decides into its registers: live data 0–55 in the
 * units of tinybms-uart.md §4.1, then the statistics (100–117) and event log (200–297).
 */
import type { BatteryModel } from './battery_model';
import type { RegisterFile } from './register_file';
import { REG, TEMP_NOT_CONNECTED } from './register_map';

const CELL_REGISTERS = 16;

function tenthsOfDegree(value: number | null): number {
  return value === null ? TEMP_NOT_CONNECTED : Math.round(value * 10);
}

export function writeLiveRegisters(registers: RegisterFile, model: BatteryModel): void {
  const { cellMv, sensors } = model.measured;
  const decision = model.bms.lastDecision;
  // One pass over the cells (every poll): their registers, the extremes, and the pack voltage as model.packVoltageV sums it.
  let minMv = Infinity;
  let maxMv = -Infinity;
  let sumMv = 0;
  for (let i = 0; i < CELL_REGISTERS; i++) {
    // 0.1 mV units; registers beyond the fitted cells read 0.
    const tenths = i < cellMv.length ? Math.round(cellMv[i] * 10) : 0;
    registers.setWord(REG.CELL_FIRST + i, Math.max(0, Math.min(0xffff, tenths)));
  }
  for (let i = 0; i < cellMv.length; i++) {
    const mv = cellMv[i];
    minMv = Math.min(minMv, mv);
    maxMv = Math.max(maxMv, mv);
    sumMv += mv;
  }
  const sohPct = model.sohPct;
  registers.setUint32(REG.LIFETIME_S, Math.floor(model.bms.lifetimeS));
  registers.setUint32(REG.TIME_LEFT_S, model.timeLeftSAt(sohPct));
  registers.setFloat32(REG.PACK_VOLTAGE_F32, sumMv / 1000);
  registers.setFloat32(REG.PACK_CURRENT_F32, model.measuredCurrentA);
  registers.setWord(REG.MIN_CELL_MV, Math.round(minMv));
  registers.setWord(REG.MAX_CELL_MV, Math.round(maxMv));
  registers.setInt16(REG.EXT_TEMP_1, tenthsOfDegree(sensors.external1));
  registers.setInt16(REG.EXT_TEMP_2, tenthsOfDegree(sensors.external2));
  registers.setWord(REG.DISTANCE_LEFT_KM, 0);
  registers.setWord(REG.SOH, Math.round(sohPct * 500));
  registers.setUint32(REG.SOC_U32, model.bms.socPct * 1e6);
  registers.setInt16(REG.INTERNAL_TEMP, tenthsOfDegree(sensors.internal));
  registers.setWord(REG.ONLINE_STATUS, decision.status);
  registers.setWord(REG.BALANCING_DECISION, decision.needsBalancingBits);
  registers.setWord(REG.BALANCING_REAL, decision.balancingBits);
  registers.setWord(REG.CELL_COUNT, cellMv.length);
  registers.setFloat32(REG.SPEED_F32, 0);
  model.bms.statistics.writeTo(registers);
  model.bms.events.writeTo(registers);
}
