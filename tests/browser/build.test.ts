/**
 * scripts/build-web.ts: the gzipped assets and manifest the HTTP binding serves, the 100 KB
 * budget, nothing fetched from another origin, and the staleness check behind ensureWebBuilt().
 * Builds into a temporary folder so it never races the browser suite over build/web.
 */
import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { buildWeb, ensureWebBuilt, GZIP_BUDGET_BYTES, MANIFEST_NAME, webBuildStaleness, type WebManifest } from '../../scripts/build-web';

jest.setTimeout(60_000);

let root: string;
let out: string;
let manifest: WebManifest;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'tinybms-webbuild-'));
  out = join(root, 'web');
  manifest = await buildWeb({ quiet: true, outDir: out });
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

const read = (name: string) => readFileSync(join(out, name));

describe('build output', () => {
  it('holds index.html, app.js, app.css and favicon.svg, each with a gzipped twin that inflates to it', () => {
    expect(Object.keys(manifest.files).sort()).toEqual(['app.css', 'app.js', 'favicon.svg', 'index.html']);
    for (const [name, asset] of Object.entries(manifest.files)) {
      const plain = read(name);
      const gz = read(asset.gzip_file);
      expect(asset.size).toBe(plain.length);
      expect(asset.gzip).toBe(gz.length);
      expect(gunzipSync(gz).equals(plain)).toBe(true);
      expect(asset.etag).toMatch(/^"[0-9a-f]{20}"$/);
    }
    expect(manifest.files['app.js'].content_type).toBe('text/javascript; charset=utf-8');
    expect(new Set(Object.values(manifest.files).map((a) => a.etag)).size).toBe(4);
  });

  it('stays within the 100 KB gzip budget and says so in the manifest', () => {
    const total = Object.values(manifest.files).reduce((sum, a) => sum + a.gzip, 0);
    expect(manifest.total_gzip).toBe(total);
    expect(total).toBeLessThanOrEqual(GZIP_BUDGET_BYTES);
    expect(JSON.parse(read(MANIFEST_NAME).toString())).toEqual(manifest);
  });

  it('loads scripts and styles from files only (CSP: no inline script) and nothing from another origin', () => {
    const html = read('index.html').toString();
    expect(html).toMatch(/<script type="module" src="app\.js"><\/script>/);
    expect(html).toMatch(/<link rel="stylesheet" href="app\.css"/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/\sstyle=|\son[a-z]+=/i);
    for (const name of ['index.html', 'app.css']) expect(read(name).toString()).not.toMatch(/(https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}\//i);
    // No CDN or web-font URLs in the bundle (uPlot and Preact are bundled, fonts are the system's).
    expect(read('app.js').toString()).not.toMatch(/https?:\/\/(cdn|fonts|unpkg|jsdelivr)/i);
  });
});

describe('staleness', () => {
  it('is current right after a build, and ensureWebBuilt then keeps it as it is', async () => {
    expect(webBuildStaleness(out)).toBeNull();
    const again = await ensureWebBuilt({ quiet: true, outDir: out });
    expect(again.built_at).toBe(manifest.built_at);
  });

  it('notices a changed input and a missing file, and ensureWebBuilt rebuilds', async () => {
    const path = join(out, MANIFEST_NAME);
    const edited = JSON.parse(readFileSync(path, 'utf8')) as WebManifest;
    edited.inputs['web/src/main.tsx'] = '0'.repeat(64);
    writeFileSync(path, JSON.stringify(edited));
    expect(webBuildStaleness(out)).toBe('web/src/main.tsx changed');

    writeFileSync(path, JSON.stringify(manifest));
    unlinkSync(join(out, 'app.js.gz'));
    expect(webBuildStaleness(out)).toBe('app.js missing');

    const rebuilt = await ensureWebBuilt({ quiet: true, outDir: out });
    expect(rebuilt.built_at).not.toBe(manifest.built_at);
    expect(webBuildStaleness(out)).toBeNull();
  });

  it('reports a folder without a build', () => {
    expect(webBuildStaleness(join(root, 'nothing-here'))).toBe(`no ${MANIFEST_NAME}`);
  });
});
