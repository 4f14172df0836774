/** What a Moddable platform host module ("gateway/host" in manifest.json) gives main.ts. */
import type { Host } from '../../host';
import type { HostSettings } from './settings';

export interface PlatformHost {
  host: Host;
  settings: HostSettings;
}

export type PlatformHostFactory = () => PlatformHost;
