import type { WebSocketConnection } from '../../../hosts/ports/http';
import { createGateway } from '../../../modules/gateway/gateway';
import { createScenarioHost } from '../../xs/scenario/scenario_host';

/** Frame monitors cost a bus event per frame: the gateway raises them only while a client watches (issue 13). */
describe('UART and CAN frame events only while a WebSocket client listens', () => {
  it('subscribes on the first client, delivers frames, and unsubscribes when the last one leaves', () => {
    const { host, clock, simulator, can } = createScenarioHost();
    const gateway = createGateway(host, { web: { port: 80, telemetryPeriodMs: 1000 } });
    simulator.start();
    gateway.start();
    clock.advance(3000);
    expect(gateway.bus.subscriberCount('can.frame')).toBe(0);
    expect(gateway.bus.subscriberCount('uart.frame')).toBe(0);
    const before = gateway.bus.metrics().published;
    clock.advance(3000);
    const published = gateway.bus.metrics().published - before;
    expect(can.transmittedTotal).toBeGreaterThan(10);

    const received: string[] = [];
    let closed = false;
    const connection: WebSocketConnection = { send: (text) => void received.push(text), bufferedAmount: () => 0, close: () => void (closed = true) };
    const session = gateway.web!.handleWebSocket({ method: 'GET', url: '/ws/can', headers: { host: 'gateway' }, remoteAddress: '10.0.0.2' });
    session!.open(connection);
    expect(gateway.bus.subscriberCount('can.frame')).toBe(1);
    const uartSession = gateway.web!.handleWebSocket({ method: 'GET', url: '/ws/uart', headers: { host: 'gateway' }, remoteAddress: '10.0.0.3' });
    const uartReceived: string[] = [];
    uartSession!.open({ send: (text) => void uartReceived.push(text), bufferedAmount: () => 0, close: () => undefined });
    expect(gateway.bus.subscriberCount('uart.frame')).toBe(1);
    clock.advance(3000);
    expect(received.some((text) => JSON.parse(text).type === 'can')).toBe(true);
    expect(uartReceived.some((text) => JSON.parse(text).type === 'uart')).toBe(true);
    // With listeners, each frame is an event: more published than in the quiet 3 s.
    const withListeners = gateway.bus.metrics().published;
    expect(withListeners - before - published).toBeGreaterThan(published);

    session!.closed?.();
    expect(gateway.bus.subscriberCount('can.frame')).toBe(0);
    expect(gateway.bus.subscriberCount('uart.frame')).toBe(1);
    expect(closed).toBe(false);
    gateway.stop();
    simulator.stop();
    expect(gateway.bus.subscriberCount('uart.frame')).toBe(0);
  });
});
