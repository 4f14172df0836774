/** can_publisher's public surface: the module, charge control and energy counting. */
export { CanPublisher, chargeSettingsFrom } from './publisher';
export type { CanPublisherOptions, PublisherState } from './publisher';
export { computeChargeLimits, cvlBounds } from './charge_control';
export type { ChargeDecision, ChargeSettings } from './charge_control';
export { initialChargeState } from './charge_state';
export type { ChargePhase, ChargeState } from './charge_state';
export { EnergyCounter } from './energy_counter';
export type { EnergyTotals } from './energy_counter';
export { buildFrame } from './frame_builder';
export type { FrameInputs } from './frame_builder';
export { CONVERSION_TABLE } from './conversion_table';
export type { ConversionEntry, SourceValues } from './conversion_table';
export { SCHEDULES, CYCLE_MS, frameSet } from './schedule';
export { pylontechRefusal, PYLONTECH_MIN_CVL_V } from './pylontech_guard';
