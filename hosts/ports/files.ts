export interface FileInfo {
  name: string;
  size: number;
}

/**
 * Flat file storage for history (LittleFS on the ESP32, a folder on Node). Paths are relative,
 * '/'-separated, and never contain '..'. Every method throws on I/O failure.
 *
 * Large files are read with `readRange`, a bounded piece at a time: the XS heap on the ESP32 has
 * room for a few KB at once, not for a day of history. Ranges are bytes, not text, because a
 * byte range may split a multi-byte UTF-8 character, and bytes pass to HTTP bodies unchanged.
 */
export interface FileStore {
  append(path: string, text: string): void;
  /** Whole file as text, or undefined when it does not exist. For small files only (hosts may cap it). */
  read(path: string): string | undefined;
  /**
   * Up to `length` bytes starting at byte `offset`: fewer at the end of the file, none at or past
   * it; undefined when the file does not exist. RangeError for a negative or fractional offset
   * or length.
   */
  readRange(path: string, offset: number, length: number): Uint8Array | undefined;
  /** Size in bytes, or undefined when the file does not exist. */
  size(path: string): number | undefined;
  /** Files directly inside `dir`, any order. */
  list(dir: string): FileInfo[];
  delete(path: string): void;
  /** Bytes still free, when the host knows. */
  freeBytes?(): number | undefined;
}
