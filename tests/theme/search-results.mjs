// The results of the default theme's search page, as a reader's browser shows them: run by
// tests/suite/languages.rs against a static server on 127.0.0.1.
//
//   node tests/theme/search-results.mjs <base-url> <path?q=…> [<path?q=…> …]
//
// For each page, in Debian's Chromium through playwright-core: waits until the search has
// finished (the results region's aria-busy back to "false"; the search runs in a worker, which
// `chromium --dump-dom` does not wait for), then prints one JSON line
// {"path": …, "results": [the result links, in order], "status": the status line's text}.
// Exits 1 when a page does not finish within 15 s or throws.

import { chromium } from 'playwright-core';

const [baseArg, ...paths] = process.argv.slice(2);
if (!baseArg || !paths.length) {
  console.error('usage: node search-results.mjs <base-url> <path?q=…> [<path?q=…> …]');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.LOA_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
let failed = false;
try {
  for (const p of paths) {
    const page = await browser.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(e.message));
    try {
      await page.goto(new URL(p, baseArg).href);
      await page.waitForSelector('#ket-qua[aria-busy="false"]', { timeout: 15_000 });
      const found = await page.evaluate(() => ({
        results: [...document.querySelectorAll('.ket-qua-tieu-de a')].map((a) => a.getAttribute('href')),
        status: document.getElementById('ket-qua-trang-thai')?.textContent || '',
      }));
      if (errors.length) throw new Error(`page errors: ${errors.join('; ')}`);
      console.log(JSON.stringify({ path: p, ...found }));
    } catch (e) {
      failed = true;
      console.error(`FAIL ${p}: ${e.message}`);
    } finally {
      await page.close();
    }
  }
} finally {
  await browser.close();
}
process.exit(failed ? 1 : 0);
