/**
 * Measures a running mcsim (or any host) from outside, as docs/moddable.md "Measured in mcsim" reports:
 *   START_PATH=/api/status node scripts/mcsim_measure.cjs http://localhost:8080
 * (a) the history CSV and a history page through Chromium (fetch and an <a download> click) and curl --raw;
 * (b) GET /metrics time_total and time to first byte from curl, back to back for 30 s; (c) the largest gap between 0x351 frames on
 * /ws/can, idle for 20 s and during (b). Needs /usr/bin/chromium and curl. Not part of npm test.
 */
const { chromium } = require('playwright-core');
const { spawnSync } = require('node:child_process');
const base = process.argv[2] || 'http://localhost:8080';
(async () => {
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
  const page = await browser.newPage();
  await page.goto(base + (process.env.START_PATH || '/'));
  // (a) download the newest day as CSV through Chromium's network stack
  const failures = [];
  page.on('requestfailed', (r) => failures.push(`${r.url()} ${r.failure()?.errorText}`));
  for (const path of ['/api/history/download?format=csv', '/api/history?limit=5000']) {
    const r = await page.evaluate(async (u) => {
      try { const res = await fetch(u); const t = await res.text();
        return { status: res.status, te: res.headers.get('transfer-encoding'), cl: res.headers.get('content-length'), bytes: t.length, lines: t.split('\n').length, head: t.slice(0, 80) };
      } catch (e) { return { error: String(e) }; }
    }, base + path);
    console.log('fetch', path, JSON.stringify(r));
  }
  const [download] = await Promise.all([
    page.waitForEvent('download', { timeout: 60000 }),
    page.evaluate((u) => { const a = document.createElement('a'); a.href = u; a.download = ''; document.body.append(a); a.click(); }, base + '/api/history/download?format=csv'),
  ]);
  const dlPath = await download.path().catch((e) => 'ERR ' + e.message);
  console.log('download', download.suggestedFilename(), 'failure=', await download.failure(), 'path=', dlPath,
    dlPath && !String(dlPath).startsWith('ERR') ? require('fs').statSync(dlPath).size + ' bytes' : '');
  console.log('requestfailed:', JSON.stringify(failures));
  for (const path of ['/api/history/download?format=csv', '/api/history?limit=5000']) {
    const c = spawnSync('curl', ['-sS', '--raw', '-D', '-', '-o', require('node:path').join(require('node:os').tmpdir(), 'mcsim_measure.out'), '-w', '%{http_code} %{size_download} bytes %{time_total} s', base + path], { encoding: 'utf8' });
    const raw = require('fs').readFileSync(require('node:path').join(require('node:os').tmpdir(), 'mcsim_measure.out'), 'latin1');
    console.log('curl', path, 'exit', c.status, JSON.stringify(c.stdout.split('\r\n').filter((l) => /^(HTTP|Transfer|Content-Length|Connection)/i.test(l) || /bytes/.test(l))), 'raw tail', JSON.stringify(raw.slice(-12)), c.stderr.trim());
  }
  // (c) 0x351 on /ws/can: idle baseline, then while /metrics requests run
  await page.evaluate((u) => {
    window.frames351 = [];
    const ws = new WebSocket(u.replace('http', 'ws') + '/ws/can');
    ws.onmessage = (m) => { const d = JSON.parse(m.data); if (d.id === '0x351') window.frames351.push([d.timestamp_ms, performance.now()]); };
    window.canWs = ws;
  }, base);
  const gaps = async (label) => {
    const f = await page.evaluate(() => { const x = window.frames351; window.frames351 = []; return x; });
    let maxTs = 0, maxArr = 0;
    for (let i = 1; i < f.length; i++) { maxTs = Math.max(maxTs, f[i][0] - f[i-1][0]); maxArr = Math.max(maxArr, f[i][1] - f[i-1][1]); }
    console.log(`${label}: ${f.length} frames 0x351, largest gap gateway timestamps ${maxTs} ms, browser arrival ${maxArr.toFixed(0)} ms`);
  };
  await page.waitForTimeout(20000); await gaps('idle 20 s');
  // a small answer: what accepting, reading and one write cost without a large body
  const small = [];
  for (let i = 0; i < 10; i++) small.push(parseFloat(spawnSync('curl', ['-sS', '-o', '/dev/null', '-w', '%{time_total}', base + '/api/status'], { encoding: 'utf8' }).stdout));
  small.sort((a, b) => a - b);
  console.log(`GET /api/status time_total min ${small[0]} median ${small[5]} max ${small[9]} s over 10`);
  const t0 = Date.now(); const times = [];
  while (Date.now() - t0 < 30000) {
    const c = spawnSync('curl', ['-sS', '-o', '/dev/null', '-w', '%{http_code} %{time_total} %{size_download} %{time_starttransfer}', base + '/metrics'], { encoding: 'utf8' });
    times.push(c.stdout.trim() + ' rc=' + c.status);
  }
  await gaps(`during ${times.length} back-to-back GET /metrics (30 s)`);
  console.log('metrics runs (code time_total bytes time_starttransfer):', times.slice(0, 5).join(' | '), '...');
  const stats = (field) => {
    const v = times.map((s) => parseFloat(s.split(' ')[field])).sort((a, b) => a - b);
    return `min ${v[0]} median ${v[v.length >> 1]} max ${v[v.length - 1]} s`;
  };
  // time to first byte ≈ accept + request read + the handler's turn; the rest is the transfer of the body
  console.log(`metrics time_total ${stats(1)}; time_starttransfer ${stats(3)}; over ${times.length}`);
  await browser.close();
})().catch((e) => { console.error(e); process.exit(1); });
