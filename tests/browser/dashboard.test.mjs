// The web dashboard (resources/dashboard/) in Debian's chromium, headless, as
// an operator uses it: sign in with a key, pause the queue, add a text, see
// its row in the job table turn "finished" live (no reload) after resuming,
// search and read the snippet, read a document; a viewer key sees search
// only; a wrong key is refused. Throughout: the page's strict
// Content-Security-Policy and no console error or CSP violation, and a name
// holding markup shown as text. Real redis-server and aether-ingestd on free
// loopback ports, stopped by pid.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';

const ADMIN_KEY = 'dashboard-admin-key-0123456789';
const VIEWER_KEY = 'dashboard-viewer-key-0123456789';
const HOSTILE = '<img src=x id=injected onerror="document.title=1">';
const GLACIER = `Glacier moraine field guide. A moraine is rock and soil a glacier carried and left behind. ${HOSTILE}`;

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

const children = [];
function start(program, args, env) {
  const child = spawn(program, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.log = '';
  child.stdout.on('data', (d) => { child.log += d; });
  child.stderr.on('data', (d) => { child.log += d; });
  children.push(child);
  return child;
}

async function waitFor(what, check, ms = 20000) {
  const until = Date.now() + ms;
  for (;;) {
    try {
      if (await check()) return;
    } catch (e) { /* not yet */ }
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function api(base, path, key = ADMIN_KEY, init = {}) {
  const response = await fetch(base + path, { ...init, headers: { 'x-api-key': key, ...(init.headers || {}) } });
  return response.json();
}

async function main() {
  const dir = mkdtempSync(join(tmpdir(), 'aether-browser-'));
  const shots = process.env.AETHER_SCREENSHOT_DIR || '';
  let browser = null;
  try {
    const redisPort = await freePort();
    const redis = start(process.env.AETHER_REDIS_SERVER || 'redis-server',
      ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir]);
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const daemon = start(process.env.AETHER_INGESTD || 'aether-ingestd', [], {
      AETHER_PORT: String(port), REDIS_URL: `redis://127.0.0.1:${redisPort}/0`, WORKERS: '1',
      AETHER_DATA_DIR: dir, XDG_CONFIG_HOME: dir, DATABASE_URL: `sqlite:///${join(dir, 'k.db')}`,
      API_KEYS: `${ADMIN_KEY}:admin:*,${VIEWER_KEY}:viewer:default`, ADMIN_KEY: 'admin-secret-123',
      AUTH_MAX_FAILURES: '0',
    });
    await waitFor('aether-ingestd', async () => (await fetch(`${base}/healthz`)).ok).catch((e) => {
      throw new Error(`${e.message}\n${daemon.log}\n${redis.log}`);
    });

    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    const problems = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || /Content Security Policy/i.test(message.text())) problems.push(message.text());
    });
    page.on('pageerror', (error) => problems.push(String(error)));
    // Playwright's own script, not subject to the page's policy, reports each violation.
    await page.addInitScript(() => document.addEventListener('securitypolicyviolation',
      (event) => console.error(`CSP violation: ${event.violatedDirective} ${event.blockedURI}`)));
    let navigations = 0;
    page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) navigations += 1; });

    // The page and its headers.
    const response = await page.goto(`${base}/`);
    const csp = response.headers()['content-security-policy'] || '';
    assert.match(csp, /script-src 'self'/, 'the page has a script policy');
    assert.doesNotMatch(csp, /unsafe-inline/, 'no inline script is allowed');
    assert.equal(response.headers()['x-content-type-options'], 'nosniff');
    assert.equal(response.headers()['referrer-policy'], 'no-referrer');
    const missing = await fetch(`${base}/ui/no-such-file.js`);
    assert.equal(missing.status, 404, "only the dashboard's own files are served");
    assert.match(missing.headers.get('content-security-policy') || '', /script-src 'self'/,
      'the policy is on every dashboard answer, a 404 too');

    // A wrong key is refused on the sign-in form.
    await page.fill('#key', 'not-a-key-at-all');
    await page.click('#sign-in-form button');
    await page.waitForSelector('#sign-in-error:has-text("not known")');

    // Admin: every tab; the key lives in sessionStorage, no cookie.
    await page.fill('#key', ADMIN_KEY);
    await page.click('#sign-in-form button');
    await page.waitForSelector('#jobs:not([hidden])');
    assert.equal(await page.textContent('#who'), 'admin · tenant any');
    assert.deepEqual(await context.cookies(), [], 'the key is never a cookie');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('aether-ingest-key')), ADMIN_KEY);
    await page.waitForSelector('#live:has-text("live")');

    // Pause through the page: the queue says so.
    await page.click('#pause');
    await page.waitForSelector('#queue-state:has-text("paused")');
    assert.equal((await api(base, '/ops/queue')).paused, true, 'the queue is paused');

    // Add a text through the page.
    await page.click('nav button[data-tab="add"]');
    await page.fill('#text', GLACIER);
    await page.fill('#text-source', 'guides');
    await page.click('#text-form button[type="submit"]');
    const jobId = (await (await page.waitForSelector('#added li code')).textContent()).trim();
    assert.match(jobId, /^[0-9a-f-]{36}$/, 'the page shows the job id');
    // A file, as the drop zone's file chooser gives it (multipart upload).
    await page.setInputFiles('#file-input', {
      name: 'ice-notes.txt', mimeType: 'text/plain',
      buffer: Buffer.from('Ice notes. Crevasses open where a glacier bends over a ridge.\n'),
    });
    await page.waitForSelector('#added li:has-text("ice-notes.txt") code');

    // The job waits in the table; resume, and the row turns finished live.
    await page.click('nav button[data-tab="jobs"]');
    const row = `#job-table tr[data-job-id="${jobId}"]`;
    await page.waitForSelector(`${row}[data-status="queued"]`);
    assert.ok((await page.textContent(`${row} td.name`)).includes('Glacier moraine'), 'the row shows the name');
    const navigationsBefore = navigations;
    await page.click('#resume');
    await page.waitForSelector('#queue-state:has-text("running")');
    assert.equal((await api(base, '/ops/queue')).paused, false, 'the queue runs again');
    await page.waitForSelector(`${row}[data-status="finished"]`, { timeout: 30000 });
    await page.waitForSelector('#job-table tr[data-status="finished"]:has(td.name:has-text("ice-notes.txt"))',
      { timeout: 30000 });
    assert.equal(navigations, navigationsBefore, 'no reload: the row followed the events');
    assert.equal(await page.$('#injected'), null, 'markup in a job name stays text');
    await page.waitForSelector('#workers tbody tr');
    // The counts follow within a second or so (read at most once a second).
    await page.waitForSelector('#queue-counts .count.finished b:text-is("2")');
    if (shots) await page.screenshot({ path: join(shots, 'dashboard-jobs.png') });

    // Search, with the snippet's words marked.
    await page.click('nav button[data-tab="search"]');
    await page.fill('#query', 'glacier moraine');
    await page.click('#search-form button[type="submit"]');
    await page.waitForSelector('#results li .snippet mark');
    const marked = await page.$$eval('#results li:first-child .snippet mark', (marks) => marks.map((m) => m.textContent.toLowerCase()));
    assert.ok(marked.includes('glacier') && marked.includes('moraine'), `marked: ${marked}`);
    assert.equal(await page.$('#injected'), null, 'markup in a snippet stays text');
    if (shots) await page.screenshot({ path: join(shots, 'dashboard-search.png') });

    // Documents: the list (the text and the uploaded file) and the text of one.
    await page.click('nav button[data-tab="documents"]');
    await page.waitForSelector('#document-table tbody tr');
    await page.waitForSelector('#document-table td.name:has-text("ice-notes.txt")');
    await page.click('#document-table tbody tr:not(:has(td.name:has-text("ice-notes.txt"))) button:has-text("Read")');
    await page.waitForSelector('#preview pre:has-text("A moraine is rock and soil")');

    // A viewer key: search only.
    await page.click('#sign-out');
    await page.waitForSelector('#sign-in:not([hidden])');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('aether-ingest-key')), null, 'sign-out forgets the key');
    await page.fill('#key', VIEWER_KEY);
    await page.click('#sign-in-form button');
    await page.waitForSelector('#search:not([hidden])');
    assert.equal(await page.$$eval('#results li, #job-table tbody tr, #document-table tbody tr, #preview pre', (shown) => shown.length), 0,
      'nothing the last key saw stays in the page');
    const visibleTabs = await page.$$eval('#tabs button', (tabs) => tabs.filter((t) => !t.hidden).map((t) => t.dataset.tab));
    assert.deepEqual(visibleTabs, ['search'], 'a viewer sees search only');
    await page.fill('#query', 'moraine');
    await page.click('#search-form button[type="submit"]');
    await page.waitForSelector('#results li .snippet mark');

    // The browser logs the wrong key's 401 itself; anything else is a fault.
    const expected = /the server responded with a status of 401/;
    assert.deepEqual(problems.filter((text) => !expected.test(text)), [], 'no console errors or CSP violations');
    console.log(`dashboard: OK (job ${jobId} finished live; file upload, search, documents, viewer, wrong key)`);
  } finally {
    if (browser) await browser.close();
    for (const child of children.reverse()) child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  for (const child of children) if (child.exitCode === null) console.error(child.log.slice(-4000));
  process.exitCode = 1;
});
