/**
 * The broker's side of a TCP connection, speaking through mqtt-packet's own parser and generator:
 * what the Node transport writes must parse here, and what this writes must parse there.
 */
import * as net from 'node:net';
import { generate, parser as createParser, type Packet } from 'mqtt-packet';
import { waitFor } from './wait';

export class BrokerSide {
  readonly packets: Packet[] = [];
  readonly errors: string[] = [];
  ended = false;

  constructor(readonly socket: net.Socket) {
    const parser = createParser({ protocolVersion: 4 });
    parser.on('packet', (packet: Packet) => this.packets.push(packet));
    parser.on('error', (error: Error) => this.errors.push(error.message));
    socket.on('data', (chunk: Buffer) => parser.parse(chunk));
    socket.on('close', () => (this.ended = true));
    socket.on('error', () => {});
  }

  async next<C extends Packet['cmd']>(cmd: C, index = 0): Promise<Extract<Packet, { cmd: C }>> {
    let found: Packet | undefined;
    await waitFor(() => (found = this.packets.filter((p) => p.cmd === cmd)[index]) !== undefined, `packet ${cmd} #${index}`);
    return found as Extract<Packet, { cmd: C }>;
  }

  count(cmd: Packet['cmd']): number {
    return this.packets.filter((p) => p.cmd === cmd).length;
  }

  send(packet: Packet): void {
    this.socket.write(generate(packet));
  }
}

export class FakeBroker {
  readonly connections: BrokerSide[] = [];
  #server = net.createServer((socket) => this.connections.push(new BrokerSide(socket)));

  async listen(): Promise<number> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return (this.#server.address() as net.AddressInfo).port;
  }

  async connection(index = 0): Promise<BrokerSide> {
    await waitFor(() => this.connections[index] !== undefined, `connection #${index}`);
    return this.connections[index];
  }

  async close(): Promise<void> {
    for (const side of this.connections) side.socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
