// Bytes a first query downloads from a built index (not a test; run by hand):
//   node tests/js/measure.js <site output folder or its tim-kiem/index> "khuyen hoc" ["xã hội học tập" …]
// Each query runs in a fresh searcher (a first query: meta plus its shards), then the first
// page of results (10, with their excerpt texts when the index has them) is fetched as the browser would. Prints raw and gzip sizes and the time
// spent decoding and ranking (files are read from disk, so network time is not included).
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');
// LOA_SEARCH_JS: another copy of search.js (e.g. an older revision's, against its own index).
const search = require(process.env.LOA_SEARCH_JS || '../../themes/loa/static/search.js');

const [dirArg, ...queries] = process.argv.slice(2);
if (!dirArg || queries.length === 0) {
  console.error('usage: node tests/js/measure.js <index folder> <query>…');
  process.exit(2);
}
const dir = fs.existsSync(path.join(dirArg, 'meta.json')) ? dirArg : path.join(dirArg, 'tim-kiem', 'index');

function total(dirPath) {
  let bytes = 0;
  let gz = 0;
  let files = 0;
  for (const e of fs.readdirSync(dirPath, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue;
    const b = fs.readFileSync(path.join(e.parentPath || e.path, e.name));
    bytes += b.length;
    gz += zlib.gzipSync(b).length;
    files++;
  }
  return { files, bytes, gz };
}

const kb = (n) => `${(n / 1024).toFixed(1)} KiB`;

(async () => {
  const t = total(dir);
  console.log(`index: ${t.files} files, ${kb(t.bytes)} (gzip ${kb(t.gz)})`);
  for (const q of queries) {
    const fetched = [];
    const s = search.createSearcher(async (p, v, kind, span) => {
      const whole = fs.readFileSync(path.join(dir, p));
      // Excerpt texts are gzip already, served as they are: one Range of a pack each (an
      // index of format 1 asked for a whole `x/<id>.gz` file, kind "gz").
      const b = kind === 'range' ? whole.subarray(span[0], span[1]) : whole;
      const raw = kind === 'range' || kind === 'gz';
      fetched.push({ p, raw: b.length, gz: raw ? b.length : zlib.gzipSync(b).length });
      return raw ? new Uint8Array(b) : JSON.parse(b.toString('utf8'));
    });
    const start = process.hrtime.bigint();
    const { results } = await s.search(q);
    const ranked = Number(process.hrtime.bigint() - start) / 1e6;
    const rankFiles = fetched.length;
    const ids = results.slice(0, search.PAGE_SIZE).map((r) => r.id);
    await Promise.all([s.docs(ids), ...(s.text ? ids.map((id) => s.text(id)) : [])]);
    const all = Number(process.hrtime.bigint() - start) / 1e6;
    const sum = (list, k) => list.reduce((a, f) => a + f[k], 0);
    const forRank = fetched.slice(0, rankFiles);
    const forDocs = fetched.slice(rankFiles);
    console.log(`\n“${q}”: ${results.length} results, ranked in ${ranked.toFixed(1)} ms, first page in ${all.toFixed(1)} ms`);
    console.log(`  to rank: ${forRank.length} files, ${kb(sum(forRank, 'raw'))} (gzip ${kb(sum(forRank, 'gz'))})`);
    for (const f of forRank) console.log(`    ${f.p.padEnd(12)} ${kb(f.raw).padStart(10)}  gzip ${kb(f.gz)}`);
    console.log(`  first ${search.PAGE_SIZE} results: ${forDocs.length} files, ${kb(sum(forDocs, 'raw'))} (gzip ${kb(sum(forDocs, 'gz'))})`);
  }
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
