/** Checks on a register edit before it is sent (the gateway checks again and has the last word). */
import type { RegisterInfo } from '../../api/types';

/** Why `text` is not an acceptable value for `reg`, or null. */
export function registerProblem(reg: RegisterInfo, text: string): string | null {
  if (text.trim() === '' || !Number.isFinite(Number(text))) return 'enter a number';
  const value = Number(text);
  if (reg.options && reg.options.length > 0 && !reg.options.some((o) => o.value === value)) return 'not one of the choices';
  if (reg.min !== undefined && value < reg.min) return `at least ${reg.min}`;
  if (reg.max !== undefined && value > reg.max) return `at most ${reg.max}`;
  if (reg.step !== undefined && reg.step > 0) {
    const steps = value / reg.step;
    if (Math.abs(steps - Math.round(steps)) > 1e-6) return reg.step === 1 ? 'whole numbers only' : `in steps of ${reg.step}`;
  }
  return null;
}

/**
 * The register a server error is about. Write errors name the n-th write ("registers[2].value");
 * others may name an address ("registers.307").
 */
export function errorTarget(field: string | undefined, sent: readonly RegisterInfo[]): number | null {
  if (!field) return null;
  const index = /^registers\[(\d+)\]/.exec(field);
  if (index) return sent[Number(index[1])]?.address ?? null;
  const address = /(\d+)$/.exec(field);
  return address ? Number(address[1]) : null;
}
