export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error'];

/** Leveled logger; `tag` names the module (e.g. "uart_bms"). */
export interface LogPort {
  log(level: LogLevel, tag: string, message: string): void;
}
