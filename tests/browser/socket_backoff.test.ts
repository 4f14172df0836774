/**
 * The UI's live socket without a browser (a stand-in WebSocket class, fake timers): the backoff
 * keeps growing while the gateway accepts and closes at once (full: 1013), and starts afresh
 * only after a connection that lasted; a signed-in socket carries a ticket.
 */
// The store module's hook is not used here; a stand-in keeps Preact's ESM build out of jest.
jest.mock('preact/hooks', () => ({ useEffect: () => undefined, useState: (v: unknown) => [v, () => undefined] }));

import { auth } from '../../web/src/api/auth';
import { backoffDelay, BACKOFF_START_MS, MAX_BACKOFF_MS, openLiveSocket, STABLE_AFTER_MS } from '../../web/src/api/socket';

class FakeSocket {
  static made: FakeSocket[] = [];
  static readonly OPEN = 1;
  readyState = 0;
  url: string;
  sent: string[] = [];
  onopen: (() => void) | null = null;
  onclose: ((event: { code: number }) => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  constructor(url: string) {
    this.url = url;
    FakeSocket.made.push(this);
  }
  open(): void {
    this.readyState = 1;
    this.onopen?.();
  }
  send(text: string): void {
    this.sent.push(text);
  }
  close(code = 1000): void {
    this.readyState = 3;
    this.onclose?.({ code });
  }
}

const flush = async () => {
  for (let i = 0; i < 5; i++) await Promise.resolve();
};

describe('live socket backoff', () => {
  beforeEach(() => {
    jest.useFakeTimers();
    FakeSocket.made = [];
    Object.assign(globalThis, { WebSocket: FakeSocket, location: { protocol: 'http:', host: 'gw.local' } });
    jest.spyOn(Math, 'random').mockReturnValue(0.5); // no jitter
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
    auth.set({ header: null, username: null, error: null });
  });

  it('delays grow 1, 2, 4 … 30 s and at least 5 s after 1013 or 1008', () => {
    expect([0, 1, 2, 3, 4, 5, 6].map((n) => backoffDelay(n, 1006, () => 0.5))).toEqual([1000, 2000, 4000, 8000, 16000, 30000, 30000]);
    expect(backoffDelay(0, 1013, () => 0.5)).toBe(5000);
    expect(backoffDelay(0, 1013, () => 0)).toBe(4000);
    expect(backoffDelay(0, 1013, () => 1)).toBe(6000);
    expect(BACKOFF_START_MS).toBe(1000);
    expect(MAX_BACKOFF_MS).toBe(30_000);
  });

  it('does not reset the backoff when the gateway accepts and closes at once', async () => {
    const socket = openLiveSocket('/ws/telemetry', () => {});
    await flush();
    const gaps: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      const current = FakeSocket.made.at(-1)!;
      current.open();
      current.close(1006); // accepted, then gone at once
      const before = FakeSocket.made.length;
      let waited = 0;
      while (FakeSocket.made.length === before) {
        jest.advanceTimersByTime(100);
        waited += 100;
        await flush();
      }
      gaps.push(waited);
    }
    expect(gaps).toEqual([1000, 2000, 4000, 8000]);
    // A connection that lasts starts the backoff afresh.
    const lasting = FakeSocket.made.at(-1)!;
    lasting.open();
    jest.advanceTimersByTime(STABLE_AFTER_MS);
    expect(lasting.sent).toEqual([]); // pings come every 20 s
    jest.advanceTimersByTime(20_000 - STABLE_AFTER_MS);
    expect(lasting.sent).toEqual(['{"type":"ping"}']);
    lasting.close(1006);
    const before = FakeSocket.made.length;
    jest.advanceTimersByTime(1000);
    await flush();
    expect(FakeSocket.made.length).toBe(before + 1);
    socket.stop();
  });

  it('connects with a ticket when signed in, and reconnects when the login changes', async () => {
    const fetchMock = jest.fn(async () => ({ ok: true, status: 200, text: async () => JSON.stringify({ ticket: 'abc123', expires_in_s: 30 }) }));
    Object.assign(globalThis, { fetch: fetchMock });
    const socket = openLiveSocket('/ws/events', () => {});
    await flush();
    expect(FakeSocket.made[0].url).toBe('ws://gw.local/ws/events');
    auth.set({ header: 'Basic YWRtaW46eA==', username: 'admin', error: null });
    await flush();
    await flush();
    expect(FakeSocket.made.at(-1)!.url).toBe('ws://gw.local/ws/events?ticket=abc123');
    expect(fetchMock).toHaveBeenCalledWith('/api/security/ws-ticket', expect.objectContaining({ headers: expect.objectContaining({ Authorization: 'Basic YWRtaW46eA==' }) }));
    socket.stop();
  });
});
