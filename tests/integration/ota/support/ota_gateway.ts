/**
 * The web gateway of the API tests (real HTTP, the UART poller on the TinyBMS simulator, a
 * VirtualClock) with the OTA module on Node slots in a temp folder. `reboot()` plays the
 * restart into the installed image: the slots boot again from their state file and a fresh OTA
 * module takes over the web server's OTA service, as the new firmware would.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createNodeCrypto } from '../../../../hosts/node/crypto';
import { NodeOtaSlots } from '../../../../hosts/node/ota_slots';
import { OtaUpdate, otaWebService, type OtaUpdateOptions } from '../../../../modules/ota_update';
import { createLogger } from '../../../../modules/util/logger';
import type { OtaService } from '../../../../modules/web_server/services';
import { startWebGateway, type WebGateway, type WebGatewayOptions } from '../../web/support/web_gateway';

export const FACTORY_VERSION = '1.0.0-factory';

export interface OtaGateway {
  gw: WebGateway;
  slots: NodeOtaSlots;
  ota: OtaUpdate;
  restarts: number;
  slotFiles(): string[];
  reboot(): void;
  close(): Promise<void>;
}

export async function startOtaGateway(options: OtaUpdateOptions, server: WebGatewayOptions['server'] = {}): Promise<OtaGateway> {
  const dir = mkdtempSync(join(tmpdir(), 'tinybms-ota-http-'));
  let service: OtaService | undefined;
  // The web server keeps one service object; it forwards to whichever OTA module is current.
  const forwarding: OtaService = {
    upload: (upload) => service!.upload(upload),
    status: () => service!.status!(),
  };
  const gw = await startWebGateway({ services: () => ({ ota: forwarding }), server });
  const crypto = createNodeCrypto();
  const state = { restarts: 0 } as OtaGateway;
  const boot = () => {
    state.slots = NodeOtaSlots.boot({ dir, factoryVersion: FACTORY_VERSION, clock: gw.clock, restart: () => state.restarts++ });
    state.ota = new OtaUpdate(
      { host: { clock: gw.clock, crypto, ota: state.slots }, bus: gw.bus, logger: (tag) => createLogger({ log: (level, t, m) => gw.logLines.push(`${level} ${t} ${m}`) }, tag) },
      options,
    );
    state.ota.start();
    service = otaWebService(state.ota);
  };
  boot();
  return Object.assign(state, {
    gw,
    slotFiles: () => readdirSync(dir).sort(),
    reboot: () => {
      state.ota.stop();
      boot();
    },
    close: async () => {
      state.ota.stop();
      await gw.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}
