// Tests of themes/loa/static/search.js against an index built by Rust.
//
// Run by tests/suite/search_js.rs, which builds the index of its fixture pages and writes
// golden values (Rust's fold, tone key, tokens, shard hashes) into a temp folder, then runs
// `node --test` with LOA_SEARCH_FIXTURE pointing at it. Without the variable every test skips.
'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');

const search = require('../../themes/loa/static/search.js');

const fixture = process.env.LOA_SEARCH_FIXTURE;
const skip = fixture ? false : 'LOA_SEARCH_FIXTURE is not set (run `cargo test --test suite search_js`)';
const indexDir = fixture ? path.join(fixture, 'tim-kiem', 'index') : '';

/** A searcher reading the fixture index from disk; `fetched` records every path loaded. */
function searcher() {
  const fetched = [];
  const s = search.createSearcher(async (p, v) => {
    fetched.push(p);
    if (p !== 'meta.json') assert.match(v, /^[0-9a-f]{8}$/, 'shards are fetched with the build version');
    return JSON.parse(fs.readFileSync(path.join(indexDir, p), 'utf8'));
  });
  return { s, fetched };
}

async function urls(q, filters) {
  const { s } = searcher();
  const { results } = await s.search(q, filters);
  const docs = await s.docs(results.map((r) => r.id));
  return docs.map((d) => d.url);
}

function goldens() {
  return JSON.parse(fs.readFileSync(path.join(fixture, 'goldens.json'), 'utf8'));
}

test('fold and tone key match Rust on golden strings', { skip }, () => {
  const g = goldens();
  assert.ok(g.keys.length > 10);
  for (const { input, fold, tone } of g.keys) {
    assert.equal(search.fold(input), fold, `fold ${JSON.stringify(input)}`);
    assert.equal(search.toneKey(input), tone, `toneKey ${JSON.stringify(input)}`);
  }
});

test('tokenize matches Rust on golden strings', { skip }, () => {
  for (const { input, segments } of goldens().tokens) {
    const js = search.tokenize(input).map((seg) => seg.map((t) => [t.text, t.fold, t.tone]));
    assert.deepEqual(js, segments, `tokenize ${JSON.stringify(input)}`);
  }
});

test('hashes, shard names and number decoding match Rust', { skip }, () => {
  const g = goldens();
  for (const { key, bits, shard } of g.shards) {
    assert.equal(search.shardName(search.shardOf(key, bits), bits), shard, `${key} / ${bits} bits`);
  }
  assert.deepEqual(search.decodeNumbers(g.numbers.text), g.numbers.values);
});

test('khuyen hoc, khuyến học and KHUYẾN HỌC return the same pages', { skip }, async () => {
  const plain = await urls('khuyen hoc');
  assert.ok(plain.length >= 2, plain.join(' '));
  for (const q of ['khuyến học', 'KHUYẾN HỌC', 'Khuyến Học', 'khuye\u0302\u0301n ho\u0323c']) {
    const got = await urls(q);
    assert.deepEqual([...got].sort(), [...plain].sort(), q);
    assert.equal(got[0], plain[0], q);
  }
});

test('dang vien finds a page that only has Đảng viên', { skip }, async () => {
  const got = await urls('dang vien');
  assert.equal(got[0], '/dang-vien/');
});

test('adjacent syllables outrank scattered ones', { skip }, async () => {
  const got = await urls('khuyen hoc');
  // /rai-rac/ is newer (a lower id) but has "khuyến" and "học" only apart.
  assert.ok(got.includes('/rai-rac/'));
  assert.ok(got.indexOf('/khuyen-hoc/') < got.indexOf('/rai-rac/'), got.join(' '));
  // The title and tag match ranks above a body-only match.
  assert.equal(got[0], '/khuyen-hoc/');
});

test('a quoted query is a phrase within one segment', { skip }, async () => {
  for (const q of ['"xã hội học tập"', '“xa hoi hoc tap”']) {
    assert.deepEqual(await urls(q), ['/xa-hoi-hoc-tap/'], q);
  }
  // Unquoted: the phrase ranks first, pages with the parts apart still come.
  const loose = await urls('xã hội học tập');
  assert.equal(loose[0], '/xa-hoi-hoc-tap/');
  assert.ok(loose.includes('/xa-hoi-hoc/') && loose.includes('/xa-hoi-hoc-va-hoc-tap/'), loose.join(' '));
});

test('no bigram across punctuation, in the index or the query', { skip }, async () => {
  // "tuyển sinh; học tập" is in /tuyen-sinh/: "sinh học" must not match it as a phrase.
  assert.deepEqual(await urls('"sinh học"'), ['/sinh-hoc/']);
  const plan = search.planQuery(search.parseQuery('tuyển sinh; học tập'), []);
  assert.deepEqual(plan.bigrams.sort(), ['hoc tap', 'tuyen sinh']);
});

test('a query with diacritics ranks the exact spelling first', { skip }, async () => {
  const hoc = await urls('hóc');
  assert.equal(hoc[0], '/hoc-xuong/');
  assert.ok(hoc.includes('/di-hoc/'), 'folded matches still come');
  const hoc2 = await urls('học');
  assert.ok(hoc2.indexOf('/di-hoc/') < hoc2.indexOf('/hoc-xuong/'));
  // Tone style is normalised: hoà and hòa are one spelling.
  assert.equal((await urls('hoà bình'))[0], '/hoa-binh/');
  const { s } = searcher();
  const a = await s.search('hoà');
  const b = await s.search('hòa');
  assert.deepEqual(a.results, b.results);
});

