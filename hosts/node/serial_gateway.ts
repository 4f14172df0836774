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
  /** The TinyBMS's serial device, e.g. /dev/ttyUSB0. */
  serialPath: string;
}

export interface SerialGateway extends NodeGatewayParts {
  serial: NodeSerial;
}

export function startSerialGateway(options: SerialGatewayOptions): SerialGateway {
  let serial: NodeSerial | undefined;
  let report: (error: Error) => void = () => undefined;
  const app = assembleNodeGateway(options, () => {
    serial = openNodeSerial({ path: options.serialPath, onError: (error) => report(error) });
    return { serial };
  });
  report = (error) => app.host.log.log('error', 'serial', error.message);
  app.start();
  const port = serial as NodeSerial;
  return {
    ...app,
    serial: port,
    async stop() {
      await app.stop();
      await port.close();
    },
  };
}
