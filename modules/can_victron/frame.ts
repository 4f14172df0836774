/** Building and checking classic CAN frames (11-bit id, 0–8 data bytes). */
import type { CanFrame } from '../../hosts/ports/can';
import { MAX_DATA_LENGTH, MAX_STANDARD_ID, formatCanId } from './ids';

export class CanFrameError extends Error {
  override name = 'CanFrameError';
}

/** Why `id`/`data` cannot form a standard CAN frame, or undefined when they can. */
export function canFrameProblem(id: number, data: Uint8Array): string | undefined {
  if (!Number.isInteger(id) || id < 0 || id > MAX_STANDARD_ID) return `CAN id ${id} is not an 11-bit identifier (0x000–0x7FF)`;
  if (data.length > MAX_DATA_LENGTH) return `CAN frame ${formatCanId(id)} has ${data.length} data bytes (at most ${MAX_DATA_LENGTH})`;
  return undefined;
}

/** A frame owning a copy of `data`; throws CanFrameError for a bad id or more than 8 bytes. */
export function createCanFrame(id: number, data: Uint8Array): CanFrame {
  return checkedCanFrame(id, data.slice());
}

/** A frame around `data` itself (the caller hands it over: no copy); throws like createCanFrame. */
export function checkedCanFrame(id: number, data: Uint8Array): CanFrame {
  const problem = canFrameProblem(id, data);
  if (problem) throw new CanFrameError(problem);
  return { id, data };
}

/** Parses a hexadecimal CAN id with or without "0x" ("0x351", "351"), as the protocol documents write them. */
export function parseCanId(text: string): number {
  const clean = text.trim().replace(/^0x/i, '');
  if (!/^[0-9a-fA-F]{1,3}$/.test(clean)) throw new CanFrameError(`"${text}" is not a hexadecimal CAN id (e.g. 0x351)`);
  const id = parseInt(clean, 16);
  if (id > MAX_STANDARD_ID) throw new CanFrameError(`CAN id ${text} is above 0x7FF`);
  return id;
}
