/** The Node host's firmware slots: files in a folder and a state file standing in for otadata. */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';
import { NodeOtaSlots, OtaSlotError } from '../../../hosts/node/ota_slots';

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

  it('refuses an unreadable state file with its path', () => {
    writeFileSync(join(dir, 'ota-state.json'), '{ torn');
    expect(() => boot()).toThrow(/ota-state.json is unreadable/);
  });

  it('keeps the state file whole: no temporary file left after saves', () => {
    const slots = boot();
    install(slots, '2.0.0');
    boot().rollback();
    expect(readdirSync(dir).sort()).toEqual(['ota-state.json', 'slot-b.bin']);
    expect(boot().info()).toMatchObject({ running: '1.0.0', pendingVerify: false });
  });
});
