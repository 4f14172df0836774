/** Sets the wall clock from SNTP once the station has an address (the RTC starts at 1970). */
import SNTP from 'sntp';
import Time from 'time';
import type { LogPort } from '../../ports/log';

/** The request under way, held so it is not collected before it answers; one at a time. */
let pending: SNTP | undefined;

export function syncWallClock(host: string, log: LogPort): void {
  if (pending) return;
  try {
    pending = new SNTP({ host }, (message, value) => {
      if (message === SNTP.time && value !== undefined) {
        Time.set(value);
        log.log('info', 'host', `wall clock set from ${host}`);
      } else if (message === SNTP.error) {
        log.log('warn', 'host', `no time from ${host}; timestamps stay relative to boot until the next connection`);
      } else return; // a retry: still waiting
      pending = undefined;
    });
  } catch (error) {
    pending = undefined;
    log.log('warn', 'host', `SNTP could not start: ${String(error)}`);
  }
}
