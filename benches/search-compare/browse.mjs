// The browser half of the search comparison (run.sh calls it): node browse.mjs CONFIG.json
//
// CONFIG: { site, runs, out, axe_query, queries: [{id, query}],
//           engines: { NAME: {kind, base, root}, … } }
// where kind is "loa" or "pagefind" (how the page is read), base the local server of that
// engine's copy of the site and root its folder on disk.
//
// For every round, query and engine (the engine order rotates by one per query and round, so
// all share the machine's background load), opens base + /tim-kiem/?q=… in a new browser context
// (an empty HTTP cache: cold) of a Chromium launched anew each round (Playwright gives it a
// fresh, empty user-data-dir), and records:
//   - first:  ms from navigation start (performance.now()) to the first result link in the DOM
//             (loa: ol.ket-qua-danh-sach > li.ket-qua-muc h2.ket-qua-tieu-de a; Pagefind's
//             default UI: li.pagefind-ui__result a.pagefind-ui__result-link);
//   - all5:   to the shown results all having their link (Pagefind loads each result's data
//             separately; loa renders them at once);
//   - answer: to the final status line (loa: #ket-qua-trang-thai no longer "Đang tìm…";
//             Pagefind: .pagefind-ui__message no longer "Đang tìm kiếm…"), also for no result;
//   - bytes:  every response of the navigation (body + headers as received), split into the
//             search's own files (loa: search.js and tim-kiem/index/; Pagefind: /pagefind/) and the
//             rest, and the gzip -6 size of each file (what a host that compresses would send;
//             Pagefind's index files are already compressed and do not shrink);
//   - in round 0: the top-5 results (URL path, title, shown text, marked words) and the status.
// Then runs axe-core (WCAG 2.0/2.1 A and AA and best-practice rules, as tests/theme/check.mjs)
// on both engines' pages for one query, in the light and the dark colour scheme.
// Writes CONFIG.out/measure.jsonl (one line per measurement) and CONFIG.out/axe.json.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const cfg = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
fs.mkdirSync(cfg.out, { recursive: true });
const OUT = path.join(cfg.out, 'measure.jsonl');
fs.writeFileSync(OUT, '');

// Playwright launches Chromium headless with a fresh, empty temporary user-data-dir of its own.
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];
const EXE = process.env.LOA_CHROMIUM || '/usr/bin/chromium';

const INIT = {
  loa: `(() => {
    const B = (window.__bench = { first: null, all5: null, answer: null, done: false });
    // Keeps observing after the status is final: a version that writes its status before the
    // list still gets its first-results time.
    const check = () => {
      const t = performance.now();
      if (B.first === null && document.querySelector('ol.ket-qua-danh-sach > li.ket-qua-muc h2.ket-qua-tieu-de a')) {
        B.first = B.all5 = t;
      }
      if (B.answer !== null) return;
      const st = document.getElementById('ket-qua-trang-thai');
      const s = st ? st.textContent.trim() : '';
      if (s && !/^Đang tìm/.test(s) && !/^Nhập từ khoá/.test(s)) {
        B.answer = t;
        B.done = true;
      }
    };
    new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true });
  })();`,
  pagefind: `(() => {
    const B = (window.__bench = { first: null, all5: null, answer: null, done: false });
    const check = () => {
      const t = performance.now();
      const items = document.querySelectorAll('ol.pagefind-ui__results > li.pagefind-ui__result');
      const links = document.querySelectorAll('ol.pagefind-ui__results > li.pagefind-ui__result a.pagefind-ui__result-link');
      if (links.length && B.first === null) B.first = t;
      if (B.answer !== null) return;
      const m = document.querySelector('.pagefind-ui__message');
      const s = m ? m.textContent.trim() : '';
      if (s && !/^Đang/.test(s) && links.length === items.length) {
        B.answer = t;
        if (links.length) B.all5 = t;
        B.done = true;
      }
    };
    new MutationObserver(check).observe(document, { subtree: true, childList: true, characterData: true, attributes: true });
  })();`,
};

/** Reads the shown results (top 5) and the status line from the page. */
const EXTRACT = {
  loa: () => {
    const items = [...document.querySelectorAll('ol.ket-qua-danh-sach > li.ket-qua-muc')].slice(0, 5);
    const st = document.getElementById('ket-qua-trang-thai');
    return {
      status: st ? st.textContent.trim() : '',
      results: items.map((li) => {
        const a = li.querySelector('h2.ket-qua-tieu-de a');
        const shown = li.cloneNode(true);
        shown.querySelectorAll('.ket-qua-thong-tin').forEach((n) => n.remove());
        return {
          url: a ? new URL(a.getAttribute('href'), location.href).pathname : null,
          title: a ? a.textContent.trim() : '',
          shown: shown.textContent.replace(/\s+/g, ' ').trim(),
          marks: [...li.querySelectorAll('mark')].map((m) => m.textContent),
        };
      }),
    };
  },
  pagefind: () => {
    const items = [...document.querySelectorAll('ol.pagefind-ui__results > li.pagefind-ui__result')].slice(0, 5);
    const m = document.querySelector('.pagefind-ui__message');
    return {
      status: m ? m.textContent.trim() : '',
      results: items.map((li) => {
        const a = li.querySelector('a.pagefind-ui__result-link');
        return {
          url: a ? new URL(a.getAttribute('href'), location.href).pathname : null,
          title: a ? a.textContent.trim() : '',
          shown: li.textContent.replace(/\s+/g, ' ').trim(),
          marks: [...li.querySelectorAll('mark')].map((x) => x.textContent),
        };
      }),
    };
  },
};

