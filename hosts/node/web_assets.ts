/**
 * Loads the built web UI (build/web/ from `npm run build:web`) into the web server's asset
 * table. A file `name.gz` is served as `name` with Content-Encoding: gzip and wins over a plain
 * `name` beside it. No folder, or no index.html in it: undefined, and the core serves a page
 * saying how to build the UI.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CryptoPort } from '../ports/crypto';
import { type AssetTable, type WebAsset, createAsset } from '../../modules/web_server/assets';

export const DEFAULT_WEB_BUILD_DIR = 'build/web';

function filesUnder(root: string, relative = ''): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(root, relative), { withFileTypes: true })) {
    const child = relative ? `${relative}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...filesUnder(root, child));
    else if (entry.isFile()) out.push(child);
  }
  return out;
}

export function loadWebAssets(directory: string, crypto: Pick<CryptoPort, 'sha256'>): AssetTable | undefined {
  if (!fs.existsSync(path.join(directory, 'index.html')) && !fs.existsSync(path.join(directory, 'index.html.gz'))) return undefined;
  const table = new Map<string, WebAsset>();
  const files = filesUnder(directory);
  for (const file of files) {
    const gzipped = file.endsWith('.gz');
    const servedAs = `/${gzipped ? file.slice(0, -3) : file}`;
    if (!gzipped && files.includes(`${file}.gz`)) continue;
    const bytes = fs.readFileSync(path.join(directory, file));
    table.set(servedAs, createAsset(crypto, servedAs, new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), gzipped ? 'gzip' : undefined));
  }
  return table;
}
