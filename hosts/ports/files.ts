export interface FileInfo {
  name: string;
  size: number;
}

/**
 * Flat file storage for history (LittleFS on the ESP32, a folder on Node). Paths are relative,
 * '/'-separated, and never contain '..'. Every method throws on I/O failure.
 */
export interface FileStore {
  append(path: string, text: string): void;
  /** Whole file as text, or undefined when it does not exist. */
  read(path: string): string | undefined;
  /** Files directly inside `dir`, any order. */
  list(dir: string): FileInfo[];
  delete(path: string): void;
  /** Bytes still free, when the host knows. */
  freeBytes?(): number | undefined;
}
