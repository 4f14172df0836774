/**
 * The TinyBMS device simulator: battery model, scenarios, register file, UART responder and
 * fault injection behind one facade. Portable (ES built-ins only): runs on Node, mcsim and XS.
 */
export { TinyBmsSimulator, MODES, MAX_SPEED } from './simulator';
export type { TinyBmsSimulatorOptions, SimResult, SimMode, SimSnapshot } from './simulator';
export type { CellSnapshot } from './snapshot';
export { FAULT_CATALOG, FAULT_KINDS, checkFault } from './faults';
export type { FaultSpec, Fault, FaultKind, ActiveFault, SensorChoice } from './faults';
export { BatteryModel, SENSOR_ZONES } from './battery_model';
export type { PackConfig, PackInputs, SensorName } from './battery_model';
export { fixedPack, randomPack, CELL_COUNT, NOMINAL_CAPACITY_AH } from './pack_presets';
export { TestCycleScenario, FreeRunningScenario, TEST_CYCLE, TEST_CYCLE_S, DEFAULT_CHARGER } from './scenario';
export type { Scenario, ScenarioPhase } from './scenario';
export { RegisterFile } from './register_file';
export { REG, STATUS, EVENT } from './register_map';
export { SETTING_DEFAULTS, decodeBmsSettings } from './settings';
export { respond, nackFrame } from './responder';
export type { ResponderTarget } from './responder';
export { UartDevice } from './uart_device';
export { lfpOpenCircuitVoltage } from './ocv';
