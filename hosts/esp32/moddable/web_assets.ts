/**
 * The web UI built by `npm run build:web`, embedded by manifest.json as data resources
 * ("web-manifest.json" and each "web-<file>.gz": mcrez keeps only a data file's base name, so a
 * "web/" folder would vanish; the key takes the source's extension), as the web server's asset table. The bytes
 * stay in flash: the table holds views on the resources. No embedded UI: undefined, and the
 * core serves its page saying how to build it.
 */
import Resource from 'Resource';
import type { CryptoPort } from '../../ports/crypto';
import { type AssetTable, type WebAsset, createAsset } from '../../../modules/web_server/assets';

interface WebBuildManifest {
  files?: Record<string, { gzip_file?: string }>;
}

export function loadEmbeddedWebAssets(crypto: Pick<CryptoPort, 'sha256'>): AssetTable | undefined {
  if (!Resource.exists('web-manifest.json')) return undefined;
  const manifest = JSON.parse(String.fromArrayBuffer(new Resource('web-manifest.json').slice(0))) as WebBuildManifest;
  const table = new Map<string, WebAsset>();
  for (const [name, entry] of Object.entries(manifest.files ?? {})) {
    const resource = `web-${entry.gzip_file ?? `${name}.gz`}`;
    if (!Resource.exists(resource)) continue;
    const body = new Uint8Array(new Resource(resource) as unknown as ArrayBuffer);
    table.set(`/${name}`, createAsset(crypto, `/${name}`, body, 'gzip'));
  }
  return table.size > 0 ? table : undefined;
}

/**
 * The OTA signing public key embedded by manifest.json as the data resource "ota-public.pem"
 * (certs/ota-public.pem; replace it with your production key before building). Without it the
 * gateway refuses every upload: the signature check cannot be switched off.
 */
export function loadEmbeddedOtaPublicKey(): string | undefined {
  if (!Resource.exists('ota-public.pem')) return undefined;
  return String.fromArrayBuffer(new Resource('ota-public.pem').slice(0));
}
