/** Version registers 500–509 → named fields (spec tinybms-uart.md §4.5). Pure. */
import { registerReader, type RegisterSource } from './live_decode';

export type PowerType = 'low' | 'high';
export type CurrentSensor = 'internal_resistor' | 'internal_hall' | 'external' | 'unknown';

export interface BmsVersion {
  hardware_version: number;
  hardware_changes_version: number;
  firmware_version: number;
  power_type: PowerType;
  current_sensor: CurrentSensor;
  internal_firmware_version: number;
  bootloader_version: number;
  profile_version: number;
  /**
   * The 96-bit serial (registers 504–509) as 24 hex digits, register 504 first, each word high
   * byte first. RevD documents neither its byte order nor an encoding, so it stays raw.
   */
  serial_number: string;
}

const SENSORS: readonly CurrentSensor[] = ['internal_resistor', 'internal_hall', 'external'];

/** Decodes registers 500–509 from a map, or from an array indexed from `base` (500 for a read at 500). */
export function versionFromRegisters(registers: RegisterSource, base = 0): BmsVersion {
  const read = registerReader(registers);
  const at = (address: number) => read(address - base);
  const firmware = at(501);
  const bootloader = at(503);
  let serial = '';
  for (let address = 504; address <= 509; address++) serial += at(address).toString(16).toUpperCase().padStart(4, '0');
  return {
    hardware_version: at(500) & 0xff,
    hardware_changes_version: at(500) >>> 8,
    firmware_version: firmware & 0xff,
    power_type: firmware & 0x100 ? 'high' : 'low',
    current_sensor: SENSORS[(firmware >>> 9) & 0x3] ?? 'unknown',
    internal_firmware_version: at(502),
    bootloader_version: bootloader & 0xff,
    profile_version: bootloader >>> 8,
    serial_number: serial,
  };
}

/**
 * The serial as text for 0x380/0x381 (16 characters at most): the 12 bytes as ASCII when every
 * byte is printable (trailing NULs and spaces dropped), else the first 16 of serial_number's hex
 * digits (registers 504–507). RevD documents no encoding, so this is the gateway's choice.
 */
export function serialText(words: readonly number[]): string {
  const bytes: number[] = [];
  for (const word of words) bytes.push((word >>> 8) & 0xff, word & 0xff);
  let end = bytes.length;
  while (end > 0 && (bytes[end - 1] === 0 || bytes[end - 1] === 0x20)) end--;
  const body = bytes.slice(0, end);
  if (body.length > 0 && body.every((b) => b >= 0x20 && b <= 0x7e)) return String.fromCharCode(...body);
  let hex = '';
  for (const word of words.slice(0, 4)) hex += (word & 0xffff).toString(16).toUpperCase().padStart(4, '0');
  return hex;
}
