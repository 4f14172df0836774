/** The simulator's own settings from mc/config (`config.simulator`), checked at start. */
import type { SimMode } from '../mocks/tinybms/simulator';
import { MODES } from '../mocks/tinybms/simulator';
import { SettingsError } from '../esp32/moddable/settings';

export interface SimulatorSettings {
  mode: SimMode;
  seed: number;
}

export function readSimulatorSettings(config: Record<string, unknown>): SimulatorSettings {
  const section = (config.simulator ?? {}) as Record<string, unknown>;
  const mode = section.mode ?? 'realistic';
  const seed = section.seed ?? 1;
  if (!MODES.includes(mode as SimMode)) throw new SettingsError(`config.simulator.mode must be one of ${MODES.join(', ')}, got ${JSON.stringify(mode)}`);
  if (typeof seed !== 'number' || !Number.isInteger(seed)) throw new SettingsError(`config.simulator.seed must be an integer, got ${JSON.stringify(seed)}`);
  return { mode: mode as SimMode, seed };
}
