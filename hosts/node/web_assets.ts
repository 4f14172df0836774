/**
 * Loads the built web UI (build/web/ from `npm run build:web`, scripts/build-web.ts) into the
 * web server's asset table. With the build's manifest.json, each listed file is served from its
 * gzipped copy with the manifest's ETag and content type. Without a manifest the folder is
 * scanned: `name.gz` is served as `name` (Content-Encoding: gzip) and wins over a plain `name`.
 * No index.html at all: undefined, and the core serves a page saying how to build the UI.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import type { CryptoPort } from '../ports/crypto';
import { type AssetTable, type WebAsset, createAsset } from '../../modules/web_server/assets';

export const DEFAULT_WEB_BUILD_DIR = 'build/web';

interface ManifestEntry {
  etag?: string;
  content_type?: string;
  gzip_file?: string;
}

const readBytes = (file: string) => {
  const buffer = fs.readFileSync(file);
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
};

/** Clients that do not take gzip get the inflated bytes, made once on first use. */
function withIdentity(asset: WebAsset): WebAsset {
  if (asset.encoding !== 'gzip') return asset;
  let plain: Uint8Array | undefined;
  asset.identity = () => {
    if (!plain) {
      const inflated = zlib.gunzipSync(asset.body);
      plain = new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.length);
    }
    return plain;
  };
  return asset;
}

function filesUnder(root: string, relative = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...filesUnder(root, child));
    else if (entry.isFile()) out.push(child);
  }
  return out;
}

function fromManifest(directory: string, files: Record<string, ManifestEntry>, crypto: Pick<CryptoPort, 'sha256'>): Map<string, WebAsset> {
  const table = new Map<string, WebAsset>();
  for (const [name, entry] of Object.entries(files)) {
    const servedAs = `/${name}`;
    const gzipped = entry.gzip_file !== undefined && fs.existsSync(path.join(directory, entry.gzip_file));
    const asset = createAsset(crypto, servedAs, readBytes(path.join(directory, gzipped ? (entry.gzip_file as string) : name)), gzipped ? 'gzip' : undefined);
    if (entry.etag) asset.etag = entry.etag;
    if (entry.content_type) asset.contentType = entry.content_type;
    table.set(servedAs, withIdentity(asset));
  }
  return table;
}

function fromFolder(directory: string, crypto: Pick<CryptoPort, 'sha256'>): Map<string, WebAsset> {
  const table = new Map<string, WebAsset>();
  const files = filesUnder(directory);
  for (const file of files) {
    const gzipped = file.endsWith('.gz');
    if (!gzipped && files.includes(`${file}.gz`)) continue;
    const servedAs = `/${gzipped ? file.slice(0, -3) : file}`;
    table.set(servedAs, withIdentity(createAsset(crypto, servedAs, readBytes(path.join(directory, file)), gzipped ? 'gzip' : undefined)));
  }
  return table;
}

export function loadWebAssets(directory: string, crypto: Pick<CryptoPort, 'sha256'>): AssetTable | undefined {
  const manifestPath = path.join(directory, 'manifest.json');
  let table: Map<string, WebAsset>;
  if (fs.existsSync(manifestPath)) {
    const manifest = JSON.parse(fs.readFileSync(manifestPath, 'utf8')) as { files?: Record<string, ManifestEntry> };
    table = fromManifest(directory, manifest.files ?? {}, crypto);
  } else if (fs.existsSync(directory)) {
    table = fromFolder(directory, crypto);
  } else {
    return undefined;
  }
  return table.has('/index.html') ? table : undefined;
}
