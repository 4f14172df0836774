/**
 * The GX panel's words: the verdict and each problem of GET /api/can/gx, which sends codes with
 * their facts (modules/web_server/gx_view.ts) so the sentences live here, not on the device.
 */
import type { GxProblem } from '../../../modules/web_server/gx_view';

export const GX_VERDICT_TEXT = {
  yes: 'Yes: the GX is talking on the bus and receives the battery’s limits every second.',
  no: 'No: the GX does not show signs of hearing this battery.',
  unknown: 'Not sure yet: some of what the GX needs is missing.',
} as const;

export function gxProblemText(problem: GxProblem): string {
  switch (problem.code) {
    case 'no_can_driver': return 'This gateway has no CAN driver.';
    case 'can_not_running': return `The CAN driver is ${problem.state.replace(/_/g, ' ')}, not running.`;
    case 'no_keepalive_ever': return 'No keep-alive (0x305) from a GX has ever arrived: check the cable, the bus termination and that the GX port is set to a BMS profile at 500 kbit/s.';
    case 'keepalive_stopped': return `The GX's keep-alive (0x305) stopped ${problem.age_s} s ago.`;
    case 'frame_not_sent': return `Frame ${problem.id} has not been sent yet.`;
    case 'frame_late': return `Frame ${problem.id} was last sent ${problem.age_s} s ago.`;
    case 'no_limits': return 'No charge limits computed yet (waiting for valid battery data).';
    case 'charge_blocked': return 'Charging is not allowed right now (see the reasons).';
    case 'discharge_blocked': return 'Discharging is not allowed right now (see the reasons).';
    default: return `Unknown problem ${(problem as { code: string }).code}.`;
  }
}
