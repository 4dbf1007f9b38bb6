// The video embeds of the default theme (issue 25), run by tests/suite/theme.rs against a
// static server on 127.0.0.1 serving the `shortcodes` fixture site (tests/sites/shortcodes):
//
//   node tests/theme/video.mjs <base-url> <artifact-dir>
//
// On the page that embeds a YouTube and a Facebook video, in Debian's Chromium through
// playwright-core:
//   - loading the page and waiting until it is quiet makes no request to any host but the local
//     server (no YouTube, no Facebook, no thumbnail), and no console error;
//   - axe-core: no serious or critical violation, light and dark;
//   - a click on the YouTube poster replaces it with an <iframe> of the privacy-enhanced player
//     (https://www.youtube-nocookie.com/embed/<id>?autoplay=1…), which the browser then
//     requests (answered here by a stub: tests reach no network); the Facebook poster likewise
//     loads Facebook's player for its video, and only on its click.
// On the page with the site's own video files (`video` shortcode), light and dark: the poster
// (a made WebP copy) is requested, the video file is not until the reader presses play (its
// captions, shown by default, are a few hundred bytes of text the browser may fetch at once); the player has its size before anything loads; axe as above.
// Prints one line per check ("ok …" or "FAIL …"); exits 1 on any failure.

import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

const [baseArg, artifactArg] = process.argv.slice(2);
if (!baseArg || !artifactArg) {
  console.error('usage: node video.mjs <base-url> <artifact-dir>');
  process.exit(2);
}
const BASE = new URL(baseArg);
const ARTIFACTS = path.resolve(artifactArg);
fs.mkdirSync(ARTIFACTS, { recursive: true });
setTimeout(() => {
  console.error('FAIL the video checks did not finish in 120 s');
  process.exit(1);
}, 120_000).unref();

const PAGE = new URL('/bai-viet/video/', BASE).href;
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

/** A context whose requests to other hosts are recorded and answered by a stub page. */
async function watchedContext(browser, scheme) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: scheme });
  const outside = [];
  const errors = [];
  await context.route(
    (u) => u.host !== BASE.host,
    (route) => {
      outside.push(route.request().url());
      route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><title>player</title><p>player</p>' });
    },
  );
  context.on('page', (page) => {
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
  });
  return { context, outside, errors };
}

/**
 * Waits until `outside` has grown past `before` (the click's first request to another host),
 * then half a second more for any other it would make; at most 15 s.
 */
async function settled(outside, before) {
  const end = Date.now() + 15_000;
  while (outside.length <= before && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 500));
}

async function axeCheck(page, label) {
  await page.addScriptTag({ content: AXE });
  const result = await page.evaluate(() =>
    window.axe.run(document, { resultTypes: ['violations'], runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } }),
  );
  const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  check(bad.length === 0, `${label}: axe, no serious or critical violation`, bad.map((v) => `${v.id} on ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`).join('; '));
}

const browser = await chromium.launch(LAUNCH);
try {
  for (const scheme of ['light', 'dark']) {
    const { context, outside, errors } = await watchedContext(browser, scheme);
    const page = await context.newPage();
    const label = `video page (${scheme})`;
    await page.goto(PAGE, { waitUntil: 'load' });
    await page.waitForLoadState('networkidle');
    check(outside.length === 0, `${label}: no request to another host before the reader acts`, outside.join(', '));
    check((await page.locator('a[data-video]').count()) === 2 && (await page.locator('a[data-video-facebook]').count()) === 1, `${label}: two YouTube posters and one Facebook poster`);
    check((await page.locator('iframe').count()) === 0, `${label}: no player before a click`);
    await axeCheck(page, label);
    if (scheme === 'light') {
      await page.screenshot({ path: path.join(ARTIFACTS, 'video-before-click.png'), fullPage: true });
      // The first YouTube poster: its player, from the privacy-enhanced host, starting to play.
      await page.locator('a[data-video]').first().click();
      const frame = page.locator('iframe.video-khung');
      await frame.waitFor({ timeout: 10_000 });
      const src = await frame.getAttribute('src');
      check(src === 'https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ?autoplay=1&start=30', `${label}: the click loads the youtube-nocookie.com player`, src);
      // Not `networkidle`: that waits for the player's frame (another site, its own process)
      // to report its own, which a loaded machine sometimes never delivers.
      await settled(outside, 0);
      check(outside.length >= 1 && outside.every((u) => u.startsWith('https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ')), `${label}: after the click, only the player is requested`, outside.join(', '));
      check((await frame.getAttribute('title')) === 'Khuyến học ở xã Tân Lập', `${label}: the player has the video's title`);
      // The Facebook poster: Facebook's player for that video, only now.
      const before = outside.length;
      await page.locator('a[data-video-facebook]').click();
      await settled(outside, before);
      const fb = outside.slice(before);
      check(fb.length >= 1 && fb[0] === 'https://www.facebook.com/plugins/video.php?autoplay=1&href=https%3A%2F%2Fwww.facebook.com%2Fwatch%2F%3Fv%3D123', `${label}: the Facebook click loads its player`, fb.join(', '));
      check((await page.locator('iframe.video-khung').count()) === 2, `${label}: two players after two clicks`);
      await page.screenshot({ path: path.join(ARTIFACTS, 'video-after-click.png'), fullPage: true });
    }
    check(errors.length === 0, `${label}: no console error`, errors.join('; '));
    await context.close();
  }
  const OWN = new URL('/bai-viet/video-tep/', BASE).href;
  for (const scheme of ['light', 'dark']) {
    const { context, outside, errors } = await watchedContext(browser, scheme);
    const page = await context.newPage();
    const label = `self-hosted video page (${scheme})`;
    const asked = [];
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    await page.goto(OWN, { waitUntil: 'load' });
    await page.waitForLoadState('networkidle');
    check(outside.length === 0, `${label}: no request to another host`, outside.join(', '));
    const media = asked.filter((p) => /\.(webm|mp4)$/.test(p));
    check(media.length === 0, `${label}: no video file before the reader acts`, media.join(', '));
    // Captions shown by default are a few hundred bytes of text, which the browser fetches with
    // the page (Chromium does, light or dark alike when not cached); nothing else of the video.
    check(asked.some((p) => /\/anh-bia\.[0-9a-f]+\.\d+\.webp$/.test(p)), `${label}: the poster is a made WebP copy`, asked.join(', '));
    const box = await page.locator('video').first().boundingBox();
    check(box && Math.abs(box.width / box.height - 16 / 9) < 0.02, `${label}: the player has its proportions before loading`, JSON.stringify(box));
    check((await page.locator('video[preload="none"][controls] track[kind="captions"][srclang="vi"]').count()) === 1, `${label}: controls, preload none, Vietnamese captions`);
    await axeCheck(page, label);
    if (scheme === 'light') await page.screenshot({ path: path.join(ARTIFACTS, 'video-file.png'), fullPage: true });
    check(errors.length === 0, `${label}: no console error`, errors.join('; '));
    await context.close();
  }
} finally {
  await browser.close();
}
if (failures.length) {
  console.log(`${failures.length} check(s) failed`);
  process.exit(1);
}
console.log('all video checks passed');
