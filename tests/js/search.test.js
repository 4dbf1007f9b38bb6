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
  const s = search.createSearcher(async (p, v, kind, span) => {
    fetched.push(p);
    if (p !== 'meta.json') assert.match(v, /^[0-9a-f]{8}$/, 'shards are fetched with the build version');
    if (kind === 'range') return new Uint8Array(fs.readFileSync(path.join(indexDir, p)).subarray(span[0], span[1]));
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
  assert.ok(rest.length >= 1 && rest.length <= 5, rest.join(' '));
  // Postings shards, the names file, and the prefix list of the last syllable.
  assert.ok(rest.every((p) => /^([tk]\/[0-9a-f]+|n)\.json$/.test(p)), rest.join(' '));
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

// ---------------------------------------------------------------------------------------
// Issue 24: every word required, excerpts, tones typed, typing, document numbers, names.

test('every word is required: a word no page has is named, its results offered apart', { skip }, async () => {
  const { s } = searcher();
  const found = await s.search('học phí');
  assert.deepEqual(found.results, [], 'no page has "phí": nothing is the answer');
  assert.deepEqual(found.missing, ['phí']);
  const hoc = await urls('học');
  assert.ok(hoc.length >= 5);
  assert.equal(found.suggestion.query, 'học');
  const offered = await s.docs(found.suggestion.results.map((r) => r.id));
  assert.deepEqual(offered.map((d) => d.url), hoc);
  assert.equal(search.statusText('học phí', 0, {}, found.missing), 'Không có trang nào chứa “phí”.');
  assert.equal(search.suggestionText(found.missing), ' Kết quả khi bỏ “phí”: ');
  assert.equal(search.suggestionLink('học', 17), '“học” (17 trang)');
  // A typo: `vein` is no syllable of the site, nor the start of one.
  const typo = await s.search('dang vein');
  assert.deepEqual([typo.results, typo.missing, typo.suggestion.query], [[], ['vein'], 'dang']);
  // … and the query as it was likely meant, one edit away, offered too.
  assert.equal(typo.correction.query, 'dang vien');
  const meant = await s.docs(typo.correction.results.map((r) => r.id));
  assert.deepEqual(meant.map((d) => d.url), await urls('dang vien'));
  // A word typed with diacritics is taken as meant: `phí` is not corrected.
  assert.equal(found.correction, null);
  // Both words exist, never on one page: no results, and nothing to offer.
  const apart = await s.search('xương hữu nghị');
  assert.deepEqual([apart.results, apart.missing, apart.suggestion], [[], [], null]);
  assert.deepEqual(search.dropWords('“học” phí, xyz', ['phí', 'xyz']), '“học” ,');
});

test('one edit apart: a letter added, left out, changed, or two side by side swapped', () => {
  const yes = [['vein', 'vien'], ['dnag', 'dang'], ['hoc', 'hocj'], ['hoc', 'ho'], ['hoc', 'hc'], ['hoc', 'ohc'], ['hoc', 'hoa'], ['khuyne', 'khuyen']];
  const no = [['hoc', 'hoc'], ['hoc', 'xyz'], ['abc', 'cab'], ['hoc', 'hocjk'], ['dang', 'gnad']];
  for (const [a, b] of yes) assert.ok(search.oneEditApart(a, b) && search.oneEditApart(b, a), `${a} ${b}`);
  for (const [a, b] of no) assert.ok(!search.oneEditApart(a, b) && !search.oneEditApart(b, a), `${a} ${b}`);
  const lists = [{ vi: [['vien', 9], ['viet', 3]], ve: [['ven', 2]] }, { da: [['dang', 30]] }];
  assert.equal(search.closestKey('vein', lists), 'vien', 'the nearest on most pages');
  assert.equal(search.closestKey('vein', [{ ve: [['ven', 9]], vi: [['vien', 9]] }]), 'ven', 'a tie: code order');
  assert.equal(search.closestKey('xyzw', lists), null);
  assert.equal(search.closestKey('dag', lists), null, 'under four letters: not tried');
  assert.equal(search.replaceWords('“đảng” vein, x', new Map([['vein', 'vien']])), '“đảng” vien, x');
});

test('a query typed with tones ranks exact spellings first', { skip }, async () => {
  // Untyped tones: the title bigram "học bổng đã" (folded "bong da") ranks first.
  assert.equal((await urls('bong da'))[0], '/hoc-bong/');
  const toned = await urls('bóng đá');
  assert.equal(toned[0], '/bong-da/');
  assert.ok(toned.indexOf('/hoc-bong/') > 0, 'tone-free matches still come, after');
});

test('the last syllable matches as the start of one while it is being typed', { skip }, async () => {
  const { s, fetched } = searcher();
  const khuy = await s.docs((await s.search('khuy')).results.map((r) => r.id));
  const all = await urls('khuyen');
  assert.ok(all.length >= 3);
  assert.deepEqual(khuy.map((d) => d.url).sort(), all.sort());
  assert.ok(fetched.some((p) => /^k\/[0-9a-f]+\.json$/.test(p)), 'the prefix list is fetched');
  // Adjacent to the previous syllable, as a bigram: "quỹ khuyến" ranks the title first.
  assert.equal((await urls('quy khuy'))[0], '/khuyen-hoc/');
  // A syllable with a tone mark is typed out; a whole syllable of the site is itself.
  const meta = await s.meta();
  assert.equal(search.planQuery(search.parseQuery('khuý'), meta.stop, meta.prefix).prefix, null);
  assert.equal(search.planQuery(search.parseQuery('"khuy"'), meta.stop, meta.prefix).prefix, null);
  assert.deepEqual((await urls('hoc')).sort(), (await urls('học')).sort());
});

test('a document number or alias ranks its document first, then the pages citing it', { skip }, async () => {
  for (const q of ['49-KL/TW', '49-kl/tw', 'kết luận 49', 'Ket luan 49']) {
    const got = await urls(q);
    assert.equal(got[0], '/van-ban/49-kl-tw/', q);
    assert.equal(got[1], '/thuc-hien-ket-luan-49/', q);
  }
  assert.equal(search.codeKey('“49-KL/TW”'), '49 kl tw');
  // Without the registry, the newer citing page comes first.
  assert.equal((await urls('"49-KL/TW" triển khai'))[0], '/thuc-hien-ket-luan-49/');
});

test('term pages matching the query, and the audience by its name', { skip }, async () => {
  const { s } = searcher();
  const kh = await s.search('khuyen hoc');
  assert.deepEqual(kh.topics, [{ kind: 't', label: 'thẻ', name: 'Khuyến học', url: '/tags/khuyen-hoc/' }]);
  const gd = await s.search('gia đình');
  assert.deepEqual(gd.topics.map((t) => t.url), ['/doi-tuong/gia-dinh/']);
  assert.deepEqual((await s.search('hoc tap suo')).topics.map((t) => t.name), ['Học tập suốt đời']);
  const labels = search.filterLabels(kh.meta, { audience: 'gia-dinh', tag: 'Khuyến học' });
  assert.deepEqual(labels, { audience: 'Gia đình', tag: 'Khuyến học' });
  assert.equal(
    search.statusText('khuyen hoc', 1, labels),
    'Tìm thấy 1 kết quả cho “khuyen hoc” (lọc theo đối tượng “Gia đình”, thẻ “Khuyến học”)',
  );
  assert.deepEqual(search.filterLabels(kh.meta, { audience: 'khong-co' }).audience, 'khong-co');
});

/** The excerpt of the first result of `q`, as the page shows it. */
async function firstExcerpt(q) {
  const { s } = searcher();
  const { results, plan } = await s.search(q);
  const [doc] = await s.docs([results[0].id]);
  const page = await s.text(results[0].id);
  const tokens = [doc.title, doc.summary, page.text].flatMap((t) => search.tokenize(t).flat());
  return { doc, ex: search.excerpt(page.text, page.headings, search.marker(plan, tokens)) };
}

test('the excerpt marks the syllables the query typed, under its heading', { skip }, async () => {
  const { doc, ex } = await firstExcerpt('Nguyễn Thị Doan');
  assert.equal(doc.url, '/nguyen-thi-doan/');
  const hits = ex.parts.filter((p) => p.hit).map((p) => p.text);
  assert.deepEqual(hits, ['Nguyễn', 'Thị', 'Doan'], '"đoạn" is not "Doan" when the query has diacritics');
  assert.deepEqual(ex.heading, { id: 'gia-dinh-van-hoa', title: 'Gia đình văn hoá' });
  const text = ex.parts.map((p) => p.text).join('');
  assert.ok(text.includes('giai đoạn 2021–2025, bà Nguyễn Thị Doan vận động'), text);
  // Typed without any mark, the query folds: đoạn is doan too.
  const plain = await firstExcerpt('nguyen thi doan');
  assert.deepEqual(plain.ex.parts.filter((p) => p.hit).map((p) => p.text), ['đoạn', 'Nguyễn', 'Thị', 'Doan']);
  // A match under the second heading names it.
  const later = await firstExcerpt('xóm được khen');
  assert.deepEqual(later.ex.heading, { id: 'ket-qua', title: 'Kết quả' });
});

test('excerpts: about 200 characters around the best stretch, whole syllables, cut marks', () => {
  const filler = 'Một câu không liên quan gì cả. '.repeat(20);
  const text = `${filler}Quỹ khuyến học xã. ${filler}Hội khuyến học trao học bổng cho xã. ${filler}`;
  const mark = search.marker(['khuyen', 'hoc', 'bong'], []);
  const ex = search.excerpt(text, [], mark);
  const shown = ex.parts.map((p) => p.text).join('');
  assert.ok(shown.includes('trao học bổng'), 'the stretch with the most query syllables');
  assert.ok(shown.length <= 210 && shown.length >= 150, `${shown.length}: ${shown}`);
  assert.ok(ex.before && ex.after);
  assert.ok(text.includes(shown.trim()), 'a verbatim stretch, cut between syllables');
  assert.equal(search.excerpt('Không có gì.', [], mark), null);
  const short = search.excerpt('Khuyến học.', [], mark);
  assert.deepEqual(short, { parts: [{ text: 'Khuyến', hit: true }, { text: ' ', hit: false }, { text: 'học', hit: true }, { text: '.', hit: false }], before: false, after: false, heading: null });
});

test('excerpt texts are gzip parts of a pack, read with DecompressionStream, and plain bytes too', { skip }, async () => {
  const meta = JSON.parse(fs.readFileSync(path.join(indexDir, 'meta.json'), 'utf8'));
  const pack = fs.readFileSync(path.join(indexDir, 'x', '0.bin'));
  const rows = JSON.parse(fs.readFileSync(path.join(indexDir, 'd', '0.json'), 'utf8'));
  assert.ok(meta.docs > 1 && meta.xchunk >= meta.docs, 'the fixture pages share one pack');
  // The parts of the pack, one a page, in page order, fill it.
  let end = 0;
  for (const r of rows) {
    assert.equal(r[6], end);
    end += r[7];
  }
  const [at, length] = rows[1].slice(6);
  const bytes = pack.subarray(at, at + length);
  assert.deepEqual([...bytes.subarray(0, 2)], [0x1f, 0x8b]);
  const parsed = await search.parseGzipJson(new Uint8Array(bytes));
  assert.deepEqual(parsed, JSON.parse(require('node:zlib').gunzipSync(bytes).toString('utf8')));
  assert.deepEqual(await search.parseGzipJson(new TextEncoder().encode('["a",[]]').buffer), ['a', []]);
});

/** A worker scope for `search.serve`: requests in, replies out, as structured clones. */
function fakeWorker(loaderFor) {
  const replies = new Map();
  const scope = {
    postMessage(m) {
      replies.get(m.n)(structuredClone(m));
    },
  };
  search.serve(scope, loaderFor);
  let n = 0;
  return (op, args, base = 'http://127.0.0.1/tim-kiem/index/') =>
    new Promise((resolve) => {
      const k = ++n;
      replies.set(k, resolve);
      scope.onmessage({ data: structuredClone({ n: k, op, base, args }) });
    });
}

test('the worker answers searches and result items as the page would make them', { skip }, async () => {
  const bases = [];
  const ask = fakeWorker((base) => {
    bases.push(base);
    return (p, v, kind, span) => {
      if (kind === 'range') return Promise.resolve(new Uint8Array(fs.readFileSync(path.join(indexDir, p)).subarray(span[0], span[1])));
      return Promise.resolve(JSON.parse(fs.readFileSync(path.join(indexDir, p), 'utf8')));
    };
  });
  const { s } = searcher();
  const here = await s.search('khuyến học', {});
  const found = await ask('search', ['khuyến học', {}]);
  assert.equal(found.ok, true, found.error);
  assert.deepEqual(found.value.results, here.results);
  assert.deepEqual(found.value.missing, here.missing);
  const ids = found.value.results.slice(0, 3).map((r) => r.id);
  // The plan goes back to the worker as the page got it (a structured clone).
  const items = await ask('items', [ids, found.value.plan]);
  assert.equal(items.ok, true, items.error);
  const docs = await s.docs(ids);
  const pages = await Promise.all(ids.map((id) => s.text(id)));
  assert.deepEqual(items.value, docs.map((d, i) => search.prepareItem(d, here.plan, pages[i])));
  assert.deepEqual(items.value, await s.items(ids, here.plan));
  const first = items.value[0];
  assert.ok(first.excerpt && first.excerpt.parts.some((p) => p.hit), 'the first item has an excerpt with marks');
  assert.ok(first.title.some((p) => p.hit), 'its title is marked');
  // One searcher per index, whatever the number of requests.
  assert.deepEqual(bases, ['http://127.0.0.1/tim-kiem/index/']);
  const unknown = await ask('dance', []);
  assert.deepEqual([unknown.ok, unknown.error], [false, 'unknown request dance']);
});

test('the worker reports an index that fails to load, and a page whose text fails shows its summary', { skip }, async () => {
  const ask = fakeWorker(() => (p) => Promise.reject(new Error(`404 ${p}`)));
  const failed = await ask('search', ['khuyen hoc', {}]);
  assert.deepEqual([failed.ok, failed.error], [false, '404 meta.json']);
  const textless = fakeWorker(() => (p, v, kind) => {
    if (kind === 'range') return Promise.reject(new Error('404'));
    return Promise.resolve(JSON.parse(fs.readFileSync(path.join(indexDir, p), 'utf8')));
  });
  const found = await textless('search', ['nghi le', {}]);
  const ids = found.value.results.map((r) => r.id);
  const items = (await textless('items', [ids, found.value.plan])).value;
  assert.equal(items.length, ids.length);
  assert.ok(items.every((it) => it.excerpt === null), 'no text, no excerpt');
  const summarised = items.filter((it) => it.doc.summary);
  assert.ok(summarised.length > 0, 'some result has a summary');
  for (const it of summarised) assert.equal(it.summary.map((p) => p.text).join(''), it.doc.summary, 'the summary stands in for the excerpt');
});

test("fold and tone keys stay right past the memo's size (it is cleared, not grown)", () => {
  for (let i = 0; i < 25000; i++) search.fold(`Đường${i}`);
  assert.equal(search.fold('Khuyến Học'), 'khuyen hoc');
  assert.equal(search.fold('Đường24999'), 'duong24999');
  for (let i = 0; i < 25000; i++) search.toneKey(`hoà${i}`);
  assert.equal(search.toneKey('Hoà'), 'hòa');
});

/** A stand-in for `fetch` serving `files` (href → bytes), honouring Range or not; `asked` logs each request. */
function fakeFetch(files, honoursRange) {
  const asked = [];
  const fetchFn = async (href, init) => {
    const range = init && init.headers && init.headers.Range;
    asked.push([href, range || null]);
    const body = files.get(href);
    if (!body) return { ok: false, status: 404, arrayBuffer: async () => new ArrayBuffer(0) };
    const m = honoursRange && range && /^bytes=(\d+)-(\d+)$/.exec(range);
    const part = m ? body.subarray(Number(m[1]), Number(m[2]) + 1) : body;
    const copy = part.buffer.slice(part.byteOffset, part.byteOffset + part.length);
    return { ok: true, status: m ? 206 : 200, arrayBuffer: async () => copy };
  };
  return { fetchFn, asked };
}

test('parts of a pack: one Range request each, or the whole file once from a server that ignores Range', async () => {
  const a = new URL('https://example.org/tim-kiem/index/x/0.bin?v=1');
  const b = new URL('https://example.org/tim-kiem/index/x/1.bin?v=1');
  const files = new Map([
    [a.href, Uint8Array.from({ length: 100 }, (_, i) => i)],
    [b.href, Uint8Array.from({ length: 50 }, (_, i) => 200 - i)],
  ]);
  for (const honours of [true, false]) {
    const { fetchFn, asked } = fakeFetch(files, honours);
    const part = search.rangeLoader(fetchFn);
    assert.deepEqual([...(await part(a, 10, 14))], [10, 11, 12, 13]);
    assert.deepEqual([...(await part(a, 90, 100))], [90, 91, 92, 93, 94, 95, 96, 97, 98, 99]);
    assert.deepEqual([...(await part(b, 0, 3))], [200, 199, 198]);
    if (honours) {
      assert.deepEqual(asked, [[a.href, 'bytes=10-13'], [a.href, 'bytes=90-99'], [b.href, 'bytes=0-2']]);
    } else {
      // Each file came whole once; the second part of `a` was cut from the first answer.
      assert.deepEqual(asked.map(([href]) => href), [a.href, b.href]);
    }
    await assert.rejects(part(new URL('https://example.org/x/9.bin'), 0, 1), /404/);
  }
});

test('search.js builds the results with text nodes only (stored XSS, issue #9)', () => {
  const src = fs.readFileSync(path.join(__dirname, '../../themes/loa/static/search.js'), 'utf8');
  for (const sink of ['innerHTML', 'outerHTML', 'insertAdjacentHTML', 'document.write', 'eval(']) {
    assert.ok(!src.includes(sink), sink);
  }
});

test('the page passes its words: the status line and counts in its language', () => {
  search.setWords({
    found: '{n} results for “{q}”{filters}',
    foundOne: '{n} result for “{q}”{filters}',
    filters: ' (filtered by {list})',
    filterSection: 'section “{v}”',
    suggestionLink: '“{q}” ({n} pages)',
    suggestionLinkOne: '“{q}” ({n} page)',
    thousands: ',',
  });
  try {
    assert.equal(search.statusText('x', 12345), '12,345 results for “x”');
    assert.equal(search.statusText('a', 2, { section: 'News' }), '2 results for “a” (filtered by section “News”)');
    assert.equal(search.suggestionLink('học {q}', 1234), '“học {q}” (1,234 pages)');
    // One is said apart where the language says it so.
    assert.equal(search.statusText('a', 1), '1 result for “a”');
    assert.equal(search.suggestionLink('học', 1), '“học” (1 page)');
    // A word the page does not pass stays the Vietnamese one.
    assert.equal(search.suggestionText(['phí']), ' Kết quả khi bỏ “phí”: ');
  } finally {
    search.setWords({});
  }
  assert.equal(search.statusText('x', 12345), 'Tìm thấy 12.345 kết quả cho “x”');
  // A page that passes no words for one says one as it says many, in its own language.
  search.setWords({ found: '{n} hits for “{q}”{filters}', suggestionLink: '“{q}” ({n} hits)' });
  try {
    assert.equal(search.statusText('a', 1), '1 hits for “a”');
    assert.equal(search.suggestionLink('a', 1), '“a” (1 hits)');
  } finally {
    search.setWords({});
  }
});
