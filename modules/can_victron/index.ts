/** can_victron's public surface: frame ids, pure encoders/decoders, and the CAN driver module. */
export { CAN_ID, formatCanId } from './ids';
export { CanFrameError, createCanFrame, parseCanId } from './frame';
export { CanEncodeError } from './fields';
export type { FieldSpec } from './fields';
export { NUMERIC_LAYOUTS, decodeNumeric, encodeNumeric } from './layouts';
export type { FrameLayout } from './layouts';
export * from './encode';
export { ALARM_FLAG_NAMES, decodeAlarmFrame, encodeAlarmFrame } from './alarms';
export type { AlarmFlagName, AlarmFrame, DecodedAlarmFrame, FlagState } from './alarms';
export { decodeText, encodeLongText, encodeText } from './text_frames';
export { decodePylonProtection, decodePylonRequest, encodePylonProtection, encodePylonRequest } from './pylontech_frames';
export { decodeIdentify, decodeKeepAlive, encodeIdentify } from './inverter_frames';
export { decodeCanFrame } from './decode';
export type { CanDecodeResult, DecodedCanFrame } from './decode';
export { CanVictronDriver } from './driver';
export type { CanDriverOptions, CanDriverState, CanDriverStatus, CanTransmitResult, CanTransmitter } from './driver';
