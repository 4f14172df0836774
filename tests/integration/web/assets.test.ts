/**
 * The UI files over HTTP: loaded from a built folder (with or without the build's manifest),
 * served gzipped with ETag revalidation, "/" and app routes as index.html, the "please build"
 * page without a build, and no way out of the asset table with dotted or encoded paths.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { createNodeCrypto } from '../../../hosts/node/crypto';
import { loadWebAssets } from '../../../hosts/node/web_assets';
import { startWebGateway, type WebGateway } from './support/web_gateway';

const INDEX = '<!doctype html><html><head><script type="module" src="app.js"></script></head><body>TinyBMS UI</body></html>';
const APP = 'console.log("tinybms app");';
const ICON = '<svg xmlns="http://www.w3.org/2000/svg"></svg>';

/** A raw request, so paths reach the server exactly as written (fetch would normalise "..").*/
function rawGet(gw: WebGateway, rawPath: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = http.request(`${gw.base}/`, { path: rawPath, headers: { 'Accept-Encoding': 'identity' } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const raw = Buffer.concat(chunks);
        const body = response.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
        resolve({ status: response.statusCode ?? 0, body: body.toString('utf8') });
      });
    });
    request.on('error', reject);
    request.end();
  });
}

describe('web UI assets over HTTP', () => {
  let gw: WebGateway;
  let buildDir: string;
  const crypto = createNodeCrypto();

  beforeEach(() => {
    buildDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tinybms-ui-'));
  });
  afterEach(async () => {
    await gw?.close();
    fs.rmSync(buildDir, { recursive: true, force: true });
  });

  const startWith = async () => {
    const assets = loadWebAssets(buildDir, crypto);
    gw = await startWebGateway({ bms: false, server: { assets } });
  };

  describe('from a scanned folder', () => {
    beforeEach(async () => {
      fs.writeFileSync(path.join(buildDir, 'index.html.gz'), gzipSync(INDEX));
      fs.writeFileSync(path.join(buildDir, 'app.js.gz'), gzipSync(APP));
      fs.writeFileSync(path.join(buildDir, 'app.js'), 'stale plain copy');
      fs.mkdirSync(path.join(buildDir, 'icons'));
      fs.writeFileSync(path.join(buildDir, 'icons', 'favicon.svg'), ICON);
      await startWith();
    });

    it('serves "/" as the gzipped index.html, with ETag and revalidation', async () => {
      const response = await fetch(`${gw.base}/`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(response.headers.get('content-encoding')).toBe('gzip');
      expect(response.headers.get('cache-control')).toBe('no-cache');
      expect(await response.text()).toBe(INDEX);
      const etag = response.headers.get('etag') as string;
      expect(etag).toMatch(/^"[0-9a-f]{24}"$/);

      const again = await fetch(`${gw.base}/index.html`, { headers: { 'If-None-Match': etag } });
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
      const listed = await fetch(`${gw.base}/index.html`, { headers: { 'If-None-Match': `"other", W/${etag}` } });
      expect(listed.status).toBe(304);
      const changed = await fetch(`${gw.base}/index.html`, { headers: { 'If-None-Match': '"something-else"' } });
      expect(changed.status).toBe(200);
    });

    it('prefers the gzipped file over a plain one of the same name, and serves plain files too', async () => {
      const app = await fetch(`${gw.base}/app.js`);
      expect(app.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
      expect(await app.text()).toBe(APP);
      const icon = await fetch(`${gw.base}/icons/favicon.svg`);
      expect(icon.headers.get('content-type')).toBe('image/svg+xml');
      expect(icon.headers.get('content-encoding')).toBeNull();
      expect(await icon.text()).toBe(ICON);
    });

    it('serves plain bytes (own ETag, Vary) to a client that does not take gzip, and to one that says nothing (issue 16)', async () => {
      for (const acceptEncoding of ['identity', 'gzip;q=0, deflate', undefined]) {
        const answer = await new Promise<{ headers: http.IncomingHttpHeaders; body: string }>((resolve, reject) => {
          const headers: Record<string, string> = acceptEncoding === undefined ? {} : { 'Accept-Encoding': acceptEncoding };
          http.get(`${gw.base}/app.js`, { headers }, (response) => {
            const chunks: Buffer[] = [];
            response.on('data', (chunk: Buffer) => chunks.push(chunk));
            response.on('end', () => resolve({ headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
          }).on('error', reject);
        });
        expect(answer.headers['content-encoding']).toBeUndefined();
        expect(answer.headers.vary).toBe('Accept-Encoding');
        expect(answer.headers.etag).toMatch(/-identity"$/);
        expect(answer.body).toBe(APP);
      }
      const gzipped = await fetch(`${gw.base}/app.js`, { headers: { 'Accept-Encoding': 'gzip' } });
      expect(gzipped.headers.get('content-encoding')).toBe('gzip');
      expect(gzipped.headers.get('etag')).not.toMatch(/-identity/);
    });

    it('answers an app route without extension with index.html and a missing file with 404', async () => {
      expect(await (await fetch(`${gw.base}/history`)).text()).toBe(INDEX);
      expect((await fetch(`${gw.base}/missing.css`)).status).toBe(404);
    });

    it.each(['/../store/config.value', '/%2e%2e/%2e%2e/etc/passwd', '/..%2f..%2fetc%2fpasswd', '/icons/../../../etc/hostname', '/icons/..%5c..%5cetc', '/%00index.html', '/%zz'])(
      'refuses %s with 400 and serves nothing',
      async (rawPath) => {
        const { status, body } = await rawGet(gw, rawPath);
        expect(status).toBe(400);
        expect(JSON.parse(body).error.code).toBe('bad_request_target');
      },
    );
  });

  it('uses the build manifest’s ETag and content type', async () => {
    fs.writeFileSync(path.join(buildDir, 'index.html'), INDEX);
    fs.writeFileSync(path.join(buildDir, 'index.html.gz'), gzipSync(INDEX));
    fs.writeFileSync(
      path.join(buildDir, 'manifest.json'),
      JSON.stringify({ files: { 'index.html': { etag: '"build-etag-1"', content_type: 'text/html; charset=utf-8', gzip_file: 'index.html.gz' } } }),
    );
    await startWith();
    const response = await fetch(`${gw.base}/`);
    expect(response.headers.get('etag')).toBe('"build-etag-1"');
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(await response.text()).toBe(INDEX);
    expect((await fetch(`${gw.base}/manifest.json`)).status).toBe(404);
  });

  it('serves a page saying how to build the UI when there is no build', async () => {
    fs.rmSync(buildDir, { recursive: true, force: true });
    expect(loadWebAssets(buildDir, crypto)).toBeUndefined();
    await startWith();
    const response = await fetch(`${gw.base}/`);
    expect(response.status).toBe(200);
    const page = await response.text();
    expect(page).toContain('npm run build:web');
    expect(page).not.toContain('<script');
  });
});
