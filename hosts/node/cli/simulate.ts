/**
 * `tinybms-gw simulate --serial <device> [--mode M] [--seed N] [--speed X]`: the byte-exact TinyBMS
 * simulator on a real tty (a USB-UART adapter or one end of a `socat` PTY pair), 115200 8N1, so
 * the gateway (`SERIAL_PORT=...`) or any other TinyBMS tool can talk to it. Runs until SIGINT or
 * SIGTERM; prints one line when the port is open ("simulating TinyBMS on <device>").
 */
import { NodeClock } from '../clock';
import { openNodeSerial } from '../serial_port';
import { MAX_SPEED, MODES, TinyBmsSimulator, type SimMode } from '../../mocks/tinybms/index';
import { EXIT_OK, InputError, UsageError, parseOptions, type CliIo, type Subcommand } from './command';

export interface SimulateRun {
  /** Resolves when the port is open and the simulator answers. */
  ready: Promise<void>;
  /** Stops the simulator and closes the port. */
  stop(): Promise<void>;
}

export interface SimulateSettings {
  device: string;
  mode: SimMode;
  seed: number | undefined;
  speed: number | undefined;
}

export function parseSimulateArgs(args: string[]): SimulateSettings {
  const { options, positional } = parseOptions(args, ['--serial', '--mode', '--seed', '--speed'], []);
  if (positional.length > 0) throw new UsageError(`unexpected argument "${positional[0]}"`);
  const device = options.get('--serial');
  if (!device) throw new UsageError('--serial <device> is required (e.g. /dev/ttyUSB0 or a socat PTY such as /dev/pts/3)');
  const mode = (options.get('--mode') ?? 'realistic') as SimMode;
  if (!MODES.includes(mode)) throw new UsageError(`--mode must be one of ${MODES.join(', ')}, got "${mode}"`);
  const seedText = options.get('--seed');
  const seed = seedText === undefined ? undefined : Number(seedText);
  if (seed !== undefined && !Number.isInteger(seed)) throw new UsageError(`--seed must be an integer, got "${seedText}"`);
  const speedText = options.get('--speed');
  const speed = speedText === undefined ? undefined : Number(speedText);
  if (speed !== undefined && !(speed > 0 && speed <= MAX_SPEED)) throw new UsageError(`--speed must be in (0, ${MAX_SPEED}], got "${speedText}"`);
  return { device, mode, seed, speed };
}

/** Starts the simulator on the device; the CLI and tests share it. */
export function startSerialSimulator(settings: SimulateSettings, onError: (error: Error) => void): SimulateRun {
  const clock = new NodeClock({ onTimerError: (error) => onError(error instanceof Error ? error : new Error(String(error))) });
  const serial = openNodeSerial({ path: settings.device, onError });
  const simulator = new TinyBmsSimulator({ clock, serial, mode: settings.mode, seed: settings.seed, speed: settings.speed });
  const ready = serial.whenOpen().then(() => simulator.start());
  return {
    ready,
    async stop() {
      simulator.stop();
      clock.clearAll();
      await serial.close();
    },
  };
}

export const simulate: Subcommand = {
  path: ['simulate'],
  usage: '--serial <device> [--mode realistic|test|demo] [--seed N] [--speed X]',
  summary: 'run the TinyBMS simulator on a serial device (115200 8N1) until interrupted',
  async run(args: string[], io: CliIo) {
    const settings = parseSimulateArgs(args);
    const run = startSerialSimulator(settings, (error) => io.stderr(`tinybms-gw simulate: ${error.message}\n`));
    try {
      await run.ready;
    } catch (error) {
      await run.stop();
      throw new InputError((error as Error).message);
    }
    io.stdout(`simulating TinyBMS on ${settings.device} (mode ${settings.mode}); Ctrl-C to stop\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await run.stop();
    return EXIT_OK;
  },
};
