/**
 * After an update the new image boots pending: it is confirmed only after running long enough
 * with a live BMS link, and given up otherwise (health check timeout, or a restart before
 * confirmation). Time is a VirtualClock; slots are real files.
 */
import type { LiveData } from '../../../modules/uart_bms/live_data';
import { FACTORY_VERSION, eventsNamed, startOta, type OtaHarness } from './support/ota_harness';
import { firmwareUpload, makeKeys, randomImage, sign } from './support/upload_fixtures';

const keys = makeKeys('p256');
const CONFIRM_MS = 60_000;
const ROLLBACK_MS = 300_000;

let harness: OtaHarness | undefined;
afterEach(() => {
  harness?.close();
  harness = undefined;
});

/** Installs a signed image and restarts into it; answers the new version. */
async function bootIntoNewImage(): Promise<{ h: OtaHarness; version: string }> {
  const h = startOta({ publicKeyPem: keys.publicPem, confirmAfterMs: CONFIRM_MS, rollbackAfterMs: ROLLBACK_MS });
  harness = h;
  const image = randomImage(10_000);
  const { version } = await h.ota.upload(firmwareUpload(image, sign(image, keys)));
  h.clock.advance(2_000);
  expect(h.restarts).toBe(1);
  h.reboot();
  h.events.length = 0;
  return { h, version };
}

const link = (h: OtaHarness, online: boolean) => {
  h.bus.publish('bms.link', { online, reason: online ? 'poll ok' : 'silence' });
  h.deliver();
};

describe('health check of a pending image', () => {
  it('confirms the image after the run time once the BMS link is up', async () => {
    const { h, version } = await bootIntoNewImage();
    expect(h.ota.status()).toMatchObject({ running_version: version, pending_verify: true, health_check: 'verifying' });
    h.clock.advance(5_000);
    link(h, true);
    h.clock.advance(CONFIRM_MS - 5_001);
    expect(h.slots.info().pendingVerify).toBe(true); // not before the run time
    h.clock.advance(1);
    h.deliver();
    expect(h.slots.info()).toMatchObject({ running: version, pendingVerify: false });
    expect(eventsNamed(h, 'ota.confirmed')).toEqual([{ version }]);
    expect(h.ota.status()).toMatchObject({ health_check: 'confirmed' });
    // Confirmed: later restarts stay on it, and the rollback deadline no longer applies.
    h.clock.advance(ROLLBACK_MS);
    expect(eventsNamed(h, 'ota.rolled_back')).toEqual([]);
    h.reboot();
    h.reboot();
    expect(h.slots.info()).toMatchObject({ running: version, pendingVerify: false });
  });

  it('waits past the run time for the link, and confirms when it comes', async () => {
    const { h, version } = await bootIntoNewImage();
    link(h, true);
    h.clock.advance(30_000);
    link(h, false);
    h.clock.advance(60_000);
    expect(h.slots.info().pendingVerify).toBe(true);
    expect(h.ota.status().health_detail).toMatch(/waiting for a live BMS link/);
    link(h, true);
    expect(h.slots.info().pendingVerify).toBe(false);
    expect(eventsNamed(h, 'ota.confirmed')).toEqual([{ version }]);
  });

  it('counts valid BMS data as a live link and invalid data as none', async () => {
    const { h } = await bootIntoNewImage();
    const data = (valid: boolean) => ({ data_valid: valid, timestamp_ms: h.clock.now() }) as LiveData;
    h.bus.publish('bms.data', data(false));
    h.clock.advance(CONFIRM_MS);
    expect(h.slots.info().pendingVerify).toBe(true);
    h.bus.publish('bms.data', data(true));
    h.deliver();
    expect(h.slots.info().pendingVerify).toBe(false);
  });

  it('rolls back when the BMS link never comes up, and the previous image boots', async () => {
    const { h, version } = await bootIntoNewImage();
    h.clock.advance(ROLLBACK_MS - 1);
    expect(eventsNamed(h, 'ota.rolled_back')).toEqual([]);
    h.clock.advance(1);
    h.deliver();
    expect(eventsNamed(h, 'ota.rolled_back')).toEqual([{ version, reason: 'no live BMS link within 300 s of boot' }]);
    expect(h.ota.status()).toMatchObject({ health_check: 'rolled_back' });
    expect(h.logs.some((line) => line.includes(`image ${version} failed its health check`))).toBe(true);
    h.clock.advance(2_000);
    expect(h.restarts).toBe(2);
    h.reboot();
    expect(h.slots.info()).toMatchObject({ running: FACTORY_VERSION, pendingVerify: false });
    expect(h.slots.lastRollback).toEqual({ version, reason: 'health check failed' });
  });

  it('returns to the previous image when the new one restarts before it was confirmed (a crash)', async () => {
    const { h, version } = await bootIntoNewImage();
    link(h, true);
    h.clock.advance(10_000); // crashes well before the run time
    h.reboot();
    expect(h.slots.info()).toMatchObject({ running: FACTORY_VERSION, pendingVerify: false });
    expect(h.slots.lastRollback).toEqual({ version, reason: 'restarted before it was confirmed' });
    expect(h.ota.status()).toMatchObject({ health_check: 'not_pending' });
  });

  it('does nothing for an image that is not pending', () => {
    harness = startOta({ publicKeyPem: keys.publicPem, confirmAfterMs: CONFIRM_MS, rollbackAfterMs: ROLLBACK_MS });
    harness.clock.advance(ROLLBACK_MS * 2);
    expect(harness.ota.status()).toMatchObject({ health_check: 'not_pending', running_version: FACTORY_VERSION });
    expect(harness.events).toEqual([]);
    expect(harness.restarts).toBe(0);
  });
});
