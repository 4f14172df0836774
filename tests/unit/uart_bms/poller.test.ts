/** UartBmsPoller on the virtual clock against a scripted fake TinyBMS. */
import { UartWriteError, UartNackError, UartQueueFullError, UartRequestError, UartStoppedError, UartTimeoutError, SettingsRejectedError } from '../../../modules/uart_bms/errors';
import { UartBmsPoller } from '../../../modules/uart_bms/poller';
import { encodeResponse } from '../../../modules/uart_bms/responses';
import { fromHex, toHex } from '../../../modules/util/hex';
import { CLARK_VERSION } from './support/clark';
import { createPollerContext } from './support/context';

function setup(config = {}) {
  const t = createPollerContext(config);
  const poller = new UartBmsPoller(t.ctx);
  return { ...t, poller };
}

/** Attaches handlers at once, so a rejection during `run()` is not reported as unhandled. */
function outcome<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  return Promise.allSettled([promise]).then(([result]) => result);
}

async function rejection(result: Promise<PromiseSettledResult<unknown>>): Promise<unknown> {
  const settled = await result;
  if (settled.status !== 'rejected') throw new Error(`expected a rejection, got ${JSON.stringify(settled.value)}`);
  return settled.reason;
}

const POLL = { kind: 'read_holding_registers', address: 0, count: 56 };

