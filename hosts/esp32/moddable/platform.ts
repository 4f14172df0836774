/** What a Moddable platform host module ("gateway/host" in manifest.json) gives main.ts. */
import type { Host } from '../../host';
import type { FrameDecoders } from '../../../modules/web_server/services';
import type { RouteTable } from '../../../modules/web_server/router';
import type { HostSettings } from './settings';

export interface PlatformHost {
  host: Host;
  settings: HostSettings;
  /** Host-only web routes (the simulator's /api/sim/*). */
  webRoutes?: readonly RouteTable[];
  /** Decoders for the web UI's frame monitors (mcsim); the device leaves them out to keep describe.ts off flash. */
  frameDecoders?: FrameDecoders;
  /** The board's recovery button (ESP32: BOOT), for the web-login recovery window after power-up. */
  recoveryButton?: (onChange: (pressed: boolean) => void) => { close(): void };
}

export type PlatformHostFactory = () => PlatformHost;
