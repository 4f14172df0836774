/** The in-memory UART cable: delivery through the clock, wire time, order, flush and unplugging. */
import { createSerialLink } from '../../../hosts/mocks/serial_link';
import { VirtualClock } from '../../../hosts/mocks/virtual_clock';

function setup(options: { baud?: number; latencyMs?: number } = {}) {
  const clock = new VirtualClock();
  const link = createSerialLink({ clock, ...options });
  const atDevice: number[][] = [];
  const atGateway: number[][] = [];
  link.device.onReceive((bytes) => atDevice.push(Array.from(bytes)));
  link.gateway.onReceive((bytes) => atGateway.push(Array.from(bytes)));
  return { clock, link, atDevice, atGateway };
}

describe('createSerialLink', () => {
  it('never delivers inside write(); bytes arrive after the clock moves', () => {
    const { clock, link, atDevice } = setup();
    link.gateway.write(Uint8Array.of(0xaa, 0x18));
    expect(atDevice).toEqual([]);
    clock.advance(5);
    expect(atDevice).toEqual([[0xaa, 0x18]]);
  });

  it('takes the wire time of 10 bits per byte: 1152 bytes at 115200 baud need 100 ms', () => {
    const { clock, link, atGateway } = setup({ latencyMs: 0 });
    link.device.write(new Uint8Array(1152));
    clock.advance(99);
    expect(atGateway).toEqual([]);
    clock.advance(1);
    expect(atGateway.flat()).toHaveLength(1152);
  });

  it('keeps chunks in order even when a short chunk follows a long one', () => {
    const { clock, link, atDevice } = setup();
    link.gateway.write(new Uint8Array(300).fill(1));
    link.gateway.write(Uint8Array.of(2));
    link.gateway.write(Uint8Array.of(3, 4));
    clock.advance(100);
    expect(atDevice.flat()).toEqual([...new Array(300).fill(1), 2, 3, 4]);
  });

  it('copies the bytes, so the writer may reuse its buffer', () => {
    const { clock, link, atDevice } = setup();
    const buffer = Uint8Array.of(1, 2, 3);
    link.gateway.write(buffer);
    buffer.fill(9);
    clock.advance(5);
    expect(atDevice).toEqual([[1, 2, 3]]);
  });

  it('writeOwned() hands the bytes over as they are: the same array arrives, in order with copied chunks, counted and timed alike', () => {
    const clock = new VirtualClock();
    const link = createSerialLink({ clock });
    const arrived: Uint8Array[] = [];
    link.gateway.onReceive((bytes) => arrived.push(bytes));
    const owned = Uint8Array.of(0xaa, 0x03);
    const copied = Uint8Array.of(5);
    link.device.writeOwned(owned);
    link.device.write(copied);
    expect(arrived).toEqual([]);
    clock.advance(5);
    expect(arrived[0]).toBe(owned);
    expect(arrived[1]).not.toBe(copied);
    expect(arrived.map((bytes) => Array.from(bytes))).toEqual([[0xaa, 0x03], [5]]);
    expect(link.counters.deviceToGatewayBytes).toBe(3);
    link.setConnected(false);
    link.device.writeOwned(Uint8Array.of(1, 2));
    expect(link.counters.droppedBytes).toBe(2);
  });

  it('flush() drops what is still on its way to that end only', () => {
    const { clock, link, atDevice, atGateway } = setup();
    link.device.write(Uint8Array.of(7, 7));
    link.gateway.write(Uint8Array.of(8));
    link.gateway.flush!();
    clock.advance(10);
    expect(atGateway).toEqual([]);
    expect(atDevice).toEqual([[8]]);
    expect(link.counters.droppedBytes).toBe(2);
    link.device.write(Uint8Array.of(9));
    clock.advance(10);
    expect(atGateway).toEqual([[9]]);
  });

  it('an unplugged cable loses bytes in flight and new ones, and works again when plugged in', () => {
    const { clock, link, atDevice } = setup();
    link.gateway.write(Uint8Array.of(1));
    link.setConnected(false);
    link.gateway.write(Uint8Array.of(2));
    clock.advance(10);
    expect(atDevice).toEqual([]);
    expect(link.counters.droppedBytes).toBe(2);
    link.setConnected(true);
    link.gateway.write(Uint8Array.of(3));
    clock.advance(10);
    expect(atDevice).toEqual([[3]]);
    expect(link.counters.gatewayToDeviceBytes).toBe(2);
  });

  it('refuses a nonsensical baud rate', () => {
    expect(() => createSerialLink({ clock: new VirtualClock(), baud: 0 })).toThrow(RangeError);
  });
});