const gzCache = new Map();
function fileSizes(root, url) {
  const p = decodeURIComponent(new URL(url).pathname);
  let file = path.join(root, p);
  if (p.endsWith('/')) file = path.join(file, 'index.html');
  if (gzCache.has(file)) return gzCache.get(file);
  let r = null;
  try {
    const body = fs.readFileSync(file);
    r = { raw: body.length, gz: Math.min(body.length, zlib.gzipSync(body, { level: 6 }).length) };
  } catch (e) {
    r = null;
  }
  gzCache.set(file, r);
  return r;
}

const isSearchFile = {
  loa: (u) => /\/search\.js$/.test(u.pathname) || u.pathname.startsWith('/tim-kiem/index/'),
  pagefind: (u) => u.pathname.startsWith('/pagefind/'),
};

async function measure(browser, engine, q, round) {
  const { base, root, kind } = cfg.engines[engine];
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript({ content: INIT[kind] });
  const page = await context.newPage();
  const pending = [];
  const failed = [];
  page.on('requestfinished', (req) => {
    pending.push(
      req.sizes().then((s) => ({ url: req.url(), body: s.responseBodySize, headers: s.responseHeadersSize })),
    );
  });
  page.on('requestfailed', (req) => failed.push(req.url()));
  const url = `${base}/tim-kiem/?q=${encodeURIComponent(q.query)}`;
  const row = { site: cfg.site, engine, id: q.id, query: q.query, round };
  try {
    await page.goto(url, { waitUntil: 'commit', timeout: 60_000 });
    await page.waitForFunction(() => window.__bench && window.__bench.done, null, { timeout: 60_000, polling: 50 });
    await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => {});
    const t = await page.evaluate(() => window.__bench);
    Object.assign(row, { first: t.first, all5: t.all5, answer: t.answer });
    if (round === 0) Object.assign(row, await page.evaluate(EXTRACT[kind]));
  } catch (e) {
    row.error = String(e.message || e).split('\n')[0];
  }
  const reqs = await Promise.all(pending);
  let bytes = 0, searchBytes = 0, gz = 0, searchGz = 0;
  const files = [];
  for (const r of reqs) {
    const u = new URL(r.url);
    const n = Math.max(0, r.body) + Math.max(0, r.headers);
    const sz = fileSizes(root, r.url);
    const g = sz ? sz.gz + Math.max(0, r.headers) : n;
    bytes += n;
    gz += g;
    if (isSearchFile[kind](u)) {
      searchBytes += n;
      searchGz += g;
    }
    if (round === 0) files.push([u.pathname, n]);
  }
  Object.assign(row, { requests: reqs.length, bytes, search_bytes: searchBytes, gz, search_gz: searchGz, failed });
  if (round === 0) row.files = files;
  await context.close();
  return row;
}

async function axeRun(browser, engine, query) {
  const out = [];
  for (const scheme of ['light', 'dark']) {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: scheme });
    await context.addInitScript({ content: INIT[cfg.engines[engine].kind] });
    const page = await context.newPage();
    await page.goto(`${cfg.engines[engine].base}/tim-kiem/?q=${encodeURIComponent(query)}`, { waitUntil: 'load' });
    await page.waitForFunction(() => window.__bench && window.__bench.done, null, { timeout: 60_000, polling: 50 });
    await page.waitForLoadState('networkidle', { timeout: 15_000 }).catch(() => {});
    await page.addScriptTag({ content: AXE });
    const result = await page.evaluate(() =>
      window.axe.run(document, {
        resultTypes: ['violations'],
        runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] },
      }),
    );
    for (const v of result.violations) {
      out.push({
        scheme,
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.length,
        targets: v.nodes.slice(0, 5).map((n) => n.target.join(' ')),
      });
    }
    await context.close();
  }
  return out;
}

async function main() {
  const engines = Object.keys(cfg.engines);
  for (let round = 0; round < cfg.runs; round++) {
    const browser = await chromium.launch({ executablePath: EXE, args: ARGS, headless: true });
    for (const [i, q] of cfg.queries.entries()) {
      const k = (i + round) % engines.length;
      const order = [...engines.slice(k), ...engines.slice(0, k)];
      for (const engine of order) {
        const row = await measure(browser, engine, q, round);
        fs.appendFileSync(OUT, JSON.stringify(row) + '\n');
        if (row.error) console.error(`browse.mjs: ${cfg.site} ${engine} ${q.id} round ${round}: ${row.error}`);
      }
    }
    await browser.close();
    console.error(`browse.mjs: ${cfg.site}: round ${round + 1}/${cfg.runs} done`);
  }
  const browser = await chromium.launch({ executablePath: EXE, args: ARGS, headless: true });
  const axe = {};
  for (const engine of engines) axe[engine] = await axeRun(browser, engine, cfg.axe_query || 'khuyen hoc');
  await browser.close();
  fs.writeFileSync(path.join(cfg.out, 'axe.json'), JSON.stringify(axe, null, 1));
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