describe('polling', () => {
  it('reads registers 0–55 with one Modbus request and publishes the decoded live data', async () => {
    const { poller, bms, run, events } = setup();
    poller.start();
    await run(10);
    expect(bms.requests).toEqual([POLL]);
    expect(toHex(bms.wire[0].bytes, ' ')).toBe('AA 03 00 00 00 38 5D C3');
    const [data] = events('bms.data');
    expect(data).toMatchObject({ data_valid: true, pack_voltage_v: 55.78, cell_count: 14, state_of_charge_pct: 83.554824, online_status: 'idle', timestamp_ms: 5 });
    expect(events('bms.link')).toEqual([{ online: true, reason: 'poll answered' }]);
    expect(poller.metrics()).toMatchObject({ polls: 1, polls_ok: 1, good_frames: 1, requests_sent: 1, crc_errors: 0, timeouts: 0, last_frame_ms: 5, online: true });
  });

  it('publishes every request and every received frame as uart.frame', async () => {
    const { poller, run, events } = setup();
    poller.start();
    await run(10);
    const frames = events('uart.frame');
    expect(frames.map((f) => f.direction)).toEqual(['tx', 'rx']);
    expect(frames[1].bytes.length).toBe(5 + 2 * 56);
    expect(frames[1].timestamp_ms).toBe(5);
  });

  it('polls at the configured interval and applies a new interval from config.updated', async () => {
    const { poller, bms, run, setBmsConfig } = setup({ poll_interval_ms: 1000 });
    poller.start();
    await run(3001);
    expect(bms.wire.filter((w) => w.direction === 'tx').map((w) => w.at)).toEqual([0, 1000, 2000, 3000]);
    setBmsConfig({ poll_interval_ms: 250 });
    await run(1000);
    expect(bms.wire.filter((w) => w.direction === 'tx').map((w) => w.at).slice(4)).toEqual([3250, 3500, 3750, 4000]);
  });

  it('clamps an interval outside 100–10000 ms and says so', async () => {
    const { poller, bms, run, logs } = setup({ poll_interval_ms: 20 });
    poller.start();
    await run(301);
    expect(bms.wire.filter((w) => w.direction === 'tx').map((w) => w.at)).toEqual([0, 100, 200, 300]);
    expect(logs.some((l) => l.level === 'warn' && /20 ms is outside 100–10000 ms; using 100 ms/.test(l.message))).toBe(true);
  });

  it('wakes a sleeping BMS: no byte back → sends the same request again at once, without using a retry', async () => {
    const { poller, bms, run, events } = setup({ response_timeout_ms: 100 });
    bms.asleep = true;
    poller.start();
    await run(120);
    expect(bms.wire.filter((w) => w.direction === 'tx').map((w) => w.at)).toEqual([0, 100]);
    expect(events('bms.data')).toHaveLength(1);
    expect(poller.metrics()).toMatchObject({ wakeups: 1, timeouts: 0, retries: 0, polls_ok: 1 });
  });

  it('after the wake-up and every retry stay silent: one failed poll, link down, stale data marked invalid', async () => {
    const { poller, bms, run, events } = setup({ response_timeout_ms: 100, retries: 2 });
    poller.start();
    await run(10);
    expect(events('bms.data')[0].data_valid).toBe(true);
    bms.script = [{ type: 'silent' }, { type: 'silent' }, { type: 'silent' }, { type: 'silent' }];
    await run(1000 - 10 + 400 + 1);
    // 1000: first try, 1100: wake-up resend, 1200 and 1300: the two retries, 1400: give up.
    expect(bms.wire.filter((w) => w.direction === 'tx').map((w) => w.at)).toEqual([0, 1000, 1100, 1200, 1300]);
    expect(poller.metrics()).toMatchObject({ polls: 2, polls_failed: 1, wakeups: 1, timeouts: 3, retries: 2, consecutive_failures: 1, online: false });
    expect(events('bms.link')).toEqual([
      { online: true, reason: 'poll answered' },
      { online: false, reason: expect.stringContaining('no valid answer within 100 ms') },
    ]);
    const stale = events('bms.data')[1];
    expect(stale).toMatchObject({ data_valid: false, timestamp_ms: 5, pack_voltage_v: 55.78 });
    expect(String(poller.metrics().last_error)).toMatch(/poll: no valid answer/);
  });

  it('publishes no data at all when the very first poll fails', async () => {
    const { poller, bms, run, events } = setup({ retries: 0 });
    bms.script = [{ type: 'silent' }, { type: 'silent' }];
    poller.start();
    await run(250);
    expect(events('bms.data')).toEqual([]);
    expect(events('bms.link')).toEqual([{ online: false, reason: expect.any(String) }]);
  });

  it('reports the link up again when the BMS answers after an outage, once per change', async () => {
    const { poller, bms, run, events } = setup({ retries: 0 });
    poller.start();
    await run(10);
    bms.script = [{ type: 'silent' }, { type: 'silent' }, { type: 'silent' }, { type: 'silent' }];
    await run(2200);
    await run(1000);
    expect(events('bms.link').map((e) => e.online)).toEqual([true, false, true]);
    expect(poller.metrics()).toMatchObject({ polls_failed: 2, consecutive_failures: 0, online: true });
  });

  it('counts a CRC error and retries; bytes arrived, so it is a retry, not a wake-up', async () => {
    const { poller, bms, run, events } = setup();
    bms.script = [{ type: 'corrupt' }];
    poller.start();
    await run(120);
    expect(poller.metrics()).toMatchObject({ crc_errors: 1, retries: 1, wakeups: 0, timeouts: 1, polls_ok: 1 });
    expect(events('bms.data')).toHaveLength(1);
  });

  it('times each poll cycle from request to decoded data, the wait for a retry included', async () => {
    const { poller, bms, run } = setup();
    bms.script = [{ type: 'answer' }, { type: 'corrupt' }];
    poller.start();
    await run(10);
    expect(poller.metrics()).toMatchObject({ cycles_total: 1, cycle_last_ms: 5, cycle_max_ms: 5 });
    await run(1_200);
    // The corrupted answer is waited out (100 ms timeout), then the retry is answered after 5 ms.
    expect(poller.metrics()).toMatchObject({ cycles_total: 2, cycle_last_ms: 105, cycle_max_ms: 105, cycle_mean_ms: 55 });
  });

  it('takes a valid answer wrapped in noise and split into chunks, counting the noise', async () => {
    const { poller, bms, run, events } = setup();
    bms.script = [{ type: 'answer', before: fromHex('00 AA 55 AA 03 FF 13'), after: fromHex('AA 00'), chunkSize: 7 }];
    poller.start();
    await run(10);
    expect(events('bms.data')).toHaveLength(1);
    expect(poller.metrics()).toMatchObject({ retries: 0, crc_errors: 0, discarded_bytes: 7 });
  });

  it('retries after garbage that holds no frame', async () => {
    const { poller, bms, run } = setup();
    bms.script = [{ type: 'bytes', bytes: fromHex('01 02 03 04 05') }];
    poller.start();
    await run(120);
    expect(poller.metrics()).toMatchObject({ retries: 1, wakeups: 0, polls_ok: 1, discarded_bytes: 5 });
  });

  it('retries after a NACK "CRC error"', async () => {
    const { poller, bms, run } = setup();
    bms.script = [{ type: 'nack', errorCode: 1 }];
    poller.start();
    await run(20);
    expect(bms.requests).toEqual([POLL, POLL]);
    expect(poller.metrics()).toMatchObject({ nacks: 1, retries: 1, polls_ok: 1, timeouts: 0 });
  });

  it('ignores an answer that arrives after its transaction gave up', async () => {
    const { poller, bms, run } = setup({ retries: 0, response_timeout_ms: 100, poll_interval_ms: 10000 });
    poller.start();
    await run(10);
    bms.script = [{ type: 'late', delayMs: 250 }, { type: 'silent' }, { type: 'late', delayMs: 80 }];
    // Sent at 10, resent (wake-up) at 110, given up at 210; its 56-register answer lands at 260…
    const late = outcome(poller.readRegisters(0, 56));
    // …while this read (sent at 210, answered at 290) waits: the stale frame must not complete it.
    const next = poller.readRegisters(300, 44);
    await run(400);
    expect(await rejection(late)).toBeInstanceOf(UartTimeoutError);
    const settings = await next;
    expect(settings).toHaveLength(44);
    expect(settings[0]).toBe(4150);
    expect(poller.metrics()).toMatchObject({ unexpected_frames: 1, wakeups: 1, timeouts: 1 });
  });

  it('fails a transaction whose bytes the serial driver refuses, and keeps polling', async () => {
    const { poller, bms, run, events } = setup({ poll_interval_ms: 10000 });
    poller.start();
    await run(10);
    const write = bms.write.bind(bms);
    bms.write = () => {
      throw new Error('UART TX FIFO full');
    };
    const read = outcome(poller.readRegisters(300, 1));
    await run(10);
    const error = await rejection(read);
    expect(error).toBeInstanceOf(UartWriteError);
    expect((error as Error).message).toMatch(/serial write failed: UART TX FIFO full/);
    bms.write = write;
    const again = poller.readRegisters(300, 1);
    await run(10);
    await expect(again).resolves.toEqual([4150]);
    expect(events('bms.link').map((e) => e.online)).toEqual([true]);
  });

  it('counts frames nobody asked for and carries on', async () => {
    const { poller, bms, run, events } = setup();
    poller.start();
    await run(10);
    bms.sendUnsolicited(encodeResponse({ kind: 'read_online_status', statusCode: 0x97 }));
    await run(1000);
    expect(poller.metrics()).toMatchObject({ unsolicited_frames: 1, polls_ok: 2 });
    expect(events('bms.data')).toHaveLength(2);
  });

  it('stops polling on stop() and fails what was waiting', async () => {
    const { poller, bms, run } = setup();
    poller.start();
    await run(10);
    bms.script = [{ type: 'silent' }];
    const pending = outcome(poller.readRegisters(300, 2));
    poller.stop();
    expect(await rejection(pending)).toBeInstanceOf(UartStoppedError);
    await run(5000);
    expect(bms.requests).toHaveLength(1);
    await expect(poller.readRegisters(0, 1)).rejects.toThrow(UartStoppedError);
    expect(poller.metrics()).toMatchObject({ running: false });
  });
});

