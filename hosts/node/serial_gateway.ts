/**
 * The gateway on Node against a real TinyBMS: `SERIAL_PORT=/dev/ttyUSB0 npm start`. Same
 * composition as the simulator (web UI, MQTT, files, virtual CAN bus with a simulated GX), but the
 * UART is a real serial device opened through npm `serialport` at 115200 8N1 and there is no
 * simulator and no /api/sim/*. A port that cannot be opened is logged and leaves the BMS offline
 * (charge permission withdrawn), as an unplugged cable would on the ESP32.
 */
import { type NodeGatewayParts, type SimulatedGatewayOptions, assembleNodeGateway } from './simulated_gateway';
import { type NodeSerial, openNodeSerial } from './serial_port';

export interface SerialGatewayOptions extends Omit<SimulatedGatewayOptions, 'mode' | 'speed' | 'seed'> {
  /** The TinyBMS's serial device, e.g. /dev/ttyUSB0 (pack 1 of a bank). */
  serialPath: string;
  /** Several TinyBMS in parallel: the devices of packs 2…N (SERIAL_PORT_2, …). */
  extraSerialPaths?: string[];
}

export interface SerialGateway extends NodeGatewayParts {
  /** Pack 1's device. */
  serial: NodeSerial;
  /** Every pack's device, pack 1 first. */
  serials: NodeSerial[];
}

export function startSerialGateway(options: SerialGatewayOptions): SerialGateway {
  const serials: NodeSerial[] = [];
  let report: (error: Error) => void = () => undefined;
  const app = assembleNodeGateway(options, () => {
    for (const path of [options.serialPath, ...(options.extraSerialPaths ?? [])]) serials.push(openNodeSerial({ path, onError: (error) => report(error) }));
    return { serial: serials[0], extraSerials: serials.slice(1) };
  });
  report = (error) => app.host.log.log('error', 'serial', error.message);
  app.start();
  return {
    ...app,
    serial: serials[0],
    serials,
    async stop() {
      await app.stop();
      await Promise.all(serials.map((port) => port.close()));
    },
  };
}
