/** Piecewise-linear helpers for derating curves (pure). */
export type CurvePoint = readonly [x: number, y: number];

/** y on the straight line from (x0, y0) to (x1, y1), held flat outside [x0, x1]. */
export function ramp(x: number, x0: number, y0: number, x1: number, y1: number): number {
  if (x1 === x0) return x < x0 ? y0 : y1;
  const t = (x - x0) / (x1 - x0);
  if (t <= 0) return y0;
  if (t >= 1) return y1;
  return y0 + t * (y1 - y0);
}

/** Linear interpolation over points sorted by x, flat beyond both ends. */
export function interpolate(points: readonly CurvePoint[], x: number): number {
  if (x <= points[0][0]) return points[0][1];
  for (let i = 1; i < points.length; i++) {
    if (x <= points[i][0]) return ramp(x, points[i - 1][0], points[i - 1][1], points[i][0], points[i][1]);
  }
  return points[points.length - 1][1];
}

/** A latch with hysteresis: switches on when `on` holds, off again only when `off` holds. */
export function latch(previous: boolean, on: boolean, off: boolean): boolean {
  return previous ? !off : on;
}
