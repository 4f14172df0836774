/**
 * The web UI as an asset table (path → bytes, content type, encoding, ETag), served with
 * ETag / If-None-Match revalidation. Hosts fill the table: Node from build/web/, the ESP32 from
 * data embedded by the manifest. Without a built UI a plain page says how to build it.
 */
import type { CryptoPort } from '../../hosts/ports/crypto';
import type { HttpResponse } from '../../hosts/ports/http';
import { toHex } from '../util/hex';
import { utf8Encode } from '../util/utf8';
import { JSON_TYPE } from './responses';

export interface WebAsset {
  contentType: string;
  body: Uint8Array;
  /** 'gzip' when `body` is gzip-compressed (served with Content-Encoding: gzip). */
  encoding?: 'gzip';
  /** Strong validator, quoted as sent: "\"3f2a...\"". */
  etag: string;
  /**
   * The uncompressed bytes of a gzip asset, for clients that do not accept gzip. Hosts that can
   * inflate provide it (Node); without it such a client gets 406.
   */
  identity?: () => Uint8Array;
}

/** Keys are absolute paths ("/index.html", "/assets/app.js"). */
export type AssetTable = ReadonlyMap<string, WebAsset>;

const CONTENT_TYPES: Readonly<Record<string, string>> = Object.freeze({
  html: 'text/html; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
  mjs: 'text/javascript; charset=utf-8',
  css: 'text/css; charset=utf-8',
  json: JSON_TYPE,
  map: JSON_TYPE,
  webmanifest: 'application/manifest+json',
  svg: 'image/svg+xml',
  png: 'image/png',
  ico: 'image/x-icon',
  woff2: 'font/woff2',
  txt: 'text/plain; charset=utf-8',
});

export function contentTypeFor(path: string): string {
  const dotAt = path.lastIndexOf('.');
  const extension = dotAt >= 0 ? path.slice(dotAt + 1).toLowerCase() : '';
  return CONTENT_TYPES[extension] ?? 'application/octet-stream';
}

/** An ETag from the content hash: equal bytes, equal tag, across hosts and restarts. */
export function assetEtag(crypto: Pick<CryptoPort, 'sha256'>, body: Uint8Array): string {
  return `"${toHex(crypto.sha256(body).subarray(0, 12)).toLowerCase()}"`;
}

export function createAsset(crypto: Pick<CryptoPort, 'sha256'>, path: string, body: Uint8Array, encoding?: 'gzip'): WebAsset {
  const asset: WebAsset = { contentType: contentTypeFor(path), body, etag: assetEtag(crypto, body) };
  if (encoding) asset.encoding = encoding;
  return asset;
}

const MISSING_UI_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>TinyBMS-GW</title></head>
<body><h1>TinyBMS-GW</h1>
<p>The web UI has not been built. Run <code>npm run build:web</code> and restart the gateway.</p>
<p>The API answers meanwhile: <a href="/api/status">/api/status</a>.</p></body></html>
`;

/** A table holding only the "please build the UI" page. */
export function missingUiAssets(crypto: Pick<CryptoPort, 'sha256'>): AssetTable {
  return new Map([['/index.html', createAsset(crypto, '/index.html', utf8Encode(MISSING_UI_PAGE))]]);
}

/**
 * The asset for a GET path: "/" is index.html, and an extension-less path the table lacks is
 * the single-page app's own route (index.html too). Undefined when there is nothing to serve.
 */
export function resolveAsset(table: AssetTable, path: string): WebAsset | undefined {
  if (path === '/' || path.endsWith('/')) return table.get(`${path}index.html`);
  const found = table.get(path);
  if (found) return found;
  const lastSegment = path.slice(path.lastIndexOf('/') + 1);
  return lastSegment.includes('.') ? undefined : table.get('/index.html');
}

/**
 * Whether gzip may be sent (RFC 9110 §12.5.3): listed, or covered by "*", with q > 0. No header
 * at all allows any coding; `preferIdentity` then chooses plain bytes (curl without --compressed).
 */
export function gzipAccepted(acceptEncoding: string | undefined, preferIdentity = false): boolean {
  if (acceptEncoding === undefined) return !preferIdentity;
  let gzip: number | undefined;
  let any: number | undefined;
  for (const part of acceptEncoding.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    const weight = Number.isFinite(q) ? q : 0;
    if (name.trim() === 'gzip' || name.trim() === 'x-gzip') gzip = weight;
    else if (name.trim() === '*') any = weight;
  }
  return (gzip ?? any ?? 0) > 0;
}

export function assetResponse(asset: WebAsset, ifNoneMatch: string | undefined, acceptEncoding?: string): HttpResponse {
  // Revalidate every time: a 304 is cheap, and a firmware update never leaves a stale UI behind.
  const headers: Record<string, string> = { ETag: asset.etag, 'Cache-Control': 'no-cache' };
  let body = asset.body;
  let encoding = asset.encoding;
  if (encoding) {
    headers.Vary = 'Accept-Encoding';
    if (!gzipAccepted(acceptEncoding, asset.identity !== undefined)) {
      if (!asset.identity) {
        return {
          status: 406,
          headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' },
          body: 'This gateway stores its web UI gzip-compressed only; use a browser, or curl --compressed.\n',
        };
      }
      body = asset.identity();
      encoding = undefined;
      // Another representation, another strong validator.
      headers.ETag = `${asset.etag.slice(0, -1)}-identity"`;
    }
  }
  if (ifNoneMatch !== undefined && etagListMatches(ifNoneMatch, headers.ETag)) return { status: 304, headers };
  headers['Content-Type'] = asset.contentType;
  if (encoding) headers['Content-Encoding'] = encoding;
  return { status: 200, headers, body };
}

function etagListMatches(header: string, etag: string): boolean {
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}
