/**
 * Named variants of the gateway day, chosen by name so that the XS bundle can carry them
 * (xs_entry.ts gets the name through a build-time constant).
 *
 * 'events' puts what happens for the first time late in a real day into a 9-minute run: a cell
 * over-voltage on the simulated BMS for 30 s at minute 2 (OVER_VOLTAGE and CELL_IMBALANCE raised,
 * then cleared and left latched; BMS fault events logged and read; alert journal and store
 * written), a midnight at minute 4 (new history day, energy ledger day change), the energy
 * ledger's first save at minute 5. The live heap is sampled every simulated minute, the first
 * sample that counts at minute 2, just before the fault. 'events_leak' is the same run with a
 * deliberate leak in the gateway (one small object kept per simulated minute): the negative
 * control of the retained-heap check.
 */
import type { DayOptions } from './gateway_day';

export type DayScenario = 'day' | 'events' | 'events_leak';
export const DAY_SCENARIOS: readonly DayScenario[] = ['day', 'events', 'events_leak'];

const MINUTE_STEPS = 600;
export const EVENTS_RUN = { steps: 9 * MINUTE_STEPS, beforeMinute: 2, settledFromMinute: 6 };

export function scenarioOptions(name: DayScenario): Partial<DayOptions> {
  if (name === 'day') return {};
  const events: Partial<DayOptions> = {
    startWallMs: Date.UTC(2026, 5, 20, 23, 56, 0),
    seriesEverySteps: MINUTE_STEPS,
    faults: [{ atStep: EVENTS_RUN.beforeMinute * MINUTE_STEPS + 30, spec: { kind: 'cell_overvoltage', cell: 3, voltageMv: 3800, durationS: 30 } }],
  };
  if (name === 'events') return events;
  return {
    ...events,
    afterStart: (gateway) => {
      // A poll every 250 ms (the default): every 240th poll is one a minute.
      const kept: { poll: number }[] = [];
      let polls = 0;
      gateway.bus.subscribe('bms.data', () => {
        if (++polls % 240 === 0) kept.push({ poll: polls });
      });
    },
  };
}
