// Khmer pages of the default theme (issue 28), run by tests/suite/theme.rs against a static
// server on 127.0.0.1 serving the `languages` fixture (vi, en, km) built with the default theme:
//
//   node tests/theme/khmer.mjs <base-url> <artifact-dir>
//
// Be Vietnam Pro has no Khmer letters: style.css names the reader's Khmer fonts for a `km`
// page. In Debian's Chromium through playwright-core, on the Khmer home, article and 404 pages:
//   - the page's font stack starts with the Khmer fonts and its line height is taller;
//   - the glyphs of a Khmer heading are all drawn from a Khmer font (Chromium's own report of the
//     fonts a node used, CSS.getPlatformFontsForNode), none from a Latin face (no missing-glyph
//     boxes); Debian's fonts-khmeros gives "Khmer OS";
//   - no request to another host (the fallback fetches no font file), no console error;
//   - axe-core: no serious or critical violation.
// Prints one line per check ("ok …" or "FAIL …"); exits 1 on any failure.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const [baseArg, artifactArg] = process.argv.slice(2);
if (!baseArg || !artifactArg) {
  console.error('usage: node khmer.mjs <base-url> <artifact-dir>');
  process.exit(2);
}
const BASE = new URL(baseArg);
const ARTIFACTS = path.resolve(artifactArg);
fs.mkdirSync(ARTIFACTS, { recursive: true });
setTimeout(() => {
  console.error('FAIL the Khmer checks did not finish in 120 s');
  process.exit(1);
}, 120_000).unref();

const PAGES = [
  ['home', '/km/', 'h1'],
  ['article', '/km/bai-viet/hoc-tap-suot-doi/', 'p.meta'],
  ['404', '/km/404.html', 'h1'],
];
const LAUNCH = {
  executablePath: process.env.LOA_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
};

const failures = [];
function check(cond, msg, detail) {
  if (cond) console.log(`ok   ${msg}`);
  else {
    failures.push(msg);
    console.log(`FAIL ${detail === undefined ? msg : `${msg}: ${detail}`}`);
  }
  return cond;
}

/** The fonts Chromium drew the text of the first `selector` with: [{familyName, glyphCount}]. */
async function fontsOf(page, selector) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('DOM.enable');
  await cdp.send('CSS.enable');
  const { root } = await cdp.send('DOM.getDocument', { depth: -1 });
  const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
  const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
  await cdp.detach();
  return fonts;
}

const browser = await chromium.launch(LAUNCH);
try {
  const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
  const outside = [];
  const errors = [];
  await context.route(
    (u) => u.host !== BASE.host,
    (route) => {
      outside.push(route.request().url());
      route.abort();
    },
  );
  context.on('page', (page) => {
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
  });
  for (const [name, at, selector] of PAGES) {
    const page = await context.newPage();
    const label = `Khmer ${name} page`;
    await page.goto(new URL(at, BASE).href, { waitUntil: 'load' });
    await page.waitForLoadState('networkidle');
    check((await page.getAttribute('html', 'lang')) === 'km', `${label}: <html lang="km">`);
    const text = await page.locator(selector).first().innerText();
    const khmerLetters = [...text].filter((c) => c >= '\u1780' && c <= '\u17ff').length;
    check(khmerLetters > 3, `${label}: ${selector} is Khmer text`, text);
    // The theme names the Khmer fonts itself (a system without a good fallback would draw
    // boxes) and gives the stacked marks more room between lines.
    const style = await page.evaluate(() => {
      const s = getComputedStyle(document.body);
      return { family: s.fontFamily, ratio: parseFloat(s.lineHeight) / parseFloat(s.fontSize) };
    });
    check(/^"?Noto Sans Khmer"?,.*Khmer OS/.test(style.family), `${label}: the stylesheet names the Khmer fonts first`, style.family);
    check(style.ratio >= 1.75, `${label}: line height at least 1.75 for Khmer`, String(style.ratio));
    const fonts = await fontsOf(page, selector);
    const described = fonts.map((f) => `${f.familyName} (${f.glyphCount})`).join(', ');
    const khmer = fonts.filter((f) => /khmer/i.test(f.familyName));
    check(khmer.length > 0, `${label}: ${selector} drawn in a Khmer font`, described);
    // Latin digits or punctuation may come from another face; Khmer letters must not.
    const khmerGlyphs = khmer.reduce((n, f) => n + f.glyphCount, 0);
    check(khmerGlyphs >= khmerLetters / 2, `${label}: the Khmer letters come from the Khmer font`, described);
    console.log(`note ${label}: ${described}`);
    await page.addScriptTag({ content: AXE });
    const result = await page.evaluate(() =>
      window.axe.run(document, { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }),
    );
    const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
    check(bad.length === 0, `${label}: axe, no serious or critical violation`, bad.map((v) => `${v.id} on ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('; '));
    await page.screenshot({ path: path.join(ARTIFACTS, `khmer-${name}.png`), fullPage: true });
    await page.close();
  }
  check(outside.length === 0, 'no request to another host (no font fetched for Khmer)', outside.join(', '));
  check(errors.length === 0, 'no console error', errors.join('; '));
  await context.close();
} finally {
  await browser.close();
}
if (failures.length) {
  console.log(`${failures.length} Khmer check(s) failed`);
  process.exit(1);
}
console.log('all Khmer checks passed');
