/** The UART (TinyBMS) and CAN (Victron) frame monitors: the shared FrameMonitor with each stream's parser. */
import type { CanFrameMessage, UartFrameMessage } from '../api/types';
import { FrameMonitor, type MonitorFrame } from '../components/frame_monitor';

/** What each Victron CAN-BMS frame carries (victron-can.md §2), shown as the id's tooltip. */
const CAN_FRAME_NAMES: Record<string, string> = {
  '0x351': 'CVL, CCL, DCL, DVL',
  '0x355': 'SOC, SOH',
  '0x356': 'Voltage, current, temperature',
  '0x35a': 'Alarms and warnings',
  '0x35e': 'Manufacturer name',
  '0x35f': 'Battery model, firmware, capacity',
  '0x370': 'Battery name 1–8',
  '0x371': 'Battery name 9–16',
  '0x372': 'Modules OK / blocking',
  '0x373': 'Min/max cell voltage and temperature',
  '0x374': 'Id of min-voltage cell',
  '0x375': 'Id of max-voltage cell',
  '0x376': 'Id of min-temperature cell',
  '0x377': 'Id of max-temperature cell',
  '0x378': 'Energy in/out',
  '0x379': 'Installed capacity',
  '0x382': 'Battery family name',
  '0x305': 'GX keep-alive',
  '0x307': 'Inverter identification',
};

function parseUart(message: unknown): MonitorFrame | null {
  const m = message as Partial<UartFrameMessage> | null;
  if (!m || m.type !== 'uart' || typeof m.hex !== 'string') return null;
  const command = m.decoded && typeof m.decoded.command === 'string' ? m.decoded.command : undefined;
  const frame: MonitorFrame = { receivedAt: Date.now(), hex: m.hex, decoded: m.decoded ?? null };
  if (m.direction) frame.direction = m.direction;
  if (command) frame.label = command;
  return frame;
}

function parseCan(message: unknown): MonitorFrame | null {
  const m = message as Partial<CanFrameMessage> | null;
  if (!m || m.type !== 'can' || typeof m.hex !== 'string') return null;
  const id = typeof m.id === 'string' ? m.id : typeof m.id === 'number' ? `0x${(m.id as number).toString(16)}` : '?';
  const frame: MonitorFrame = { receivedAt: Date.now(), hex: m.hex, decoded: m.decoded ?? null, label: id };
  const hint = CAN_FRAME_NAMES[id.toLowerCase()];
  if (hint) frame.labelHint = hint;
  if (m.direction) frame.direction = m.direction;
  return frame;
}

export function UartMonitorPage() {
  return <FrameMonitor title="UART" socketPath="/ws/uart" statusPath="/api/uart/status" parse={parseUart} testId="uart-frames" />;
}

export function CanMonitorPage() {
  return <FrameMonitor title="CAN" socketPath="/ws/can" statusPath="/api/can/status" parse={parseCan} testId="can-frames" />;
}
