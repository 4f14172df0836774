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
