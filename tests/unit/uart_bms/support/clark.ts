/**
 * The real 14S register snapshot of spec tinybms-uart.md §5.4 (CLARK capture) plus the §4.4
 * settings and the version registers, as address → word.
 */
export function clarkRegisters(): Map<number, number> {
  const registers = new Map<number, number>();
  const set = (start: number, words: number[]) => words.forEach((w, i) => registers.set(start + i, w));
  set(0, [0, 0, 39800, 39810, 39820, 39830, 39830, 39840, 39890, 39900, 39830, 39830, 39830, 39840, 39880, 39880]);
  for (let a = 16; a < 56; a++) registers.set(a, 0);
  set(32, [0x93cd, 0x00fe, 0x7904, 0x027d, 0x1eb8, 0x425f, 0, 0, 3980, 3990, 0x8000, 0x8000]);
  set(46, [0xf208, 0x04fa, 97]);
  set(50, [0x0097, 0, 0, 14]);
  set(102, [510, 0, 100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x1908, 0x0300, 0, 0x8a3d, 0x00be]);
  set(200, [0x1226, 0x6500, 0x4e2b, 0x64b9, 0x4e2c, 0x62b9, 0x4e42, 0x65b9]);
  for (let a = 300; a <= 343; a++) registers.set(a, 0);
  set(300, [4150, 3000, 0, 3200, 1000, 0, 6600, 14, 15]);
  set(315, [4200, 2900, 60, 20, 60, 1]);
  registers.set(328, 0xffff);
  set(500, [0x0102, 0x0301, 0x00f2, 0x0418, 0x1234, 0x5678, 0x9abc, 0xdef0, 0x0001, 0x0002]);
  return registers;
}

/** Registers 500–509 of clarkRegisters() decoded (the serial words are made up: CLARK printed none). */
export const CLARK_VERSION = Object.freeze({
  hardware_version: 2,
  hardware_changes_version: 1,
  firmware_version: 1,
  power_type: 'high',
  current_sensor: 'internal_hall',
  internal_firmware_version: 242,
  bootloader_version: 0x18,
  profile_version: 4,
  serial_number: '123456789ABCDEF000010002',
});
