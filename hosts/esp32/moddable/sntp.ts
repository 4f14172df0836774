/** Sets the wall clock from SNTP once the station has an address (the RTC starts at 1970). */
import SNTP from 'sntp';
import Time from 'time';
import type { LogPort } from '../../ports/log';

export function syncWallClock(host: string, log: LogPort): void {
  try {
    new SNTP({ host }, (message, value) => {
      if (message === SNTP.time && value !== undefined) {
        Time.set(value);
        log.log('info', 'host', `wall clock set from ${host}`);
      } else if (message === SNTP.error) {
        log.log('warn', 'host', `no time from ${host}; timestamps stay relative to boot until the next connection`);
      }
    });
  } catch (error) {
    log.log('warn', 'host', `SNTP could not start: ${String(error)}`);
  }
}
