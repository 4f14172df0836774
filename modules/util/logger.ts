import type { LogLevel, LogPort } from '../../hosts/ports/log';

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

export interface Logger {
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A logger for one module tag, dropping messages below `minimum`. */
export function createLogger(port: LogPort, tag: string, minimum: () => LogLevel = () => 'info'): Logger {
  const emit = (level: LogLevel, message: string) => {
    if (RANK[level] >= RANK[minimum()]) port.log(level, tag, message);
  };
  return {
    debug: (m) => emit('debug', m),
    info: (m) => emit('info', m),
    warn: (m) => emit('warn', m),
    error: (m) => emit('error', m),
  };
}
