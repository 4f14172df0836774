/** BMS cut-offs and serial as the publisher reads them (registers 300/315–320, 504–509). */
import { cutoffsFromSettings } from '../../../modules/can_publisher/bms_facts';
import { serialText } from '../../../modules/uart_bms/version';

describe('cut-offs from a settings read', () => {
  it('takes 300 and 315–320 from any read that covers them, INT16 signed, over what was known', () => {
    const words = new Array<number>(21).fill(0);
    words[0] = 3600;
    words[15] = 3650;
    words[16] = 2800;
    words[17] = 150;
    words[18] = 60;
    words[19] = 60;
    words[20] = 0xfff6; // −10 °C
    expect(cutoffsFromSettings({}, 300, words)).toEqual({ fully_charged_mv: 3600, overvoltage_mv: 3650, undervoltage_mv: 2800, discharge_overcurrent_a: 150, charge_overcurrent_a: 60, overheat_c: 60, low_temp_charge_c: -10 });
    // A write read-back of 318 alone updates just that one.
    expect(cutoffsFromSettings({ overvoltage_mv: 3650, charge_overcurrent_a: 60 }, 318, [40])).toEqual({ overvoltage_mv: 3650, charge_overcurrent_a: 40 });
  });

  it('drops a value outside its RevD range instead of bounding the limits with it', () => {
    expect(cutoffsFromSettings({ overvoltage_mv: 3650 }, 315, [0])).toEqual({});
  });
});

describe('serial text for 0x380/0x381', () => {
  it('is the 12 bytes as ASCII when they are printable, trailing NULs dropped', () => {
    expect(serialText([0x4e54, 0x4d42, 0x2d53, 0x4d49, 0x3030, 0x3130])).toBe('NTMB-SMI0010');
    expect(serialText([0x4142, 0x4300, 0, 0, 0, 0])).toBe('ABC');
  });

  it('is 16 hex digits (registers 504–507) for raw bytes', () => {
    expect(serialText([0x0123, 0x4567, 0x89ab, 0xcdef, 0x0001, 0x0002])).toBe('0123456789ABCDEF');
  });
});
