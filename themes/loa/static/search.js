/*
 * loa site search (VIETNAMESE.md §7). Plain JS, no library, no third-party request.
 *
 * In the browser: on a page with an element #ket-qua (the search page, /tim-kiem/), reads
 * `q` and the optional filters `section`, `audience`, `tag` from the page URL, loads the index
 * that `loa build` writes under tim-kiem/index/ (only once a query is made, and only the files
 * the query needs), ranks, and renders links into #ket-qua. The form #o-tim-kiem (an input
 * named `q`, optional fields named like the filters) searches as the user types and keeps the
 * URL in step with history.replaceState. On other pages it does nothing.
 *
 * Index location: the `data-index` attribute of this script tag, else `window.LOA_SEARCH_INDEX`,
 * else `index/` relative to the page (the search page lives at <base>/tim-kiem/).
 *
 * Under Node (`require`), exports the pure parts for tests: folding, tokenising, decoding,
 * query planning, ranking, snippets and texts. Keep `fold`, `toneKey`, `tokenize`, `decode`,
 * `fnv1a` and `shardName` in step with src/vi/fold.rs and src/search/ (golden tests compare).
 */
(function (root, factory) {
  'use strict';
  const api = factory();
  if (typeof module === 'object' && module.exports) {
    module.exports = api;
  } else if (typeof document !== 'undefined') {
    api.boot(document.currentScript, root);
  }
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  const FORMAT = 1;
  const PAGE_SIZE = 10;
  const MAX_TOKEN_CHARS = 32;
  const MARK = /\p{M}/u;
  const ALPHA = /\p{Alphabetic}/u;
  const TOKEN_CHAR = /[\p{Alphabetic}\p{N}\p{M}]/u;
  const BREAKS = new Set([
    ',', ';', '.', ':', '“', '”', '"', '–', '—', '(', ')', '!', '?', '…', '[', ']', '{', '}', '«',
    '»', '‘', '’', '„', '‟', "'", '•', '·', '|', '-', '/', '\n', '\r', '\u2028', '\u2029', '\u0085',
  ]);
  const INNER = new Set(['.', ':', '-', '/', "'", '’']);
  const QUOTES = new Set(['"', '“', '”', '„', '‟']);
  const TONES = ['\u0300', '\u0309', '\u0303', '\u0301', '\u0323'];
  const FINAL_DIGITS = '0123456789abcdefghijklmnopqrstuv';
  const MORE_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZwxyz-_';
  const IN_SUMMARY = 8;
  const IN_TAGS = 16;
  const IN_TITLE = 32;
  const BODY_TF = 7;

  // ---------------------------------------------------------------------------------------
  // Vietnamese keys (src/vi/fold.rs)

  /** Fold key: NFD, drop combining marks, đ Đ ð Ð → d, lower case (per character, as Rust). */
  function fold(s) {
    let out = '';
    for (const c of String(s).normalize('NFD')) {
      if (MARK.test(c)) continue;
      if (c === 'đ' || c === 'Đ' || c === 'ð' || c === 'Ð') {
        out += 'd';
        continue;
      }
      for (const l of c.toLowerCase()) if (!MARK.test(l)) out += l;
    }
    return out;
  }

  function baseAndTone(c) {
    const parts = Array.from(c.normalize('NFD'));
    if (parts.length === 1) return [parts[0], null];
    if (parts.length === 2 && TONES.includes(parts[1])) return parts;
    return null;
  }

  function isVowel(c) {
    let base = c;
    for (const d of c.normalize('NFD')) if (!MARK.test(d)) base = d;
    return 'aeiouy'.includes(base);
  }

  function oldStyle(word) {
    const n = word.length;
    if (n >= 2 && (n === 2 || (word[n - 3] !== 'q' && !isVowel(word[n - 3])))) {
      const a = baseAndTone(word[n - 2]);
      const b = baseAndTone(word[n - 1]);
      const pair = a && b ? a[0] + b[0] : '';
      if (a && b && a[1] === null && b[1] !== null && (pair === 'oa' || pair === 'oe' || pair === 'uy')) {
        const toned = (a[0] + b[1]).normalize('NFC');
        if (Array.from(toned).length === 1) return word.slice(0, n - 2).join('') + toned + b[0];
      }
    }
    return word.join('');
  }

  /** Tone-style key: NFC, lower case, ð → đ, new-style tone marks (hoà) moved to old style (hòa). */
  function toneKey(s) {
    const chars = Array.from(String(s).toLowerCase().normalize('NFC'), (c) => (c === 'ð' ? 'đ' : c));
    let out = '';
    let i = 0;
    while (i < chars.length) {
      if (!ALPHA.test(chars[i])) {
        out += chars[i++];
        continue;
      }
      const start = i;
      while (i < chars.length && ALPHA.test(chars[i])) i++;
      out += oldStyle(chars.slice(start, i));
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------
  // Tokens and segments (src/search/tokenize.rs)

  /**
   * Splits text into punctuation segments of tokens {text, start, end, fold, tone}; start and
   * end are UTF-16 offsets into `text`.
   */
  function tokenize(text) {
    text = String(text);
    const chars = [];
    for (let i = 0; i < text.length; ) {
      const c = String.fromCodePoint(text.codePointAt(i));
      chars.push([c, i]);
      i += c.length;
    }
    const isDigit = (k) => k >= 0 && k < chars.length && chars[k][0] >= '0' && chars[k][0] <= '9';
    const isTok = (k) => k >= 0 && k < chars.length && TOKEN_CHAR.test(chars[k][0]);
    const segments = [];
    let current = [];
    let start = -1;
    const endSegment = () => {
      if (current.length) segments.push(current);
      current = [];
    };
    const pushToken = (from, to) => {
      const raw = text.slice(from, to);
      const f = fold(raw);
      const len = Array.from(f).length;
      if (len === 0) return;
      if (len > MAX_TOKEN_CHARS) return endSegment();
      current.push({ text: raw, start: from, end: to, fold: f, tone: toneKey(raw) });
    };
    for (let k = 0; k < chars.length; k++) {
      const [c, at] = chars[k];
      let cls;
      if (TOKEN_CHAR.test(c)) cls = 'token';
      else if ((c === '.' || c === ',') && isDigit(k - 1) && isDigit(k + 1)) cls = 'token';
      else if (INNER.has(c) && isTok(k - 1) && isTok(k + 1)) cls = 'sep';
      else cls = BREAKS.has(c) ? 'break' : 'sep';
      if (cls === 'token') {
        if (start < 0) start = at;
        continue;
      }
      if (start >= 0) pushToken(start, at);
      start = -1;
      if (cls === 'break') endSegment();
    }
    if (start >= 0) pushToken(start, text.length);
    endSegment();
    return segments;
  }

  // ---------------------------------------------------------------------------------------
  // Index encodings (src/search/encode.rs)

  // Character code → digit value; +32 marks a digit that is not the last of its number.
  const DIGIT = new Int8Array(128).fill(-1);
  for (let i = 0; i < 32; i++) {
    DIGIT[FINAL_DIGITS.charCodeAt(i)] = i;
    DIGIT[MORE_DIGITS.charCodeAt(i)] = 32 + i;
  }

  /** Decodes a run of base-32 numbers (earlier digits from MORE_DIGITS, the last from FINAL_DIGITS). */
  function decodeNumbers(s) {
    const out = [];
    let acc = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      const d = c < 128 ? DIGIT[c] : -1;
      if (d < 0) throw new Error('bad index data');
      if (d >= 32) {
        acc = acc * 32 + (d - 32);
      } else {
        out.push(acc * 32 + d);
        acc = 0;
      }
    }
    return out;
  }

  /** Postings `doc delta, weight …` → {ids, weights}, ids ascending. */
  function decodePostings(s) {
    const n = decodeNumbers(s);
    const ids = new Int32Array(n.length >> 1);
    const weights = new Uint8Array(n.length >> 1);
    let doc = 0;
    for (let i = 0, k = 0; k < ids.length; i += 2, k++) {
      doc += n[i];
      ids[k] = doc;
      weights[k] = n[i + 1];
    }
    return { ids, weights };
  }

  const NO_POSTINGS = { ids: new Int32Array(0), weights: new Uint8Array(0) };

  /** Positions `doc delta, count, position deltas …` → Map(doc → positions ascending). */
  function decodePositions(s) {
    const n = decodeNumbers(s);
    const out = new Map();
    let doc = 0;
    let i = 0;
    while (i + 1 < n.length) {
      doc += n[i];
      const count = n[i + 1];
      i += 2;
      const list = new Int32Array(count);
      let pos = 0;
      for (let k = 0; k < count; k++) list[k] = pos += n[i++];
      out.set(doc, list);
    }
    return out;
  }

  /** Ascending doc ids written as deltas. */
  function decodeIds(s) {
    let id = 0;
    return decodeNumbers(s).map((d) => (id += d));
  }

  /** FNV-1a, 32 bits, over UTF-8 bytes. */
  function fnv1a(key) {
    let h = 0x811c9dc5;
    for (const b of new TextEncoder().encode(key)) {
      h ^= b;
      h = Math.imul(h, 0x01000193) >>> 0;
    }
    return h >>> 0;
  }

  function shardOf(key, bits) {
    return bits === 0 ? 0 : (fnv1a(key) & ((1 << bits) - 1)) >>> 0;
  }

  function shardName(shard, bits) {
    return shard.toString(16).padStart(Math.max(1, Math.ceil(bits / 4)), '0');
  }

  // ---------------------------------------------------------------------------------------
  // Queries

  /**
   * Parses a query: quoted parts ("…" or “…”) are required phrases, the rest is free text.
   * Returns {phrases: [segment], free: [segment]}, a segment being a list of tokens.
   */
  function parseQuery(q) {
    const parts = [];
    let quoted = false;
    let buf = '';
    for (const c of String(q)) {
      if (QUOTES.has(c)) {
        parts.push({ quoted, text: buf });
        buf = '';
        quoted = !quoted;
      } else {
        buf += c;
      }
    }
    parts.push({ quoted, text: buf });
    const phrases = [];
    const free = [];
    for (const part of parts) for (const seg of tokenize(part.text)) (part.quoted ? phrases : free).push(seg);
    return { phrases, free };
  }

  /** Keys of the n-grams of a segment: "fold fold" (n = 2), "fold fold fold" (n = 3). */
  function ngramKeys(seg, n) {
    const keys = [];
    for (let i = 0; i + n <= seg.length; i++) keys.push(seg.slice(i, i + n).map((t) => t.fold).join(' '));
    return keys;
  }

  /**
   * What a query needs from the index: unigram fold keys (stop words dropped), bigram keys,
   * trigram keys whose positions are needed (phrases of 3+ syllables), exact spellings to
   * reward, and the phrases to check.
   */
  function planQuery(parsed, stopWords) {
    const stop = stopWords instanceof Set ? stopWords : new Set(stopWords || []);
    const unigrams = new Set();
    const bigrams = new Set();
    const freeBigrams = new Set();
    const positions = new Set();
    const exact = new Map();
    const phrases = [];
    const words = new Set();
    const visit = (seg, required) => {
      for (const t of seg) {
        words.add(t.fold);
        if (!stop.has(t.tone)) {
          if (!required) unigrams.add(t.fold);
          if (t.tone !== t.fold) exact.set(t.fold + '\u0000' + t.tone, { fold: t.fold, tone: t.tone });
        }
      }
      const keys = ngramKeys(seg, 2);
      for (const k of keys) {
        bigrams.add(k);
        if (!required) freeBigrams.add(k);
      }
      const trigrams = ngramKeys(seg, 3);
      for (const k of trigrams) positions.add(k);
      if (required || seg.length >= 2) {
        phrases.push({ required, keys, trigrams, fold: seg[0].fold, length: seg.length });
      }
    };
    for (const seg of parsed.phrases) visit(seg, true);
    for (const seg of parsed.free) visit(seg, false);
    const unigramFetch = new Set(unigrams);
    for (const p of phrases) if (p.length === 1) unigramFetch.add(p.fold);
    for (const e of exact.values()) unigramFetch.add(e.fold);
    return {
      unigrams: [...unigrams],
      unigramFetch: [...unigramFetch],
      bigrams: [...bigrams],
      freeBigrams: [...freeBigrams],
      positions: [...positions],
      exact: [...exact.values()],
      phrases,
      words: [...words],
      empty: words.size === 0,
    };
  }

  // ---------------------------------------------------------------------------------------
  // Ranking (VIETNAMESE.md §7)

  /** Field weight of a posting: title 8, tags 4, summary 2, body 1 (summed over the fields). */
  function fieldWeight(w) {
    return (w & IN_TITLE ? 8 : 0) + (w & IN_TAGS ? 4 : 0) + (w & IN_SUMMARY ? 2 : 0) + (w & BODY_TF ? 1 : 0);
  }

  // Field code of a position (0 body, 1 summary, 2 tags, 3 title) → its field weight.
  const FIELD_OF_POSITION = [1, 2, 4, 8];

  /**
   * Docs where the trigram keys occur at consecutive positions (so the phrase is in one
   * segment) → {ids, weights} with the field weight of the fields it occurs in.
   */
  function phraseDocs(keys, store) {
    const lists = keys.map((k) => store.positions(k));
    const ids = [];
    const weights = [];
    if (lists.length === 0 || lists.some((l) => l.size === 0)) return { ids, weights };
    const smallest = lists.reduce((a, b) => (b.size < a.size ? b : a));
    for (const doc of smallest.keys()) {
      const per = lists.map((l) => l.get(doc));
      if (per.some((p) => !p)) continue;
      const at = new Array(per.length).fill(0);
      let fields = 0;
      for (const v of per[0]) {
        const start = v >> 2;
        let all = true;
        for (let i = 1; i < per.length && all; i++) {
          const p = per[i];
          while (at[i] < p.length && p[at[i]] >> 2 < start + i) at[i]++;
          all = at[i] < p.length && p[at[i]] >> 2 === start + i;
        }
        if (all) fields |= FIELD_OF_POSITION[v & 3];
      }
      if (fields) {
        ids.push(doc);
        weights.push(fields);
      }
    }
    return { ids, weights };
  }

  /** A unigram's postings over all spellings, merged: {ids, weights} (fields OR, counts summed). */
  function unigramDocs(fold, store) {
    const variants = [...store.unigram(fold).values()];
    if (variants.length === 1) return variants[0];
    const merged = new Map();
    for (const { ids, weights } of variants) {
      for (let k = 0; k < ids.length; k++) {
        const prev = merged.get(ids[k]) || 0;
        const w = weights[k];
        const tf = Math.min(BODY_TF, (prev & BODY_TF) + (w & BODY_TF));
        merged.set(ids[k], ((prev | w) & ~BODY_TF) | tf);
      }
    }
    const ids = Int32Array.from([...merged.keys()].sort((a, b) => a - b));
    return { ids, weights: Uint8Array.from(ids, (id) => merged.get(id)) };
  }

  // Score components, compared in this order (VIETNAMESE.md §7), and the cap of each, so the
  // whole score packs exactly into one double: counts < 32, field weights and counts < 256.
  const PHRASES = 0;
  const PHRASE_FIELDS = 1;
  const BIGRAMS = 2;
  const BIGRAM_FIELDS = 3;
  const EXACT = 4;
  const UNIGRAMS = 5;
  const UNIGRAM_FIELDS = 6;
  const TF = 7;
  const CAPS = [32, 256, 32, 256, 32, 32, 256, 256];

  /**
   * Ranks the docs for a planned query. `store` gives decoded postings:
   * unigram(fold) → Map(tone → {ids, weights}), bigram(key) → {ids, weights},
   * positions(trigram key) → Map(doc → positions), and `docs`, the number of pages.
   * `allowed` (a Set of doc ids, or null) applies the filters. Returns [{id, score}] best
   * first; a score is compared element by element: [phrases, phrase fields, bigrams,
   * bigram fields, exact spellings, unigrams, unigram fields, body counts]; then lower id
   * (newer page) first.
   */
  function rank(plan, store, allowed) {
    if (plan.empty) return [];
    let size = store.docs || 0;
    const grow = (list) => {
      if (list.ids.length) size = Math.max(size, list.ids[list.ids.length - 1] + 1);
      return list;
    };
    const phraseLists = plan.phrases.map((p) => {
      if (p.length === 1) return grow(unigramDocs(p.fold, store));
      if (p.length === 2) return grow(store.bigram(p.keys[0]));
      return grow({ ...phraseDocs(p.trigrams, store), fields: true });
    });
    const uniLists = plan.unigrams.map((f) => grow(unigramDocs(f, store)));
    const biLists = plan.bigrams.map((k) => grow(store.bigram(k)));
    const freeBi = new Set(plan.freeBigrams);
    const exactLists = plan.exact.map((e) => grow(store.unigram(e.fold).get(e.tone) || NO_POSTINGS));

    const score = CAPS.map(() => new Uint16Array(size));
    const required = new Uint8Array(size);
    const freeBigramHits = new Uint8Array(size);
    const seen = new Uint8Array(size);
    const touched = [];
    const touch = (id) => {
      if (!seen[id]) {
        seen[id] = 1;
        touched.push(id);
      }
    };
    let requiredCount = 0;
    plan.phrases.forEach((p, i) => {
      const { ids, weights, fields } = phraseLists[i];
      if (p.required) requiredCount++;
      for (let k = 0; k < ids.length; k++) {
        const id = ids[k];
        touch(id);
        score[PHRASES][id]++;
        score[PHRASE_FIELDS][id] += fields ? weights[k] : fieldWeight(weights[k]);
        if (p.required) required[id]++;
      }
    });
    plan.bigrams.forEach((key, i) => {
      const { ids, weights } = biLists[i];
      const free = freeBi.has(key);
      for (let k = 0; k < ids.length; k++) {
        const id = ids[k];
        touch(id);
        score[BIGRAMS][id]++;
        score[BIGRAM_FIELDS][id] += fieldWeight(weights[k]);
        score[TF][id] += weights[k] & BODY_TF;
        if (free) freeBigramHits[id] = 1;
      }
    });
    for (const { ids } of exactLists) for (let k = 0; k < ids.length; k++) score[EXACT][ids[k]]++;
    for (const { ids, weights } of uniLists) {
      for (let k = 0; k < ids.length; k++) {
        const id = ids[k];
        touch(id);
        score[UNIGRAMS][id]++;
        score[UNIGRAM_FIELDS][id] += fieldWeight(weights[k]);
        score[TF][id] += weights[k] & BODY_TF;
      }
    }

    // Candidates: every quoted phrase, and all free syllables (or, with only stop words, any
    // free bigram). If none qualify, relax: quoted phrases alone, else any syllable or bigram.
    const nUni = plan.unigrams.length;
    const freeOk = (id) => (nUni ? score[UNIGRAMS][id] === nUni : plan.freeBigrams.length ? freeBigramHits[id] : 1);
    const reqOk = (id) => required[id] === requiredCount;
    let cand = touched.filter((id) => reqOk(id) && freeOk(id));
    if (cand.length === 0) {
      cand = requiredCount ? touched.filter(reqOk) : touched.filter((id) => score[UNIGRAMS][id] || freeBigramHits[id]);
    }
    if (allowed) cand = cand.filter((id) => allowed.has(id));

    const key = new Float64Array(size);
    for (const id of cand) {
      let v = 0;
      for (let c = 0; c < CAPS.length; c++) v = v * CAPS[c] + Math.min(score[c][id], CAPS[c] - 1);
      key[id] = v;
    }
    cand.sort((a, b) => key[b] - key[a] || a - b);
    return cand.map((id) => ({ id, score: score.map((arr) => arr[id]) }));
  }

  // ---------------------------------------------------------------------------------------
  // Loading

  /**
   * A searcher over an index. `load(path, version)` returns a Promise of the parsed JSON of
   * `path` (relative to the index folder: "meta.json", "t/0a.json", …); `version` is the
   * build's hash, for cache busting (null for meta.json). Files are fetched once, on demand.
   */
  function createSearcher(load) {
    let metaPromise = null;
    const files = new Map();
    // Decoded postings, by key (the files of one build never change under a searcher).
    const memo = new Map();
    const meta = () => {
      if (!metaPromise) {
        metaPromise = load('meta.json', null).then((m) => {
          if (!m || m.format !== FORMAT) throw new Error('unsupported search index format');
          return m;
        });
        metaPromise.catch(() => {
          metaPromise = null;
        });
      }
      return metaPromise;
    };
    const file = (m, path) => {
      if (!files.has(path)) {
        const p = load(path, m.v);
        files.set(path, p);
        p.catch(() => files.delete(path));
      }
      return files.get(path);
    };

    async function filterSet(m, filters) {
      const wanted = [
        ['s', m.sections, filters.section, true],
        ['a', m.audiences, filters.audience, false],
        ['t', m.tags, filters.tag, true],
      ];
      let allowed = null;
      for (const [prefix, names, value, byTone] of wanted) {
        if (!value) continue;
        const idx = matchNames(names || [], value, byTone);
        const lists = await Promise.all(idx.map((i) => file(m, `f/${prefix}${i}.json`)));
        const set = new Set();
        for (const l of lists) for (const id of decodeIds(l)) set.add(id);
        allowed = intersect(allowed, set);
      }
      return allowed;
    }

    /** Runs a query; resolves to {results: [{id, score}], plan, meta}. */
    async function search(q, filters) {
      filters = filters || {};
      const m = await meta();
      const plan = planQuery(parseQuery(q), m.stop);
      if (plan.empty) return { results: [], plan, meta: m };
      const termKeys = [...new Set([...plan.unigramFetch, ...plan.bigrams])];
      const tShards = [...new Set(termKeys.map((k) => shardName(shardOf(k, m.bits), m.bits)))];
      const pShards = [...new Set(plan.positions.map((k) => shardName(shardOf(k, m.pbits), m.pbits)))];
      const [tData, pData, allowed] = await Promise.all([
        Promise.all(tShards.map((s) => file(m, `t/${s}.json`))),
        Promise.all(pShards.map((s) => file(m, `p/${s}.json`))),
        filterSet(m, filters),
      ]);
      const tBy = new Map(tShards.map((s, i) => [s, tData[i]]));
      const pBy = new Map(pShards.map((s, i) => [s, pData[i]]));
      const once = (key, f) => {
        if (!memo.has(key)) memo.set(key, f());
        return memo.get(key);
      };
      const store = {
        docs: m.docs,
        unigram: (f) =>
          once('u' + f, () => {
            const shard = tBy.get(shardName(shardOf(f, m.bits), m.bits));
            const entry = (shard && shard.u && Object.hasOwn(shard.u, f) && shard.u[f]) || {};
            return new Map(Object.keys(entry).map((tone) => [tone, decodePostings(entry[tone])]));
          }),
        bigram: (k) =>
          once('b' + k, () => {
            const shard = tBy.get(shardName(shardOf(k, m.bits), m.bits));
            const s = shard && shard.b && Object.hasOwn(shard.b, k) && shard.b[k];
            return s ? decodePostings(s) : NO_POSTINGS;
          }),
        positions: (k) =>
          once('p' + k, () => {
            const shard = pBy.get(shardName(shardOf(k, m.pbits), m.pbits));
            const s = shard && Object.hasOwn(shard, k) && shard[k];
            return s ? decodePositions(s) : new Map();
          }),
      };
      return { results: rank(plan, store, allowed), plan, meta: m };
    }

    /** The rows of the given doc ids: {id, url, title, section, kind, date, summary}. */
    async function docs(ids) {
      const m = await meta();
      const chunks = [...new Set(ids.map((id) => Math.floor(id / m.chunk)))];
      const rows = await Promise.all(chunks.map((c) => file(m, `d/${c}.json`)));
      const byChunk = new Map(chunks.map((c, i) => [c, rows[i]]));
      return ids.map((id) => {
        const r = byChunk.get(Math.floor(id / m.chunk))[id % m.chunk];
        const section = r[2] === null || r[2] === undefined ? '' : m.sections[r[2]] || '';
        return { id, url: r[0], title: r[1], section, kind: r[3], date: r[4] || '', summary: r[5] || '' };
      });
    }

    return { meta, search, docs };
  }

  function intersect(a, b) {
    if (a === null) return b;
    const out = new Set();
    for (const x of a) if (b.has(x)) out.add(x);
    return out;
  }

  /** Indexes of `names` equal to `value` by tone key (or exactly), else by fold key. */
  function matchNames(names, value, byTone) {
    const key = byTone ? toneKey(value.trim()) : value.trim();
    let idx = [];
    names.forEach((n, i) => {
      if ((byTone ? toneKey(n) : n) === key) idx.push(i);
    });
    if (idx.length === 0) {
      const f = fold(value.trim());
      names.forEach((n, i) => {
        if (fold(n) === f) idx.push(i);
      });
    }
    return idx;
  }

  // ---------------------------------------------------------------------------------------
  // Texts

  /** 1234567 → "1.234.567" (Vietnamese digit grouping). */
  function formatCount(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  }

  /** "2022-09-15" → "15/9/2022" (VIETNAMESE.md §5, in text). */
  function formatDate(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
    return m ? `${Number(m[3])}/${Number(m[2])}/${m[1]}` : '';
  }

  /** The status line for a finished search. */
  function statusText(query, total, filters) {
    const q = String(query).trim();
    const f = filters || {};
    const within = [];
    if (f.section) within.push(`mục “${f.section}”`);
    if (f.audience) within.push(`đối tượng “${f.audience}”`);
    if (f.tag) within.push(`thẻ “${f.tag}”`);
    const suffix = within.length ? ` (lọc theo ${within.join(', ')})` : '';
    if (total > 0) return `Tìm thấy ${formatCount(total)} kết quả cho “${q}”${suffix}`;
    return `Không tìm thấy kết quả nào cho “${q}”${suffix}. Hãy thử từ khoá khác, gõ không dấu, hoặc bỏ bớt bộ lọc.`;
  }

  /**
   * Splits `text` into parts [{text, hit}] where hit parts are tokens whose fold key is one of
   * the query's `words` (fold keys). Used for titles and summaries.
   */
  function highlight(text, words) {
    const want = new Set(words);
    const parts = [];
    let at = 0;
    for (const seg of tokenize(text)) {
      for (const t of seg) {
        if (!want.has(t.fold)) continue;
        if (t.start > at) parts.push({ text: text.slice(at, t.start), hit: false });
        parts.push({ text: text.slice(t.start, t.end), hit: true });
        at = t.end;
      }
    }
    if (at < text.length) parts.push({ text: text.slice(at), hit: false });
    return parts;
  }

  /** Reads q, section, audience, tag from a URL query string. */
  function readParams(search) {
    const p = new URLSearchParams(search || '');
    const get = (k) => (p.get(k) || '').trim();
    return { q: get('q'), section: get('section'), audience: get('audience'), tag: get('tag') };
  }

  // ---------------------------------------------------------------------------------------
  // Browser

  const FILTERS = ['section', 'audience', 'tag'];

  function indexBase(script, root) {
    const attr = script && script.getAttribute && script.getAttribute('data-index');
    const given = attr || (root && root.LOA_SEARCH_INDEX) || 'index/';
    const url = new URL(given, document.baseURI);
    if (!url.pathname.endsWith('/')) url.pathname += '/';
    return url;
  }

  /** True for a URL that is safe to link (http or https once resolved; never javascript:). */
  function safeHref(url) {
    try {
      const u = new URL(url, document.baseURI);
      return u.protocol === 'http:' || u.protocol === 'https:';
    } catch (e) {
      return false;
    }
  }

  function appendHighlighted(el, text, words) {
    for (const part of highlight(text, words)) {
      if (part.hit) {
        const mark = document.createElement('mark');
        mark.textContent = part.text;
        el.appendChild(mark);
      } else {
        el.appendChild(document.createTextNode(part.text));
      }
    }
  }

  function renderItem(doc, words) {
    const li = document.createElement('li');
    li.className = 'ket-qua-muc';
    const h = document.createElement('h2');
    h.className = 'ket-qua-tieu-de';
    const a = document.createElement('a');
    if (safeHref(doc.url)) a.setAttribute('href', doc.url);
    appendHighlighted(a, doc.title || doc.url, words);
    h.appendChild(a);
    li.appendChild(h);
    const info = [];
    if (doc.date) {
      const time = document.createElement('time');
      time.dateTime = doc.date;
      time.textContent = formatDate(doc.date);
      info.push(time);
    }
    if (doc.section) {
      const span = document.createElement('span');
      span.className = 'ket-qua-muc-luc';
      span.textContent = doc.section;
      info.push(span);
    }
    if (info.length) {
      const p = document.createElement('p');
      p.className = 'ket-qua-thong-tin';
      info.forEach((node, i) => {
        if (i) p.appendChild(document.createTextNode(' · '));
        p.appendChild(node);
      });
      li.appendChild(p);
    }
    if (doc.summary) {
      const p = document.createElement('p');
      p.className = 'ket-qua-tom-tat';
      appendHighlighted(p, doc.summary, words);
      li.appendChild(p);
    }
    return li;
  }

  function boot(script, root) {
    const out = document.getElementById('ket-qua');
    if (!out) return;
    const base = indexBase(script, root);
    const searcher = createSearcher((path, v) => {
      const url = new URL(path, base);
      if (v) url.searchParams.set('v', v);
      return fetch(url.href, { credentials: 'same-origin', cache: v ? 'default' : 'no-cache' }).then((r) => {
        if (!r.ok) throw new Error(`${r.status} ${url.pathname}`);
        return r.json();
      });
    });
    let status = document.getElementById('ket-qua-trang-thai');
    if (!status) {
      status = document.createElement('p');
      status.id = 'ket-qua-trang-thai';
      status.className = 'ket-qua-trang-thai';
      out.appendChild(status);
    }
    status.setAttribute('role', 'status');
    const list = document.createElement('ol');
    list.className = 'ket-qua-danh-sach';
    out.appendChild(list);
    const more = document.createElement('button');
    more.type = 'button';
    more.className = 'ket-qua-them';
    more.textContent = 'Xem thêm kết quả';
    more.hidden = true;
    out.appendChild(more);

    const form = document.getElementById('o-tim-kiem');
    const state = readParams(root.location.search);
    let run = 0;
    let shown = { results: [], words: [], next: 0, run: 0 };

    const field = (name) => (form && form.elements ? form.elements.namedItem(name) : null);
    const fill = () => {
      for (const name of ['q', ...FILTERS]) {
        const el = field(name);
        if (el && 'value' in el && state[name]) el.value = state[name];
      }
    };
    const readForm = () => {
      for (const name of ['q', ...FILTERS]) {
        const el = field(name);
        if (el && 'value' in el) state[name] = String(el.value).trim();
      }
    };
    const updateUrl = () => {
      const url = new URL(root.location.href);
      for (const name of ['q', ...FILTERS]) {
        if (state[name]) url.searchParams.set(name, state[name]);
        else url.searchParams.delete(name);
      }
      root.history.replaceState(root.history.state, '', url.href);
    };

    // Appends the next page of results; the first page replaces the previous results only
    // once it is ready, so the list does not flash empty while the user types.
    async function showMore() {
      const mine = shown.run;
      const first = shown.next === 0;
      const ids = shown.results.slice(shown.next, shown.next + PAGE_SIZE).map((r) => r.id);
      shown.next += ids.length;
      more.disabled = true;
      try {
        const docs = await searcher.docs(ids);
        if (mine !== run) return;
        if (first) list.textContent = '';
        for (const d of docs) list.appendChild(renderItem(d, shown.words));
      } finally {
        more.disabled = false;
      }
      more.hidden = shown.next >= shown.results.length;
    }

    async function go() {
      const mine = ++run;
      const filters = { section: state.section, audience: state.audience, tag: state.tag };
      more.hidden = true;
      if (!state.q) {
        list.textContent = '';
        status.textContent = 'Nhập từ khoá để tìm kiếm.';
        return;
      }
      status.textContent = 'Đang tìm…';
      try {
        const { results, plan } = await searcher.search(state.q, filters);
        if (mine !== run) return;
        shown = { results, words: plan.words, next: 0, run: mine };
        // The status (read out by screen readers) comes with the first results, not before.
        if (results.length) await showMore();
        else list.textContent = '';
        if (mine !== run) return;
        status.textContent = statusText(state.q, results.length, filters);
      } catch (e) {
        if (mine !== run) return;
        list.textContent = '';
        status.textContent = 'Không tải được chỉ mục tìm kiếm. Vui lòng thử lại sau.';
      }
    }

    more.addEventListener('click', () => {
      if (more.disabled) return;
      showMore().catch(() => {
        status.textContent = 'Không tải được kết quả. Vui lòng thử lại sau.';
      });
    });
    if (form) {
      let timer = 0;
      const onChange = (delay) => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          readForm();
          updateUrl();
          go();
        }, delay);
      };
      form.addEventListener('input', () => onChange(250));
      form.addEventListener('change', () => onChange(0));
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        onChange(0);
      });
    }
    fill();
    if (state.q) go();
    else status.textContent = 'Nhập từ khoá để tìm kiếm.';
  }

  return {
    FORMAT,
    PAGE_SIZE,
    fold,
    toneKey,
    tokenize,
    decodeNumbers,
    decodePostings,
    decodePositions,
    decodeIds,
    fnv1a,
    shardOf,
    shardName,
    parseQuery,
    planQuery,
    rank,
    createSearcher,
    matchNames,
    formatCount,
    formatDate,
    statusText,
    highlight,
    readParams,
    boot,
  };
});
