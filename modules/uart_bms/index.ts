/**
 * uart_bms public surface: the pure TinyBMS codec (CRC, register map, request/response encoders
 * and decoders, framers, live-data decoding, settings checks) and the poller that drives it.
 */
export { crc16Modbus, crc16ModbusPair, hasValidCrc, sealFrame } from './crc';
export { CMD, START_BYTE, SIMPLE_READS, CONTROL_OPTIONS, SETTINGS_OPTIONS, commandName, isRequestCommand, simpleReadName } from './commands';
export type { ControlOption, SettingsOption, SimpleReadName } from './commands';
export { FrameEncodeError } from './frame';
export type { CodecError, CodecErrorCode, Decoded } from './frame';
export { requestFrameLength, responseFrameLength, MAX_FRAME_LENGTH, MAX_PACKET_PAYLOAD } from './frame_rules';
export type { FrameLength, FrameLengthRule } from './frame_rules';
export { encodeRequest, decodeRequest, requestCommand, REQUEST_LIMITS } from './requests';
export type { TinyRequest, RegisterWrite } from './requests';
export { encodeResponse, decodeResponse, respondedCommand, NACK_CODES } from './responses';
export type { TinyResponse, NackReason, BmsEvent, VersionInfo } from './responses';
export { Framer, ResponseFramer, RequestFramer } from './framer';
export type { FramerOutput, FramerStats, FrameExpectation, FramerOptions } from './framer';
export * from './registers';
export * from './register_catalog';
export { liveDataFromRegisters, cellRegisterIndexes, registerReader, bitsToCells, onlineStatusName, MissingRegisterError, TEMPERATURE_NOT_CONNECTED } from './live_decode';
export type { RegisterSource } from './live_decode';
export { checkSettingsWrite, MAX_SETTINGS_WRITE } from './settings';
export type { SettingsCheck, SettingsError } from './settings';
export { toInt16, toWord, wordsToUint32, uint32ToWords, wordsToFloat32, float32ToWords, shortestFloat32 } from './words';
export type { LiveData, OnlineStatusName } from './live_data';
export { versionFromRegisters, serialText } from './version';
export type { BmsVersion, PowerType, CurrentSensor } from './version';
export { UartLink } from './link';
export type { Transaction, Verdict, Completion, LinkOptions, LinkCounters } from './link';
export { UartBmsPoller, POLL_INTERVAL_MIN_MS, POLL_INTERVAL_MAX_MS } from './poller';
export type { UartBmsPollerOptions } from './poller';
export { UartTimeoutError, UartWriteError, UartNackError, UartStoppedError, UartQueueFullError, UartRequestError, SettingsRejectedError } from './errors';
export { describeFrame, describeRequest, describeResponse } from './describe';
export type { FrameDescription, FrameKind, DescribeOptions } from './describe';
export { describeRegisters, consecutive } from './register_fields';
export type { RegisterDescription, FieldValue } from './register_fields';
export { EVENT_NAMES, eventName, eventSeverity } from './event_codes';
export type { EventSeverity } from './event_codes';
