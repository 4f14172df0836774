/**
 * Derating curves written as text in the configuration: "t:f,t:f,…" — 2 to 8 points, x strictly
 * ascending, every factor 0…1 (e.g. "-10:0,-5:0.25,0:0.5,5:1" for LiFePO4 discharge vs °C).
 * Pure; the schema's 'curve' format and charge control share this parser.
 */
export type CurvePoints = readonly (readonly [x: number, y: number])[];

export const CURVE_MAX_POINTS = 8;
// RegExps are made per call, never at module load: this module is preloaded on Moddable, and a
// RegExp built during preload lives in the read-only image (mcsim segfaulted in its exec; docs/moddable.md).
const NUMBER = (): RegExp => /^-?\d+(\.\d+)?$/;

export type ParsedCurve = { ok: true; points: CurvePoints } | { ok: false; error: string };

export function parseCurve(text: string): ParsedCurve {
  const parts = text.split(',').map((p) => p.trim());
  if (parts.length < 2 || parts.length > CURVE_MAX_POINTS) return { ok: false, error: `a curve has 2–${CURVE_MAX_POINTS} points written "x:factor", separated by commas` };
  const points: [number, number][] = [];
  for (const part of parts) {
    const pair = part.split(':').map((p) => p.trim());
    if (pair.length !== 2 || !NUMBER().test(pair[0]) || !NUMBER().test(pair[1])) return { ok: false, error: `"${part}" is not "x:factor" with two numbers` };
    const [x, y] = [Number(pair[0]), Number(pair[1])];
    if (y < 0 || y > 1) return { ok: false, error: `factor ${pair[1]} is outside 0…1` };
    if (points.length > 0 && x <= points[points.length - 1][0]) return { ok: false, error: `x values must rise strictly (${pair[0]} after ${points[points.length - 1][0]})` };
    points.push([x, y]);
  }
  return { ok: true, points };
}
