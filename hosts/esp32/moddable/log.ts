/** LogPort on `trace`: one line per message, below a minimum level dropped. */
import { LOG_LEVELS, type LogLevel, type LogPort } from '../../ports/log';

export class TraceLog implements LogPort {
  minimumLevel: LogLevel;
  #clock: () => number;

  constructor(minimumLevel: LogLevel, clock: () => number) {
    this.minimumLevel = minimumLevel;
    this.#clock = clock;
  }

  log(level: LogLevel, tag: string, message: string): void {
    if (LOG_LEVELS.indexOf(level) < LOG_LEVELS.indexOf(this.minimumLevel)) return;
    trace(`${(this.#clock() / 1000).toFixed(3)} ${level.toUpperCase()} [${tag}] ${message}\n`);
  }
}

/** Readable text for anything thrown. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ? `${error.message}\n${error.stack}` : error.message;
  return String(error);
}
