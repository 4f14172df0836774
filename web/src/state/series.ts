/** Fixed-length time series in uPlot's column layout (x in seconds, then one column per value). */
export class TimeSeries {
  readonly #capacity: number;
  readonly #columns: number[][];

  constructor(valueCount: number, capacity: number) {
    this.#capacity = capacity;
    this.#columns = Array.from({ length: valueCount + 1 }, () => []);
  }

  /** Appends one row; the oldest row goes once the series is full. */
  push(timeS: number, values: number[]): void {
    const columns = this.#columns;
    columns[0].push(timeS);
    for (let i = 1; i < columns.length; i++) columns[i].push(values[i - 1] ?? NaN);
    if (columns[0].length > this.#capacity) for (const column of columns) column.shift();
  }

  /** Puts older rows (e.g. from stored history) in front; rows not older than the first one held are skipped. */
  prepend(rows: readonly { timeS: number; values: number[] }[]): void {
    const first = this.#columns[0][0] ?? Infinity;
    const older = rows.filter((row) => row.timeS < first).sort((a, b) => a.timeS - b.timeS);
    const room = Math.max(0, this.#capacity - this.length);
    const kept = older.slice(Math.max(0, older.length - room));
    this.#columns[0].unshift(...kept.map((row) => row.timeS));
    for (let i = 1; i < this.#columns.length; i++) this.#columns[i].unshift(...kept.map((row) => row.values[i - 1] ?? NaN));
  }

  /** Drops rows older than `timeS`. */
  trimBefore(timeS: number): void {
    const times = this.#columns[0];
    let drop = 0;
    while (drop < times.length && times[drop] < timeS) drop++;
    if (drop > 0) for (const column of this.#columns) column.splice(0, drop);
  }

  get length(): number {
    return this.#columns[0].length;
  }

  /** The columns themselves (read-only by convention; uPlot copies nothing). */
  columns(): number[][] {
    return this.#columns;
  }
}
