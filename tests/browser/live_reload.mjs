// Headless Chromium against a running `loa serve`: a page follows edits of its Markdown
// without a manual reload, shows the error overlay (file and line) when the front matter
// breaks, and drops it when the file is fixed. Run by tests/suite/serve_browser.rs:
//
//   node live_reload.mjs URL MARKDOWN_FILE
//
// Exits 0 when every step passed, 1 otherwise (the failing step is printed). Never lets
// Playwright download a browser: it drives the system Chromium (LOA_CHROMIUM or
// /usr/bin/chromium) with a fresh, empty profile folder.

import { chromium } from 'playwright-core';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const [url, file] = process.argv.slice(2);
if (!url || !file) {
  console.error('usage: node live_reload.mjs URL MARKDOWN_FILE');
  process.exit(2);
}
const STEP_TIMEOUT = 30_000;
const executablePath = process.env.LOA_CHROMIUM || '/usr/bin/chromium';
const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'loa-chromium-'));
const step = (name) => console.log(`step: ${name}`);

// Waits until `check()` (run in the page) is true, across the page's own reloads.
async function waitInPage(page, what, check, arg) {
  const start = Date.now();
  let last = '';
  while (Date.now() - start < STEP_TIMEOUT) {
    try {
      if (await page.evaluate(check, arg)) return;
    } catch (e) {
      // The page is navigating (the live reload itself): try again.
      last = String(e);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const body = await page.evaluate(() => document.body && document.body.innerText).catch(() => '?');
  throw new Error(`timed out waiting for ${what}; last error: ${last}; page text:\n${body}`);
}

const original = fs.readFileSync(file, 'utf8');
let context;
let failed = false;
try {
  context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    timeout: 60_000,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  const navigations = [];
  page.on('framenavigated', (f) => {
    if (f === page.mainFrame()) navigations.push(f.url());
  });
  await page.goto(url, { waitUntil: 'load', timeout: STEP_TIMEOUT });
  await waitInPage(page, 'the original text', () => document.body.innerText.includes('Nội dung.'));
  step('opened the page');

  // 1. Edit the Markdown: the new text appears without any reload from this script.
  await page.evaluate(() => {
    window.__loaBeforeEdit = true;
  });
  fs.writeFileSync(file, original.replace('Nội dung.', 'Nội dung đã sửa trong trình duyệt.'));
  await waitInPage(page, 'the edited text', () => document.body.innerText.includes('Nội dung đã sửa trong trình duyệt.'));
  const reloaded = await page.evaluate(() => window.__loaBeforeEdit === undefined);
  if (!reloaded) throw new Error('the text changed but the page did not reload');
  step('the edit appeared by itself');

  // 2. Break the front matter: the overlay names the file and the line.
  const broken = original.replace(/^date: .*$/m, 'date: [2022');
  if (broken === original) throw new Error('the fixture has no date line to break');
  const line = broken.split('\n').findIndex((l) => l.startsWith('date: [')) + 1;
  const where = `content/bai-viet/mot.md:${line}`;
  fs.writeFileSync(file, broken);
  await waitInPage(page, 'the overlay', () => !!document.getElementById('loa-overlay'));
  const overlay = await page.locator('#loa-overlay').innerText();
  if (!overlay.includes(where)) throw new Error(`overlay lacks ${where}:\n${overlay}`);
  if (!overlay.includes('lỗi')) throw new Error(`overlay lacks "lỗi":\n${overlay}`);
  if (!(await page.locator('#loa-overlay').isVisible())) throw new Error('overlay not visible');
  if (process.env.LOA_SCREENSHOT) await page.screenshot({ path: process.env.LOA_SCREENSHOT });
  step(`the overlay shows ${where}`);

  // 3. Fix it: the overlay goes away and the fixed text shows.
  fs.writeFileSync(file, original.replace('Nội dung.', 'Đã sửa lỗi.'));
  await waitInPage(page, 'the overlay to go', () => !document.getElementById('loa-overlay'));
  await waitInPage(page, 'the fixed text', () => document.body.innerText.includes('Đã sửa lỗi.'));
  step('the overlay went away after the fix');
  console.log(`navigations: ${navigations.length}`);
} catch (e) {
  failed = true;
  console.error(`FAILED: ${e && e.stack ? e.stack : e}`);
} finally {
  if (context) await context.close().catch(() => {});
  fs.rmSync(profile, { recursive: true, force: true });
}
process.exit(failed ? 1 : 0);
