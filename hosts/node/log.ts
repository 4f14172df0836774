/** LogPort for a terminal: one line per message, level-filtered, errors and warnings to stderr. */
import { LOG_LEVELS, type LogLevel, type LogPort } from '../ports/log';

export interface ConsoleLogOptions {
  minimumLevel?: LogLevel;
  /** Where lines go; defaults to stdout (debug, info) and stderr (warn, error). */
  write?(level: LogLevel, line: string): void;
  /** Wall clock for the timestamp; defaults to Date.now. */
  wallTime?(): number;
}

function defaultWrite(level: LogLevel, line: string): void {
  (level === 'warn' || level === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
}

export class ConsoleLog implements LogPort {
  #minimum: number;
  #write: (level: LogLevel, line: string) => void;
  #wallTime: () => number;

  constructor(options: ConsoleLogOptions = {}) {
    this.#minimum = LOG_LEVELS.indexOf(options.minimumLevel ?? 'info');
    this.#write = options.write ?? defaultWrite;
    this.#wallTime = options.wallTime ?? Date.now;
  }

  setMinimumLevel(level: LogLevel): void {
    this.#minimum = LOG_LEVELS.indexOf(level);
  }

  log(level: LogLevel, tag: string, message: string): void {
    if (LOG_LEVELS.indexOf(level) < this.#minimum) return;
    const stamp = new Date(this.#wallTime()).toISOString();
    this.#write(level, `${stamp} ${level.toUpperCase().padEnd(5)} [${tag}] ${message}`);
  }
}

export function parseLogLevel(text: string | undefined, fallback: LogLevel = 'info'): LogLevel {
  return LOG_LEVELS.includes(text as LogLevel) ? (text as LogLevel) : fallback;
}
