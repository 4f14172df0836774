/** Failures a uart_bms transaction can end with; each names what went wrong in plain words. */
import type { NackReason } from './responses';
import type { SettingsError } from './settings';

/** No acceptable answer after every attempt (wake-up retry and retries included). */
export class UartTimeoutError extends Error {
  override name = 'UartTimeoutError';
}

/** The BMS answered with a NACK. `command_error` is final; `crc_error` was retried first. */
export class UartNackError extends Error {
  override name = 'UartNackError';
  readonly command: number;
  readonly reason: NackReason;
  constructor(label: string, command: number, reason: NackReason) {
    super(`${label}: the BMS refused the request (${reason.replace('_', ' ')})`);
    this.command = command;
    this.reason = reason;
  }
}

/** The serial port refused the request bytes (driver error); not retried. */
export class UartWriteError extends Error {
  override name = 'UartWriteError';
}

/** The poller was stopped while the transaction waited or ran. */
export class UartStoppedError extends Error {
  override name = 'UartStoppedError';
}

/** Too many transactions already queued; nothing was sent. */
export class UartQueueFullError extends Error {
  override name = 'UartQueueFullError';
}

/** Bad arguments (address, count); nothing was sent. */
export class UartRequestError extends RangeError {
  override name = 'UartRequestError';
}

/** A settings write refused before anything was sent: every reason is listed. */
export class SettingsRejectedError extends Error {
  override name = 'SettingsRejectedError';
  readonly errors: SettingsError[];
  constructor(errors: SettingsError[]) {
    super(`settings write refused: ${errors.map((e) => e.message).join('; ')}`);
    this.errors = errors;
  }
}
