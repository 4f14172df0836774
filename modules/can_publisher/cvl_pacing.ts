/**
 * Rate limit for CVL changes (victron-can.md §4/§6.1: "probably not helpful faster than ~20 s").
 * Reductions made by a protection apply at once; any other change waits for the interval, and a
 * rise is taken in steps so a recovering cell is not pushed straight back over its limit.
 */
export const CVL_MAX_RISE_MV_PER_CELL = 25;

export interface CvlPacingInput {
  applied_cvl_v: number | undefined;
  cvl_changed_ms: number;
  target_cvl_v: number;
  /** The target is lower than the phase voltage because a protection asked for it. */
  protective: boolean;
  now_ms: number;
  min_interval_ms: number;
  series_cells: number;
}

export interface CvlPacingResult {
  cvl_v: number;
  /** The target differs from the result because of pacing. */
  paced: boolean;
}

/** Rounds to the 0.1 V of the 0x351 field, so invisible changes do not count as changes. */
function tenths(value: number): number {
  return Math.round(value * 10) / 10;
}

export function paceCvl(p: CvlPacingInput): CvlPacingResult {
  const target = tenths(p.target_cvl_v);
  if (p.applied_cvl_v === undefined) return { cvl_v: target, paced: false };
  const applied = tenths(p.applied_cvl_v);
  if (target === applied) return { cvl_v: applied, paced: false };
  if (target < applied && p.protective) return { cvl_v: target, paced: false };
  if (p.now_ms - p.cvl_changed_ms < p.min_interval_ms) return { cvl_v: applied, paced: true };
  const maxRise = (p.series_cells * CVL_MAX_RISE_MV_PER_CELL) / 1000;
  const next = target > applied ? Math.min(target, tenths(applied + maxRise)) : target;
  return { cvl_v: next, paced: next !== target };
}