test('stop words are dropped from unigrams but kept in phrases', { skip }, async () => {
  const { s } = searcher();
  const meta = await s.meta();
  const plan = search.planQuery(search.parseQuery('quỹ của hội'), meta.stop);
  assert.deepEqual(plan.unigrams.sort(), ['hoi', 'quy']);
  assert.deepEqual(plan.bigrams.sort(), ['cua hoi', 'quy cua']);
  assert.equal((await urls('quỹ của hội'))[0], '/quy-cua-hoi/');
  // `co` (no marks) is not the stop word `có`: it finds `cơ sở`.
  assert.ok((await urls('co so')).includes('/xa-hoi-hoc-tap/'));
});

test('filters by section, audience and tag', { skip }, async () => {
  const all = await urls('khuyen hoc');
  assert.deepEqual(await urls('khuyen hoc', { section: 'Văn bản' }), ['/van-ban-khuyen-hoc/']);
  assert.deepEqual(await urls('khuyen hoc', { section: 'van ban' }), ['/van-ban-khuyen-hoc/'], 'folded');
  assert.deepEqual(await urls('khuyen hoc', { audience: 'nong-dan' }), ['/rai-rac/']);
  const tagged = await urls('khuyen hoc', { tag: 'Khuyến học' });
  assert.deepEqual(tagged, ['/khuyen-hoc/', '/van-ban-khuyen-hoc/']);
  // Tone style of the tag name does not matter.
  assert.deepEqual(await urls('dang', { tag: 'Đảng uỷ' }), await urls('dang', { tag: 'Đảng ủy' }));
  assert.deepEqual(await urls('dang', { tag: 'Đảng uỷ' }), ['/dang-vien/', '/quy-cua-hoi/']);
  assert.deepEqual(await urls('khuyen hoc', { section: 'Tin tức', tag: 'Khuyến học' }), ['/khuyen-hoc/']);
  assert.deepEqual(await urls('khuyen hoc', { tag: 'Không có thẻ này' }), []);
  assert.deepEqual(await urls('khuyen hoc', {}), all);
});

test('only the files a query needs are fetched', { skip }, async () => {
  const { s, fetched } = searcher();
  await s.search('khuyen hoc');
  assert.equal(fetched[0], 'meta.json');
  const rest = fetched.slice(1);
  assert.ok(rest.length >= 1 && rest.length <= 3, rest.join(' '));
  assert.ok(rest.every((p) => /^t\/[0-9a-f]+\.json$/.test(p)), rest.join(' '));
  fetched.length = 0;
  await s.search('khuyến học');
  assert.deepEqual(fetched, [], 'a second query reuses meta and shards');
  await s.search('xã hội học tập');
  assert.ok(fetched.some((p) => p.startsWith('p/')), 'three syllables need positions');
  fetched.length = 0;
  await s.docs([0, 1]);
  assert.deepEqual(fetched, ['d/0.json']);
});

test('titles and urls with markup round-trip as text', { skip }, async () => {
  const { s } = searcher();
  const { results } = await s.search('nghỉ lễ');
  const [doc] = await s.docs([results[0].id]);
  assert.equal(doc.title, '<script>alert("x")</script> Thông báo “nghỉ lễ” & <b>lịch</b>');
  assert.equal(doc.url, '/thong-bao/?a=1&b="2"');
  assert.equal(doc.date, '2024-04-01');
  assert.equal(doc.section, 'Tin tức');
});

test('highlight marks the query syllables of a text', () => {
  const parts = search.highlight('Quỹ Khuyến học, năm HỌC mới', ['khuyen', 'hoc']);
  assert.deepEqual(parts, [
    { text: 'Quỹ ', hit: false },
    { text: 'Khuyến', hit: true },
    { text: ' ', hit: false },
    { text: 'học', hit: true },
    { text: ', năm ', hit: false },
    { text: 'HỌC', hit: true },
    { text: ' mới', hit: false },
  ]);
});

test('status texts, counts, dates and URL parameters', () => {
  assert.equal(search.statusText(' khuyến học ', 3), 'Tìm thấy 3 kết quả cho “khuyến học”');
  assert.equal(search.statusText('x', 12345), 'Tìm thấy 12.345 kết quả cho “x”');
  assert.match(search.statusText('xyz', 0), /^Không tìm thấy kết quả nào cho “xyz”/);
  assert.equal(
    search.statusText('a', 1, { section: 'Tin tức', tag: 'Đảng ủy' }),
    'Tìm thấy 1 kết quả cho “a” (lọc theo mục “Tin tức”, thẻ “Đảng ủy”)',
  );
  assert.equal(search.formatCount(1234567), '1.234.567');
  assert.equal(search.formatDate('2022-09-15'), '15/9/2022');
  assert.deepEqual(search.readParams('?q=khuyen+hoc&tag=%C4%90%E1%BA%A3ng+%E1%BB%A7y&x=1'), {
    q: 'khuyen hoc',
    section: '',
    audience: '',
    tag: 'Đảng ủy',
  });
});

test('empty and punctuation-only queries find nothing and fetch no shard', { skip }, async () => {
  const { s, fetched } = searcher();
  for (const q of ['', '   ', '“”', ';;']) {
    const { results, plan } = await s.search(q);
    assert.equal(plan.empty, true, q);
    assert.deepEqual(results, []);
  }
  assert.deepEqual(fetched, ['meta.json']);
});
