/**
 * uart_bms on the bare XS engine: codec vectors, framer resync, live decode, frame description
 * and a poller wake-up on the virtual clock. Prints one `RESULT <json>` line.
 */
import { VirtualClock } from '../../../../hosts/mocks/virtual_clock';
import type { Host } from '../../../../hosts/host';
import { defaultConfig } from '../../../../modules/config_manager/config_manager';
import { createGatewayBus } from '../../../../modules/event_bus/events';
import {
  ResponseFramer, UartBmsPoller, checkSettingsWrite, crc16Modbus, decodeRequest, decodeResponse, describeFrame, encodeRequest, encodeResponse, liveDataFromRegisters,
} from '../../../../modules/uart_bms/index';
import type { LiveData } from '../../../../modules/uart_bms/live_data';
import { fromHex, toHex } from '../../../../modules/util/hex';
import { createLogger } from '../../../../modules/util/logger';
import { clarkRegisters } from '../support/clark';

declare const print: (text: string) => void;

const ascii = new Uint8Array([0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39]);
const v2 = decodeResponse(fromHex('AA 03 0A 97 40 97 40 97 2C 97 2C 97 2C 3E C7'));
const s5 = decodeResponse(fromHex('AA 14 B8 1E 5F 42 D5 75'));
const jonas = decodeRequest(fromHex('AA 14 7E AF'));

const framer = new ResponseFramer();
const framed: string[] = [];
for (const byte of fromHex('00 AA 03 FE 12  AA 01 0D 91 B5  AA 00')) framed.push(...framer.push(new Uint8Array([byte])).frames.map((f) => toHex(f)));

const registers = clarkRegisters();
const live = liveDataFromRegisters(registers, 1);
const described = describeFrame(fromHex('AA 09 08 32 00 97 00 35 00 0E 00 07 57'));
const rejected = checkSettingsWrite(315, [5000]);

// Poller: a sleeping BMS that ignores the first request, then answers from the CLARK registers.
const clock = new VirtualClock();
const receivers: ((bytes: Uint8Array) => void)[] = [];
let asleep = true;
const serial = {
  write(bytes: Uint8Array) {
    const request = decodeRequest(bytes);
    if (asleep || !request.ok || request.value.kind !== 'read_holding_registers') {
      asleep = false;
      return;
    }
    const { address, count } = request.value;
    const reply = encodeResponse({ kind: 'read_holding_registers', values: Array.from({ length: count }, (_, i) => registers.get(address + i) ?? 0) });
    clock.setTimer(5, () => receivers.forEach((r) => r(reply)));
  },
  onReceive(callback: (bytes: Uint8Array) => void) {
    receivers.push(callback);
  },
};
const log = { log() {} };
const bus = createGatewayBus({ defer: (fn) => clock.setTimer(0, fn) });
const published: LiveData[] = [];
bus.subscribe('bms.data', (data) => published.push(data));
const config = defaultConfig();
const poller = new UartBmsPoller({ host: { clock, log, serial } as Partial<Host> as Host, bus, config: () => config, logger: (tag) => createLogger(log, tag) });
poller.start();
clock.advance(config.bms.response_timeout_ms + 20);
const metrics = poller.metrics();
poller.stop();

print(
  `RESULT ${JSON.stringify({
    check: crc16Modbus(ascii),
    v1: toHex(encodeRequest({ kind: 'write_multiple_registers', address: 315, values: [4200, 2500] }), ' '),
    v2: v2.ok && v2.value.kind === 'read_holding_registers' ? v2.value.values : null,
    s5: s5.ok && s5.value.kind === 'read_pack_voltage' ? s5.value.volts : null,
    jonas: jonas.ok ? 'accepted' : jonas.error.code,
    framed,
    framerStats: framer.stats(),
    live: { v: live.pack_voltage_v, soc: live.state_of_charge_pct, cells: live.cell_voltage_mv, status: live.online_status, temps: live.temperatures_c },
    described: described.ok ? described.value : null,
    rejected: rejected.ok ? null : rejected.errors[0].message,
    polled: published.map((d) => [d.data_valid, d.pack_voltage_v, d.cell_count]),
    wakeups: metrics.wakeups,
    polls_ok: metrics.polls_ok,
  })}`,
);
