/** The Node host's firmware slots: files in a folder and a state file standing in for otadata. */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import { NodeOtaSlots, OTA_STATE_FILES, OtaSlotError } from '../../../hosts/node/ota_slots';

let dir: string;
let clock: VirtualClock;
let restarts: number;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'tinybms-slots-'));
  clock = new VirtualClock();
  restarts = 0;
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const boot = (slotBytes = 1000) => NodeOtaSlots.boot({ dir, factoryVersion: '1.0.0', clock, restart: () => restarts++, slotBytes });
const bytes = (n: number, fill = 7) => new Uint8Array(n).fill(fill);

function install(slots: NodeOtaSlots, version: string, image = bytes(100)): void {
  slots.begin();
  slots.write(image);
  slots.end();
  slots.activate(version);
}

describe('NodeOtaSlots', () => {
  it('starts on the factory image in slot a and writes the next image to slot b', () => {
    const slots = boot();
    expect(slots.info()).toEqual({ running: '1.0.0', pendingVerify: false, slotBytes: 1000 });
    install(slots, '2.0.0', bytes(300, 9));
    expect(readFileSync(join(dir, 'slot-b.bin'))).toEqual(Buffer.from(bytes(300, 9)));
    expect(slots.info()).toMatchObject({ running: '1.0.0', pending: '2.0.0' });
    clock.advance(1500);
    expect(restarts).toBe(1);
  });

  it('alternates slots across confirmed updates', () => {
    let slots = boot();
    install(slots, '2.0.0');
    slots = boot();
    slots.markValid();
    install(slots, '3.0.0', bytes(50, 3));
    expect(readFileSync(join(dir, 'slot-a.bin'))).toEqual(Buffer.from(bytes(50, 3)));
    slots = boot();
    expect(slots.info()).toEqual({ running: '3.0.0', previous: '2.0.0', pendingVerify: true, slotBytes: 1000 });
  });

  it('discards an aborted write and keeps no partial file', () => {
    const slots = boot();
    slots.begin();
    slots.write(bytes(10));
    slots.abort();
    slots.abort();
    expect(readdirSync(dir)).toEqual(['ota-state.json']);
    slots.begin(); // usable again
    slots.abort();
  });

  it.each<[string, (slots: NodeOtaSlots) => void, RegExp]>([
    ['a second begin', (s) => (s.begin(), s.begin()), /already being written/],
    ['a write without begin', (s) => s.write(bytes(1)), /no update in progress/],
    ['an image over the slot size', (s) => (s.begin(), s.write(bytes(600)), s.write(bytes(600))), /larger than 1000/],
    ['an announced size over the slot', (s) => s.begin(2000), /exceeds the 1000-byte slot/],
    ['fewer bytes than announced', (s) => (s.begin(10), s.write(bytes(5)), s.end()), /after 5 of 10/],
    ['activation before end', (s) => (s.begin(), s.write(bytes(5)), s.activate('x')), /end\(\) the image/],
    ['a rollback with nothing to return to', (s) => s.rollback(), /no previous image/],
  ])('refuses %s', (_what, run, message) => {
    const slots = boot();
    expect(() => run(slots)).toThrow(OtaSlotError);
    expect(() => run(boot())).toThrow(message);
    expect(slots.info().running).toBe('1.0.0');
  });

  it.each([
    ['torn JSON', '{ torn'],
    ['a state naming a slot that does not exist', '{"running":"c"}'],
    ['an empty file', ''],
    ['a copy whose checksum fails', JSON.stringify({ seq: 9, checksum: 1, state: { running: 'b' } })],
  ])('boots the factory slot on %s in the only state copy, and says so', (_what, text) => {
    writeFileSync(join(dir, 'ota-state.json'), text);
    const slots = boot();
    expect(slots.info()).toMatchObject({ running: '1.0.0', pendingVerify: false });
    expect(slots.problem).toBeUndefined();
    expect(slots.bootNotes.join('\n')).toMatch(/ota-state\.json (is not valid JSON|holds an unusable state|fails its checksum)[\s\S]*booted the factory slot/);
    install(slots, '2.0.0'); // updates still work
    expect(boot().info()).toMatchObject({ running: '2.0.0', pendingVerify: true });
  });

  it('falls back to the other copy when the newer one is damaged (double otadata)', () => {
    let slots = boot();
    install(slots, '2.0.0');
    slots = boot();
    slots.markValid(); // confirmed 2.0.0, written to one copy; the other holds the state before
    const copies = OTA_STATE_FILES.map((name) => JSON.parse(readFileSync(join(dir, name), 'utf8')) as { seq: number });
    const newer = copies[0].seq > copies[1].seq ? 0 : 1;
    writeFileSync(join(dir, OTA_STATE_FILES[newer]), readFileSync(join(dir, OTA_STATE_FILES[newer]), 'utf8').replace('"pendingVerify":false', '"pendingVerify":true '));
    slots = boot();
    expect(slots.bootNotes.join('\n')).toMatch(/fails its checksum[\s\S]*other, valid copy/);
    // The older copy: 2.0.0 booted and pending (one boot already), so this boot gives it up as ESP-IDF would.
    expect(slots.info().running).toBe('1.0.0');
    expect(slots.info().lastRollback).toMatchObject({ version: '2.0.0', atThisBoot: true });
  });

  it('boots without OTA when a file sits where the folder belongs, and refuses uploads with the path and fix', () => {
    rmSync(dir, { recursive: true });
    writeFileSync(dir, 'not a folder');
    try {
      const slots = boot();
      expect(slots.info()).toMatchObject({ running: '1.0.0', unavailable: expect.stringContaining(dir) });
      expect(slots.problem).toMatch(/make it a writable folder/);
      expect(() => slots.begin()).toThrow(/updates are unavailable/);
    } finally {
      rmSync(dir, { force: true });
      mkdirSync(dir);
    }
  });

  it('sweeps an upload .part left by a crash', () => {
    const slots = boot();
    slots.begin();
    slots.write(bytes(10));
    // (crash: no abort, no activate)
    expect(readdirSync(dir)).toContain('slot-b.bin.part');
    const next = boot();
    expect(readdirSync(dir)).not.toContain('slot-b.bin.part');
    expect(next.bootNotes).toContain('removed slot-b.bin.part left by an interrupted write');
  });

  it('raises the security floor when an image is confirmed, not before', () => {
    let slots = boot();
    slots.begin();
    slots.write(bytes(10));
    slots.end();
    slots.activate('2.0.0', 3);
    slots = boot();
    expect(slots.info().securityFloor).toBeUndefined();
    slots.markValid();
    expect(slots.info().securityFloor).toBe(3);
    expect(boot().info().securityFloor).toBe(3);
  });

  it('keeps the state file whole: no temporary file left after saves', () => {
    const slots = boot();
    install(slots, '2.0.0');
    boot().rollback();
    expect(readdirSync(dir).sort()).toEqual(['ota-state-b.json', 'ota-state.json', 'slot-b.bin']);
    expect(boot().info()).toMatchObject({ running: '1.0.0', pendingVerify: false });
  });
});
