/**
 * `npm start` settings: defaults embedded, overridden by a `.env` file in the working folder,
 * overridden by the process environment. Bad values stop start-up with a message naming them.
 */
import * as fs from 'node:fs';
import type { LogLevel } from '../ports/log';
import { LOG_LEVELS } from '../ports/log';
import type { SimMode } from '../mocks/tinybms/index';
import { MAX_SPEED, MODES } from '../mocks/tinybms/index';

export interface StartSettings {
  port: number;
  mode: SimMode;
  speed: number | undefined;
  logLevel: LogLevel;
  dataDir: string;
  seed: number | undefined;
  /** SERIAL_PORT, SERIAL_PORT_2, …: real TinyBMS devices (pack 1 first) instead of the simulator. */
  serialPorts?: string[];
  /** SIMULATION_PACKS: simulated packs in parallel (1 when unset). */
  simulationPacks?: number;
}

/** Packs one gateway aggregates at most on the Node host (ESP32-S3: 2, its free UARTs). */
export const MAX_PACKS = 8;

/** KEY=value lines; '#' comments; optional quotes. */
export function parseDotEnv(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (!line || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq).trim();
    let value = line.slice(eq + 1).trim();
    if ((value.startsWith('"') && value.endsWith('"')) || (value.startsWith("'") && value.endsWith("'"))) value = value.slice(1, -1);
    out[key] = value;
  }
  return out;
}

export function readStartSettings(env: Record<string, string | undefined>, dotEnvPath = '.env'): StartSettings {
  const file = fs.existsSync(dotEnvPath) ? parseDotEnv(fs.readFileSync(dotEnvPath, 'utf8')) : {};
  const get = (key: string): string | undefined => env[key] ?? file[key];
  const problems: string[] = [];

  const port = Number(get('PORT') ?? 3000);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT must be 0–65535, got "${get('PORT')}"`);
  const mode = (get('SIMULATION_MODE') ?? 'realistic') as SimMode;
  if (!MODES.includes(mode)) problems.push(`SIMULATION_MODE must be one of ${MODES.join(', ')}, got "${mode}"`);
  const speedText = get('SIMULATION_SPEED');
  const speed = speedText === undefined || speedText === '' ? undefined : Number(speedText);
  if (speed !== undefined && !(speed > 0 && speed <= MAX_SPEED)) problems.push(`SIMULATION_SPEED must be in (0, ${MAX_SPEED}], got "${speedText}"`);
  const logLevel = (get('LOG_LEVEL') ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) problems.push(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`);
  const seedText = get('SIMULATION_SEED');
  const seed = seedText ? Number(seedText) : undefined;
  if (seed !== undefined && !Number.isInteger(seed)) problems.push(`SIMULATION_SEED must be an integer, got "${seedText}"`);
  const serialPorts: string[] = [];
  const first = get('SERIAL_PORT');
  if (first) serialPorts.push(first);
  for (let pack = 2; pack <= MAX_PACKS; pack++) {
    const device = get(`SERIAL_PORT_${pack}`);
    if (!device) continue;
    if (serialPorts.length !== pack - 1) problems.push(`SERIAL_PORT_${pack} is set but ${pack === 2 ? 'SERIAL_PORT' : `SERIAL_PORT_${pack - 1}`} is not: packs are numbered without gaps`);
    serialPorts.push(device);
  }
  const packsText = get('SIMULATION_PACKS');
  const simulationPacks = packsText === undefined || packsText === '' ? undefined : Number(packsText);
  if (simulationPacks !== undefined && !(Number.isInteger(simulationPacks) && simulationPacks >= 1 && simulationPacks <= MAX_PACKS)) {
    problems.push(`SIMULATION_PACKS must be an integer 1–${MAX_PACKS}, got "${packsText}"`);
  }
  if (simulationPacks !== undefined && serialPorts.length > 0) problems.push('SIMULATION_PACKS and SERIAL_PORT exclude each other: real packs are not simulated');
  if (problems.length) throw new Error(problems.join('\n'));
  return {
    port,
    mode,
    speed,
    logLevel,
    dataDir: get('DATA_DIR') ?? '.data',
    seed,
    serialPorts: serialPorts.length ? serialPorts : undefined,
    simulationPacks,
  };
}
