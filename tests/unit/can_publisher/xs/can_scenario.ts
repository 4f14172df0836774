/**
 * A CAN workload that must give identical answers on Node and on the bare XS engine: vector
 * encodes/decodes, charge decisions, and 12 s of publisher + driver on the virtual CAN bus.
 * Portable on purpose: no Node, no jest.
 */
import type { Host } from '../../../../hosts/host';
import { VirtualCanBus } from '../../../../hosts/mocks/can_bus';
import { MemoryStore } from '../../../../hosts/mocks/memory_store';
import { VirtualClock } from '../../../../hosts/mocks/virtual_clock';
import { CanPublisher, computeChargeLimits, initialChargeState, chargeSettingsFrom } from '../../../../modules/can_publisher/index';
import { CanVictronDriver, decodeCanFrame, encodeAlarmFrame, encodeEnergy, encodeLimits, encodeText } from '../../../../modules/can_victron/index';
import { defaultConfig } from '../../../../modules/config_manager/config_manager';
import { createGatewayBus } from '../../../../modules/event_bus/events';
import type { GatewayContext } from '../../../../modules/gateway/context';
import type { LiveData } from '../../../../modules/uart_bms/live_data';
import { fromHex, toHex } from '../../../../modules/util/hex';
import { createLogger } from '../../../../modules/util/logger';
import { liveData } from '../../can_victron/test_context';

function snapshot(timestamp_ms: number, cells: number[], soc: number, temperatures = [24, 26]): LiveData {
  return liveData(timestamp_ms, { cell_voltage_mv: cells, state_of_charge_pct: soc, temperatures_c: temperatures, pack_current_a: 12.5 });
}

export function runCanScenario(): unknown {
  const encoded = [
    toHex(encodeLimits({ charge_voltage_limit_v: 55.2, charge_current_limit_a: 100, discharge_current_limit_a: 150, discharge_voltage_limit_v: 48 })),
    toHex(encodeAlarmFrame({ alarms: { high_voltage: 'active', low_voltage: 'ok' }, warnings: { cell_imbalance: 'active' } })),
    toHex(encodeEnergy({ charged_energy_wh: 1234500, discharged_energy_wh: 1100000 })),
    toHex(encodeText('PYLON', 0x20)),
  ];
  const decoded = decodeCanFrame(0x35a, fromHex('56 55 69 A9 56 55 69 A9'));
  const config = defaultConfig();
  const settings = chargeSettingsFrom(config);
  const runner = new Array<number>(16).fill(3440);
  runner[3] = 3530;
  const decisions = [
    snapshot(1000, new Array<number>(16).fill(3300), 50),
    snapshot(1000, runner, 80),
    snapshot(1000, new Array<number>(16).fill(3300), 99, [1, 4]),
  ].map((d) => computeChargeLimits(d, 1000, settings, initialChargeState()).limits);

  const clock = new VirtualClock();
  const can = new VirtualCanBus({ clock });
  const store = new MemoryStore();
  const log = { log: () => undefined };
  const host = { clock, log, can, store } as unknown as Host;
  const bus = createGatewayBus({ defer: (fn) => clock.setTimer(0, fn) });
  const ctx: GatewayContext = { host, bus, config: () => config, logger: (tag) => createLogger(log, tag) };
  const driver = new CanVictronDriver(ctx);
  const publisher = new CanPublisher(ctx, { transmitter: driver });
  driver.start();
  publisher.start();
  for (let t = 0; t < 12_000; t += 250) {
    bus.publish('bms.data', snapshot(clock.now(), new Array<number>(16).fill(3300 + Math.floor(t / 1000)), 50 + t / 1000));
    clock.advance(250);
  }
  publisher.stop();
  driver.stop();
  return {
    encoded,
    decoded,
    decisions,
    frames: can.sent.map((f) => `${f.timestamp_ms} ${f.id.toString(16)} ${toHex(f.data)}`),
    energy: publisher.energyTotals(),
    stored: store.get('energy'),
  };
}