describe('register access between polls', () => {
  it('queues a read behind the running poll: one transaction on the wire at a time', async () => {
    const { poller, bms, run } = setup();
    poller.start();
    await run(1); // the poll is on the wire, its answer due at 5
    const read = poller.readRegisters(300, 9);
    await run(20);
    await expect(read).resolves.toEqual([4150, 3000, 0, 3200, 1000, 0, 6600, 14, 15]);
    const tx = bms.wire.filter((w) => w.direction === 'tx');
    const rx = bms.wire.filter((w) => w.direction === 'rx');
    expect(bms.requests[1]).toEqual({ kind: 'read_holding_registers', address: 300, count: 9 });
    expect(tx[1].at).toBeGreaterThanOrEqual(rx[0].at);
  });

  it('writes settings with Modbus 0x10 (RevD V1 frame) and returns the read-back', async () => {
    const { poller, bms, run } = setup();
    poller.start();
    await run(10);
    // Already cross-checked (as the web route does for a whole batch): the write goes out first.
    const written = poller.writeRegisters(315, [4200, 2500], { crossChecked: true });
    await run(40);
    await expect(written).resolves.toEqual([4200, 2500]);
    const tx = bms.wire.filter((w) => w.direction === 'tx').map((w) => toHex(w.bytes, ' '));
    expect(tx[1]).toBe('AA 10 01 3B 00 02 04 10 68 09 C4 19 61');
    expect(bms.requests[2]).toEqual({ kind: 'read_holding_registers', address: 315, count: 2 });
  });

  it('refuses a cut-off that would trip the BMS at once (315 = 2500 mV over 3.3 V cells), writing nothing', async () => {
    const { poller, bms, run } = setup();
    poller.start();
    await run(10);
    expect(poller.latest()?.max_cell_voltage_mv).toBeGreaterThan(2550);
    const written = poller.writeRegisters(315, [2500]);
    written.catch(() => undefined);
    await run(200);
    await expect(written).rejects.toThrow(/would trip the BMS at once/);
    await expect(written).rejects.toMatchObject({ name: 'SettingsRejectedError' });
    expect(bms.requests.some((r) => r.kind === 'write_multiple_registers')).toBe(false);
  });

  it('writes a negative INT16 setting as its two’s complement word and reads it back signed', async () => {
    const { poller, bms, run } = setup();
    poller.start();
    const written = poller.writeRegisters(320, [-10]);
    await run(40);
    await expect(written).resolves.toEqual([-10]);
    expect(bms.registers.get(320)).toBe(0xfff6);
  });

  it('returns what the BMS kept when it differs from what was written', async () => {
    const { poller, bms, run, logs } = setup();
    bms.clamps.set(318, 30);
    poller.start();
    const written = poller.writeRegisters(318, [90]);
    await run(40);
    await expect(written).resolves.toEqual([30]);
    expect(logs.some((l) => l.level === 'warn' && /read back 30 instead of 90/.test(l.message))).toBe(true);
  });

  it.each([
    [315, [5000], /outside 1200..4500/],
    [302, [1], /302 is not a writable setting/],
    [40, [3000], /40 is not a writable setting/],
    [313, [1], /write both words/],
    [343, [1, 1], /344 is not a writable setting/],
  ])('refuses a write at %i of %j before sending anything', async (address, values, reason) => {
    const { poller, bms, run } = setup();
    poller.start();
    await run(10);
    const error = await rejection(outcome(poller.writeRegisters(address, values)));
    expect(error).toBeInstanceOf(SettingsRejectedError);
    expect((error as Error).message).toMatch(reason);
    await run(20);
    expect(bms.requests).toEqual([POLL]);
  });

  it('fails at once on a NACK "command error", without retrying', async () => {
    const { poller, bms, run } = setup();
    poller.start();
    await run(10);
    bms.script = [{ type: 'nack', errorCode: 0 }];
    const read = outcome(poller.readRegisters(600, 4));
    await run(20);
    const error = await rejection(read);
    expect(error).toBeInstanceOf(UartNackError);
    expect(error).toMatchObject({ reason: 'command_error', command: 0x03 });
    expect(poller.metrics()).toMatchObject({ nacks: 1, retries: 0 });
  });

  it('sends the reset command (AA 02 05 90 83) and resolves on the ACK', async () => {
    const { poller, bms, run } = setup();
    poller.start();
    await run(10);
    const reset = poller.command('reset_bms');
    await run(20);
    await expect(reset).resolves.toBeUndefined();
    expect(toHex(bms.wire.filter((w) => w.direction === 'tx')[1].bytes, ' ')).toBe('AA 02 05 90 83');
  });

  it('reads settings 300–343 and the version registers', async () => {
    const { poller, run } = setup();
    poller.start();
    const settings = poller.readSettings();
    const version = poller.readVersion();
    await run(40);
    const map = await settings;
    expect(map.size).toBe(44);
    expect([map.get(300), map.get(307), map.get(315), map.get(319), map.get(320), map.get(328)]).toEqual([4150, 14, 4200, 60, 1, 0xffff]);
    await expect(version).resolves.toEqual(CLARK_VERSION);
  });

  it('refuses reads no Modbus request can carry', async () => {
    const { poller } = setup();
    poller.start();
    await expect(poller.readRegisters(0, 128)).rejects.toThrow(UartRequestError);
    await expect(poller.readRegisters(-1, 1)).rejects.toThrow(UartRequestError);
    await expect(poller.readRegisters(65535, 2)).rejects.toThrow(UartRequestError);
  });

  it('refuses work beyond its queue limit instead of growing without bound', async () => {
    const t = createPollerContext();
    const poller = new UartBmsPoller(t.ctx, { maxQueued: 2 });
    poller.start();
    const reads = Promise.allSettled([0, 1, 2, 3].map(() => poller.readRegisters(0, 1)));
    await t.run(100);
    const settled = await reads;
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'rejected']);
    expect((settled[2] as PromiseRejectedResult).reason).toBeInstanceOf(UartQueueFullError);
  });
});
