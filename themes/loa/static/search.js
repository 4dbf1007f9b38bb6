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
 * The search itself (fetching and decoding the index, ranking, inflating the page texts and
 * cutting their excerpts) runs in a dedicated worker started from this same file, so the page
 * stays responsive on a slow phone; the page only builds the list from the worker's plain
 * data. Where a worker cannot start or fails, the same code runs on the page, yielding
 * between results.
 *
 * Each result shows an excerpt of its page around the best match (its gzip bytes, at the place
 * its row names in a pack `x/<n>.bin`, fetched with a Range request, inflated with
 * DecompressionStream), its syllables marked, and the heading it falls under; a line above
 * the results offers the term pages (tags, audiences, glossary entries) whose names match.
 *
 * Index location: the `data-index` attribute of this script tag, else `window.LOA_SEARCH_INDEX`,
 * else `index/` relative to the page (the search page lives at <base>/tim-kiem/).
 *
 * The words it shows (status line, "more results"…) are the theme's, in the page's language:
 * search.html passes them as data attributes of this script tag (`data-found`, …, from the
 * `search_*` keys of the theme's i18n files); `WORDS` holds the Vietnamese ones for a page that
 * passes none (a site's own search.html written before).
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
    // In a task of its own: compiling this file is one already, and the two together are a
    // long task on a slow phone (Lighthouse's mobile total blocking time).
    const script = document.currentScript;
    setTimeout(() => api.boot(script, root), 0);
  } else if (typeof root.importScripts === 'function' && typeof root.postMessage === 'function') {
    // Started by boot() as a dedicated worker (`new Worker(<this file>)`): searches for it.
    api.serve(root);
  }
})(typeof self !== 'undefined' ? self : this, function () {
  'use strict';

  const FORMAT = 2;
  const PAGE_SIZE = 10;
  const MAX_TOKEN_CHARS = 32;
  const MARK = /\p{M}/u;
  const ALPHA = /\p{Alphabetic}/u;
  const TOKEN_CHAR = /[\p{Alphabetic}\p{N}\p{M}]/u;
  const BREAKS = new Set([
    ',', ';', '.', ':', '“', '”', '"', '–', '—', '(', ')', '!', '?', '…', '[', ']', '{', '}', '«',
    '»', '‘', '’', '„', '‟', "'", '•', '·', '|', '-', '/', '\n', '\r', '\u2028', '\u2029', '\u0085',
    '\u17D4', '\u17D5',
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

  // Keys of syllables already seen: a page's text repeats a few hundred syllables thousands
  // of times, and folding one (Unicode normalisation, a property test per character) costs
  // far more than a lookup. Cleared when full, so memory stays bounded on any text.
  const MEMO_MAX = 20000;
  const foldMemo = new Map();
  const toneMemo = new Map();
  function memo(map, f, s) {
    let v = map.get(s);
    if (v === undefined) {
      if (map.size >= MEMO_MAX) map.clear();
      v = f(s);
      map.set(s, v);
    }
    return v;
  }

  /** Fold key: NFD, drop combining marks, đ Đ ð Ð → d, lower case (per character, as Rust). */
  function fold(s) {
    return memo(foldMemo, foldOnce, String(s));
  }

  function foldOnce(s) {
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
    return memo(toneMemo, toneKeyOnce, String(s));
  }

  function toneKeyOnce(s) {
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

  // Whether a character is part of a token: ASCII by a table, the rest by the property test,
  // remembered per character (a text has few distinct ones).
  const ASCII_TOKEN = new Uint8Array(128).map((_, i) => (TOKEN_CHAR.test(String.fromCharCode(i)) ? 1 : 0));
  const tokenChars = new Map();
  function isTokenChar(c) {
    const code = c.charCodeAt(0);
    if (code < 128) return ASCII_TOKEN[code] === 1;
    return memo(tokenChars, (x) => TOKEN_CHAR.test(x), c);
  }

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
    const isTok = (k) => k >= 0 && k < chars.length && isTokenChar(chars[k][0]);
    // Khmer has no spaces between words: each cluster (a consonant or independent vowel, not
    // after COENG U+17D2) is a token, as in tokenize.rs (`starts_khmer_cluster`).
    const khmerStart = (k) => {
      const c = chars[k][0];
      return c >= '\u1780' && c <= '\u17B3' && k > 0 && chars[k - 1][0] !== '\u17D2' && isTok(k - 1);
    };
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
      if (isTokenChar(c)) cls = 'token';
      else if ((c === '.' || c === ',') && isDigit(k - 1) && isDigit(k + 1)) cls = 'token';
      else if (INNER.has(c) && isTok(k - 1) && isTok(k + 1)) cls = 'sep';
      else cls = BREAKS.has(c) ? 'break' : 'sep';
      if (cls === 'token') {
        if (start >= 0 && khmerStart(k)) {
          pushToken(start, at);
          start = at;
        }
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
    let lastFree = false;
    for (const part of parts) {
      for (const seg of tokenize(part.text)) {
        (part.quoted ? phrases : free).push(seg);
        lastFree = !part.quoted;
      }
    }
    // lastFree: the query's last syllable is outside quotes (it may be one being typed).
    return { phrases, free, lastFree };
  }

  /** Keys of the n-grams of a segment: "fold fold" (n = 2), "fold fold fold" (n = 3). */
  function ngramKeys(seg, n) {
    const keys = [];
    for (let i = 0; i + n <= seg.length; i++) keys.push(seg.slice(i, i + n).map((t) => t.fold).join(' '));
    return keys;
  }

  /** True when a syllable carries a tone mark (sắc, huyền, hỏi, ngã, nặng): it is typed out. */
  function hasTone(s) {
    for (const c of String(s).normalize('NFD')) if (TONES.includes(c)) return true;
    return false;
  }

  /**
   * What a query needs from the index: unigram fold keys (stop words dropped; every one is
   * required), bigram keys, trigram keys whose positions are needed (phrases of 3+
   * syllables), exact spellings to reward, the phrases to check, and the last syllable when
   * it may be the start of a longer one (`prefix`: typed without a tone mark, outside quotes,
   * not a stop word, at least `prefixChars` letters; its alternatives go in `alts` once the
   * prefix list is read). `toned`: the reader typed diacritics, so every syllable is read as
   * typed (`Doan` is not `Đoàn`), and exact spellings rank first.
   */
  function planQuery(parsed, stopWords, prefixChars) {
    const stop = stopWords instanceof Set ? stopWords : new Set(stopWords || []);
    const unigrams = new Set();
    const bigrams = new Set();
    const freeBigrams = new Set();
    const positions = new Set();
    const exact = new Map();
    const phrases = [];
    const words = new Set();
    const typed = new Map();
    const marks = new Map();
    const all = [...parsed.phrases, ...parsed.free].flat();
    const toned = all.some((t) => t.tone !== t.fold && !stop.has(t.tone));
    const visit = (seg, required) => {
      for (const t of seg) {
        words.add(t.fold);
        if (!typed.has(t.fold)) typed.set(t.fold, t.text);
        marks.set(t.fold + '\u0000' + t.tone, { fold: t.fold, tone: t.tone, stop: stop.has(t.tone) });
        if (!stop.has(t.tone)) {
          if (!required) unigrams.add(t.fold);
          if (toned || t.tone !== t.fold) exact.set(t.fold + '\u0000' + t.tone, { fold: t.fold, tone: t.tone });
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
    let prefix = null;
    const lastSeg = parsed.free[parsed.free.length - 1];
    const last = lastSeg && lastSeg[lastSeg.length - 1];
    if (parsed.lastFree && last && !stop.has(last.tone) && !hasTone(last.text)) {
      if (Array.from(last.fold).length >= (prefixChars || 2)) {
        const before = lastSeg.length >= 2 ? lastSeg[lastSeg.length - 2].fold : null;
        prefix = { fold: last.fold, before, key: Array.from(last.fold).slice(0, prefixChars || 2).join('') };
      }
    }
    return {
      unigrams: [...unigrams],
      unigramFetch: [...unigramFetch],
      bigrams: [...bigrams],
      freeBigrams: [...freeBigrams],
      positions: [...positions],
      exact: [...exact.values()],
      phrases,
      words: [...words],
      typed,
      marks: [...marks.values()],
      toned,
      stop,
      prefix,
      alts: new Map(),
      empty: words.size === 0,
    };
  }

  /**
   * Reads the prefix list of the plan's last syllable (`list`: [[fold key, pages], …], most
   * pages first) when the syllable is no word of the site (`known` false): its alternatives,
   * at most `max` longer syllables that start with it, go into `plan.alts` for the syllable
   * and for the bigram that ends with it. Returns the keys to fetch.
   */
  function expandPrefix(plan, list, known, max) {
    const p = plan.prefix;
    if (!p || known || !list) return [];
    const more = [];
    for (const [key] of list) {
      if (more.length >= (max || 8)) break;
      if (key !== p.fold && key.startsWith(p.fold)) more.push(key);
    }
    if (!more.length) return [];
    plan.alts.set(p.fold, [p.fold, ...more]);
    const fetch = [...more];
    if (p.before !== null) {
      const b = p.before + ' ' + p.fold;
      const alt = more.map((k) => p.before + ' ' + k);
      plan.alts.set(b, [b, ...alt]);
      fetch.push(...alt);
    }
    return fetch;
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

  /** The order score components are compared in: a query typed with diacritics puts exact spellings first. */
  const ORDER = [PHRASES, PHRASE_FIELDS, BIGRAMS, BIGRAM_FIELDS, EXACT, UNIGRAMS, UNIGRAM_FIELDS, TF];
  const TONED_ORDER = [EXACT, PHRASES, PHRASE_FIELDS, BIGRAMS, BIGRAM_FIELDS, UNIGRAMS, UNIGRAM_FIELDS, TF];

  /**
   * Ranks the docs for a planned query. `store` gives decoded postings:
   * unigram(fold) → Map(tone → {ids, weights}), bigram(key) → {ids, weights},
   * positions(trigram key) → Map(doc → positions), and `docs`, the number of pages.
   * `allowed` (a Set of doc ids, or null) applies the filters. A page must have every
   * quoted phrase and every syllable (the last one, when it is being typed, or one of the
   * syllables it begins: `plan.alts`); with only stop words, one of the query's bigrams.
   * Returns [{id, score}] best first; a score is compared element by element: [phrases,
   * phrase fields, bigrams, bigram fields, exact spellings, whole syllables, their fields,
   * body counts] (exact spellings first when the query is `toned`); then lower id (newer
   * page) first.
   */
  function rank(plan, store, allowed) {
    if (plan.empty) return [];
    let size = store.docs || 0;
    const grow = (list) => {
      if (list.ids.length) size = Math.max(size, list.ids[list.ids.length - 1] + 1);
      return list;
    };
    const alts = (key) => plan.alts.get(key) || [key];
    const phraseLists = plan.phrases.map((p) => {
      if (p.length === 1) return grow(unigramDocs(p.fold, store));
      if (p.length === 2) return grow(store.bigram(p.keys[0]));
      return grow({ ...phraseDocs(p.trigrams, store), fields: true });
    });
    const uniLists = plan.unigrams.map((f) => alts(f).map((k) => grow(unigramDocs(k, store))));
    const biLists = plan.bigrams.map((k) => alts(k).map((a) => grow(store.bigram(a))));
    const freeBi = new Set(plan.freeBigrams);
    const exactLists = plan.exact.map((e) => grow(store.unigram(e.fold).get(e.tone) || NO_POSTINGS));

    const score = CAPS.map(() => new Uint16Array(size));
    const required = new Uint8Array(size);
    const wordsIn = new Uint8Array(size);
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
    // Per doc, the best weight among a key's alternatives (each key counts once).
    const best = (lists) => {
      const out = new Map();
      lists.forEach(({ ids, weights }, j) => {
        for (let k = 0; k < ids.length; k++) {
          const prev = out.get(ids[k]);
          const w = { w: weights[k], whole: j === 0 };
          if (!prev || (w.whole && !prev.whole) || (w.whole === prev.whole && fieldWeight(w.w) > fieldWeight(prev.w))) {
            out.set(ids[k], w);
          }
        }
      });
      return out;
    };
    plan.bigrams.forEach((key, i) => {
      const free = freeBi.has(key);
      for (const [id, { w }] of best(biLists[i])) {
        touch(id);
        score[BIGRAMS][id]++;
        score[BIGRAM_FIELDS][id] += fieldWeight(w);
        score[TF][id] += w & BODY_TF;
        if (free) freeBigramHits[id] = 1;
      }
    });
    for (const { ids } of exactLists) for (let k = 0; k < ids.length; k++) score[EXACT][ids[k]]++;
    for (const lists of uniLists) {
      for (const [id, { w, whole }] of best(lists)) {
        touch(id);
        wordsIn[id]++;
        // A syllable being typed that matched only as a start weighs by its fields, not as a whole syllable.
        if (whole) score[UNIGRAMS][id]++;
        score[UNIGRAM_FIELDS][id] += fieldWeight(w);
        score[TF][id] += w & BODY_TF;
      }
    }

    // Candidates: every quoted phrase and every free syllable; with only stop words, any
    // free bigram. Nothing is relaxed: a word that matches nothing gives no results (the
    // searcher then offers the results without it).
    const nUni = plan.unigrams.length;
    const freeOk = (id) => (nUni ? wordsIn[id] === nUni : plan.freeBigrams.length ? freeBigramHits[id] : 1);
    let cand = touched.filter((id) => required[id] === requiredCount && freeOk(id));
    if (allowed) cand = cand.filter((id) => allowed.has(id));

    const order = plan.toned ? TONED_ORDER : ORDER;
    const key = new Float64Array(size);
    for (const id of cand) {
      let v = 0;
      for (const c of order) v = v * CAPS[c] + Math.min(score[c][id], CAPS[c] - 1);
      key[id] = v;
    }
    cand.sort((a, b) => key[b] - key[a] || a - b);
    return cand.map((id) => ({ id, score: score.map((arr) => arr[id]) }));
  }

  /** The query's syllables that no page has (in any spelling, nor, being typed, as a start): their typed texts. */
  function missingWords(plan, store) {
    const out = [];
    for (const f of plan.unigrams) {
      const keys = plan.alts.get(f) || [f];
      if (keys.every((k) => unigramDocs(k, store).ids.length === 0)) out.push(plan.typed.get(f) || f);
    }
    return out;
  }

  /** `q` without the syllables whose fold keys are in `drop` (quotes kept). */
  function dropWords(q, drop) {
    return replaceWords(q, new Map(drop.map((w) => [fold(w), ''])));
  }

  /** `q` with each syllable whose fold key is in `by` replaced by its value ('' drops it; quotes kept). */
  function replaceWords(q, by) {
    const text = String(q);
    let out = '';
    let at = 0;
    for (const seg of tokenize(text)) {
      for (const t of seg) {
        if (!by.has(t.fold)) continue;
        out += text.slice(at, t.start) + by.get(t.fold);
        at = t.end;
      }
    }
    out += text.slice(at);
    return out.replace(/\s+/g, ' ').trim();
  }

  /**
   * Whether two fold keys are one edit apart: a letter added, left out or changed, or two
   * letters side by side swapped (`vein` and `vien`, `dnag` and `dang`).
   */
  function oneEditApart(a, b) {
    a = [...a];
    b = [...b];
    if (Math.abs(a.length - b.length) > 1) return false;
    let i = 0;
    while (i < a.length && i < b.length && a[i] === b[i]) i++;
    const rest = (x, y) => x.slice(y).join('');
    if (a.length === b.length) {
      if (i === a.length) return false;
      if (rest(a, i + 1) === rest(b, i + 1)) return true;
      return a[i] === b[i + 1] && a[i + 1] === b[i] && rest(a, i + 2) === rest(b, i + 2);
    }
    return a.length > b.length ? rest(a, i + 1) === rest(b, i) : rest(a, i) === rest(b, i + 1);
  }

  /**
   * The site's syllable a mistyped one most likely meant: among the fold keys of the prefix
   * lists (`lists`: the k/ files, {prefix: [[key, pages], …]}; every key of three letters or
   * more), those one edit apart from `key`, the one on most pages (then the first in code
   * order); null when none is. Keys under four letters are not tried: most short Vietnamese
   * syllables are one edit from many others (`phi`: phu, pho, chi, thi…).
   */
  function closestKey(key, lists) {
    if ([...key].length < 4) return null;
    let best = null;
    for (const list of lists) {
      for (const prefix of Object.keys(list)) {
        for (const [k, pages] of list[prefix]) {
          if (!oneEditApart(key, k)) continue;
          if (!best || pages > best[1] || (pages === best[1] && k < best[0])) best = [k, pages];
        }
      }
    }
    return best ? best[0] : null;
  }

  /** The key a query is looked up by among document numbers: every fold key, space-separated. */
  function codeKey(q) {
    return tokenize(String(q).replace(/["“”„‟]/g, ' '))
      .flat()
      .map((t) => t.fold)
      .join(' ');
  }

  const TOPIC_KINDS = { t: 'kindTag', a: 'kindAudience', g: 'kindGlossary' };
  const MAX_TOPICS = 6;

  /**
   * The term pages (tags, audiences, glossary entries: `names.topics`, [[kind, name, url]])
   * whose name has every syllable of the query (stop words aside; the last one may be a
   * start, like the search): [{kind, label, name, url}].
   */
  function matchTopics(topics, plan) {
    if (plan.empty || !topics) return [];
    const want = plan.words.filter((w) => plan.unigrams.includes(w));
    if (!want.length) return [];
    const out = [];
    for (const [kind, name, url] of topics) {
      const folds = tokenize(name).flat().map((t) => t.fold);
      const ok = want.every((w) =>
        folds.some((f) => f === w || (plan.prefix && plan.prefix.fold === w && f.startsWith(w))),
      );
      if (ok) out.push({ kind, label: (TOPIC_KINDS[kind] && words[TOPIC_KINDS[kind]]) || '', name, url });
      if (out.length >= MAX_TOPICS) break;
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------
  // Loading

  /**
   * A searcher over an index. `load(path, version)` returns a Promise of the parsed JSON of
   * `path` (relative to the index folder: "meta.json", "t/0a.json", …); `version` is the
   * build's hash, for cache busting (null for meta.json). Files are fetched once, on demand.
   * `load(path, version, "range", [start, end])` returns the bytes `start .. end` of a file (an
   * ArrayBuffer or Uint8Array; `rangeLoader` makes them with a Range request).
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

    const names = (m) => file(m, 'n.json').catch(() => ({ codes: [], topics: [] }));
    const codeMemo = new WeakMap();
    const codesOf = (n) => {
      if (!codeMemo.has(n)) codeMemo.set(n, new Map((n.codes || []).map(([k, id, number]) => [k, { id, number }])));
      return codeMemo.get(n);
    };

    /** Ranks `q` alone: {results, plan, store}. */
    async function run(m, q, allowed) {
      const plan = planQuery(parseQuery(q), m.stop, m.prefix);
      if (plan.empty) return { results: [], plan, store: null };
      const termKeys = [...new Set([...plan.unigramFetch, ...plan.bigrams])];
      const tPath = (k) => `t/${shardName(shardOf(k, m.bits), m.bits)}.json`;
      const pPath = (k) => `p/${shardName(shardOf(k, m.pbits), m.pbits)}.json`;
      const kPath = plan.prefix && m.kbits !== undefined ? `k/${shardName(shardOf(plan.prefix.key, m.kbits), m.kbits)}.json` : null;
      const got = new Map();
      const fetchAll = async (paths) => {
        const wanted = [...new Set(paths)].filter((p) => !got.has(p));
        const data = await Promise.all(wanted.map((p) => file(m, p)));
        wanted.forEach((p, i) => got.set(p, data[i]));
      };
      await fetchAll([...termKeys.map(tPath), ...plan.positions.map(pPath), ...(kPath ? [kPath] : [])]);
      const once = (key, f) => {
        if (!memo.has(key)) memo.set(key, f());
        return memo.get(key);
      };
      const store = {
        docs: m.docs,
        unigram: (f) =>
          once('u' + f, () => {
            const shard = got.get(tPath(f));
            const entry = (shard && shard.u && Object.hasOwn(shard.u, f) && shard.u[f]) || {};
            return new Map(Object.keys(entry).map((tone) => [tone, decodePostings(entry[tone])]));
          }),
        bigram: (k) =>
          once('b' + k, () => {
            const shard = got.get(tPath(k));
            const s = shard && shard.b && Object.hasOwn(shard.b, k) && shard.b[k];
            return s ? decodePostings(s) : NO_POSTINGS;
          }),
        positions: (k) =>
          once('p' + k, () => {
            const shard = got.get(pPath(k));
            const s = shard && Object.hasOwn(shard, k) && shard[k];
            return s ? decodePositions(s) : new Map();
          }),
      };
      if (kPath) {
        const lists = got.get(kPath) || {};
        const list = Object.hasOwn(lists, plan.prefix.key) ? lists[plan.prefix.key] : null;
        const known = store.unigram(plan.prefix.fold).size > 0;
        const more = expandPrefix(plan, list, known);
        await fetchAll(more.map(tPath));
      }
      // Ranking is its own task: the files' arrival (parsing, inflating) is one already.
      await nextTask();
      return { results: rank(plan, store, allowed), plan, store };
    }

    /**
     * Runs a query; resolves to {results: [{id, score}], plan, meta, missing, suggestion,
     * correction, topics, document}: `missing`, the typed syllables no page has, and
     * `suggestion`, {query, results} without them (offered, not shown as the answer);
     * `correction`, {query, results} with each of them replaced by the site's syllable one
     * edit away (`dang vein` → `dang vien`), when every one has such and it finds pages
     * (offered too); `topics`, the term
     * pages whose names match; `document`, the id of the document whose number or alias the
     * query is (it comes first, then the pages that cite its number, then the rest).
     */
    async function search(q, filters) {
      filters = filters || {};
      const m = await meta();
      const plan0 = planQuery(parseQuery(q), m.stop, m.prefix);
      const none = { results: [], plan: plan0, meta: m, missing: [], suggestion: null, correction: null, topics: [], document: null };
      if (plan0.empty) return none;
      const [allowed, n] = await Promise.all([filterSet(m, filters), names(m)]);
      const { results, plan, store } = await run(m, q, allowed);
      const out = { ...none, results, plan, topics: matchTopics(n.topics, plan) };
      const code = codesOf(n).get(codeKey(q));
      if (code && (!allowed || allowed.has(code.id))) {
        const cited = await run(m, `"${code.number}"`, allowed);
        const ids = [code.id, ...cited.results.map((r) => r.id), ...results.map((r) => r.id)];
        const byId = new Map([...results, ...cited.results].map((r) => [r.id, r]));
        out.results = [...new Set(ids)].map((id) => byId.get(id) || { id, score: [] });
        out.document = code.id;
      }
      if (out.results.length === 0) {
        out.missing = missingWords(plan, store);
        if (out.missing.length && out.missing.length < plan.unigrams.length) {
          const query = dropWords(q, out.missing);
          const other = await run(m, query, allowed);
          out.suggestion = { query, results: other.results };
        }
        // A mistyped word (`dang vein`): the query with each missing syllable replaced by the
        // site's syllable one edit from it, offered when it finds pages; only when every
        // missing syllable was typed without diacritics, so it cannot be a real word meant. Every prefix list is
        // read for it (a few KB, 50 KB at 10,000 articles), only when a word matched nothing.
        if (out.missing.length && m.kbits !== undefined) {
          const count = 1 << m.kbits;
          const lists = await Promise.all(
            Array.from({ length: count }, (_, i) => file(m, `k/${shardName(i, m.kbits)}.json`).catch(() => ({}))),
          );
          const fixes = new Map();
          for (const w of out.missing) {
            // A word typed with a diacritic (`phí`) is taken as meant, never corrected.
            const k = /[^\x00-\x7F]/.test(w) ? null : closestKey(fold(w), lists);
            if (k) fixes.set(fold(w), k);
          }
          if (fixes.size === out.missing.length) {
            const query = replaceWords(q, fixes);
            const other = await run(m, query, allowed);
            if (other.results.length) out.correction = { query, results: other.results };
          }
        }
      }
      return out;
    }

    /** The raw row of doc `id` in its `d/` file. */
    const row = async (m, id) => (await file(m, `d/${Math.floor(id / m.chunk)}.json`))[id % m.chunk];

    /**
     * The excerpt text of doc `id`: {text, headings: [[offset, id], …]} (UTF-16 offsets of
     * the headings' lines): the gzip bytes at the offset and length its row gives, in the
     * pack `x/<id / xchunk>.bin`; `load(path, version, "range", [start, end])` gives them.
     */
    async function text(id) {
      const m = await meta();
      const r = await row(m, id);
      const [at, length] = [r[6], r[7]];
      const bytes = await load(`x/${Math.floor(id / m.xchunk)}.bin`, m.v, 'range', [at, at + length]);
      const [t, headings] = await parseGzipJson(bytes);
      return { text: t, headings };
    }

    /** The rows of the given doc ids: {id, url, title, section, kind, date, summary}. */
    async function docs(ids) {
      const m = await meta();
      return Promise.all(ids.map(async (id) => {
        const r = await row(m, id);
        const section = r[2] === null || r[2] === undefined ? '' : m.sections[r[2]] || '';
        return { id, url: r[0], title: r[1], section, kind: r[3], date: r[4] || '', summary: r[5] || '' };
      }));
    }

    /**
     * The prepared results (prepareItem) of the given doc ids, for `plan`; a page whose text
     * fails shows its summary. `pause`, when given, is awaited before each item (a long list
     * of page texts on the page's own thread is otherwise one long task).
     */
    async function items(ids, plan, pause) {
      const [rows, pages] = await Promise.all([docs(ids), Promise.all(ids.map((id) => text(id).catch(() => null)))]);
      const out = [];
      for (let i = 0; i < rows.length; i++) {
        if (pause) await pause();
        out.push(prepareItem(rows[i], plan, pages[i]));
      }
      return out;
    }

    return { meta, search, docs, text, items };
  }

  /**
   * Reads parts of files over HTTP for `createSearcher`'s "range" loads: `part(url, start, end)`
   * resolves to the bytes `start .. end` of the file at `url` (a URL), asked for with a Range
   * request. A server that ignores Range sends the whole file (200): its part is sliced from
   * it, and the file is kept for the next part, so no file comes whole twice (but in parts
   * asked for at once, before the first answer). `fetchFn` is `fetch` (a stand-in in tests).
   */
  function rangeLoader(fetchFn) {
    const whole = new Map();
    const slice = (buf, start, end) => new Uint8Array(buf, start, end - start);
    return async function part(url, start, end) {
      const key = url.href;
      if (whole.has(key)) return slice(await whole.get(key), start, end);
      const r = await fetchFn(key, { credentials: 'same-origin', headers: { Range: `bytes=${start}-${end - 1}` } });
      if (!r.ok) throw new Error(`${r.status} ${url.pathname}`);
      const buf = await r.arrayBuffer();
      if (r.status === 206) {
        if (buf.byteLength !== end - start) throw new Error(`range ${start}-${end - 1} of ${url.pathname}: ${buf.byteLength} bytes`);
        return new Uint8Array(buf);
      }
      if (!whole.has(key)) whole.set(key, Promise.resolve(buf));
      if (buf.byteLength < end) throw new Error(`${url.pathname}: ${buf.byteLength} bytes, no ${start}-${end - 1}`);
      return slice(buf, start, end);
    };
  }

  /** `load` for createSearcher: fetches the index files under `base` (a URL). */
  function fetchLoader(base) {
    const part = rangeLoader(fetch);
    return (path, v, kind, span) => {
      const url = new URL(path, base);
      if (v) url.searchParams.set('v', v);
      if (kind === 'range') return part(url, span[0], span[1]);
      return fetch(url.href, { credentials: 'same-origin', cache: v ? 'default' : 'no-cache' }).then((r) => {
        if (!r.ok) throw new Error(`${r.status} ${url.pathname}`);
        return r.json();
      });
    };
  }

  /**
   * The worker's side: answers {n, op: "search" | "items", base, args} with {n, ok, value |
   * error}. Ranking, inflating the page texts and cutting their excerpts run here, off the
   * page's thread, so typing and scrolling never wait for them (on a slow phone they are
   * hundreds of milliseconds). `loaderFor(base)` makes the searcher's `load` (fetch, by default).
   */
  function serve(scope, loaderFor) {
    const load = loaderFor || ((base) => fetchLoader(new URL(base)));
    const searchers = new Map();
    scope.onmessage = async (e) => {
      const { n, op, base, args } = e.data || {};
      try {
        if (!searchers.has(base)) searchers.set(base, createSearcher(load(base)));
        const searcher = searchers.get(base);
        let value;
        if (op === 'search') value = await searcher.search(args[0], args[1]);
        else if (op === 'items') value = await searcher.items(args[0], args[1]);
        else throw new Error(`unknown request ${op}`);
        scope.postMessage({ n, ok: true, value });
      } catch (err) {
        scope.postMessage({ n, ok: false, error: String((err && err.message) || err) });
      }
    };
  }

  /**
   * The page's side: a searcher {search, items} that runs in a worker started from `src`
   * (this script), or on the page (`local`) when a worker cannot be started or fails (a
   * browser without workers, a script blocked by the site's policy): the requests it had
   * then are made again on the page, so a reader always gets results.
   */
  function workerSearcher(src, base, local) {
    const here = {
      search: (q, filters) => local.search(q, filters),
      items: (ids, plan) => local.items(ids, plan, nextTask),
    };
    if (!src || typeof Worker !== 'function') return here;
    // Started at the first query, not before: a visit without one costs nothing.
    let worker = null;
    let failed = false;
    let next = 0;
    const pending = new Map();
    const fail = () => {
      failed = true;
      if (worker) worker.terminate();
      worker = null;
      const redo = [...pending.values()];
      pending.clear();
      redo.forEach((p) => p.again());
    };
    const start = () => {
      if (worker || failed) return worker;
      try {
        worker = new Worker(src);
      } catch (e) {
        failed = true;
        return null;
      }
      worker.onmessage = (e) => {
        const m = e.data || {};
        const p = pending.get(m.n);
        if (!p) return;
        pending.delete(m.n);
        if (m.ok) p.resolve(m.value);
        else p.reject(new Error(m.error));
      };
      worker.onerror = (e) => {
        if (e && e.preventDefault) e.preventDefault();
        fail();
      };
      return worker;
    };
    const call = (op, args) =>
      new Promise((resolve, reject) => {
        const again = () => here[op](...args).then(resolve, reject);
        if (!start()) return again();
        const n = ++next;
        pending.set(n, { resolve, reject, again });
        try {
          worker.postMessage({ n, op, base: String(base), args });
        } catch (e) {
          pending.delete(n);
          again();
        }
      });
    return {
      search: (q, filters) => call('search', [q, filters]),
      items: (ids, plan) => call('items', [ids, plan]),
    };
  }

  /**
   * Parses gzipped JSON (an ArrayBuffer or bytes). Bytes that are not gzip (a server that
   * sent them with `Content-Encoding: gzip`, already inflated by the browser) are read as
   * they are.
   */
  async function parseGzipJson(bytes) {
    const u8 = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
    if (u8.length >= 2 && u8[0] === 0x1f && u8[1] === 0x8b) {
      const stream = new Blob([u8]).stream().pipeThrough(new DecompressionStream('gzip'));
      return JSON.parse(await new Response(stream).text());
    }
    return JSON.parse(new TextDecoder().decode(u8));
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

  /**
   * The words shown to readers, by name: Vietnamese here; `setWords` replaces them with those
   * the page passes (each `{name}` is filled in where it is used).
   */
  const WORDS = {
    found: 'Tìm thấy {n} kết quả cho “{q}”{filters}',
    // For exactly one (English "1 result"); Vietnamese and Khmer say it as for any number.
    foundOne: 'Tìm thấy {n} kết quả cho “{q}”{filters}',
    none: 'Không tìm thấy kết quả nào cho “{q}”{filters}. Hãy thử từ khoá khác, gõ không dấu, hoặc bỏ bớt bộ lọc.',
    missing: 'Không có trang nào chứa {words}.',
    filters: ' (lọc theo {list})',
    filterSection: 'mục “{v}”',
    filterAudience: 'đối tượng “{v}”',
    filterTag: 'thẻ “{v}”',
    correction: ' Có phải bạn muốn tìm ',
    suggestion: ' Kết quả khi bỏ {words}: ',
    suggestionLink: '“{q}” ({n} trang)',
    suggestionLinkOne: '“{q}” ({n} trang)',
    inHeading: 'Trong mục ',
    topics: 'Chủ đề: ',
    more: 'Xem thêm kết quả',
    enterQuery: 'Nhập từ khoá để tìm kiếm.',
    searching: 'Đang tìm…',
    indexFailed: 'Không tải được chỉ mục tìm kiếm. Vui lòng thử lại sau.',
    resultsFailed: 'Không tải được kết quả. Vui lòng thử lại sau.',
    kindTag: 'thẻ',
    kindAudience: 'đối tượng',
    kindGlossary: 'thuật ngữ',
    thousands: '.',
  };
  let words = WORDS;

  /** Uses the words of `given` (an object such as a script tag's `dataset`) over `WORDS`. */
  function setWords(given) {
    const next = { ...WORDS };
    for (const k of Object.keys(WORDS)) {
      if (given && typeof given[k] === 'string') next[k] = given[k];
    }
    // A page that passes its words for many but not for one (a theme made before the `…One`
    // words) says one as it says many, in its own language.
    for (const [one, many] of [['foundOne', 'found'], ['suggestionLinkOne', 'suggestionLink']]) {
      if (given && typeof given[many] === 'string' && typeof given[one] !== 'string') next[one] = given[many];
    }
    words = next;
  }

  /** `pattern` with each `{name}` replaced by `values[name]`. */
  function fillWords(pattern, values) {
    return String(pattern).replace(/\{(\w+)\}/g, (m, k) => (k in values ? String(values[k]) : m));
  }

  /** 1234567 → "1.234.567" (Vietnamese digit grouping; the page's `thousands` word otherwise). */
  function formatCount(n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, words.thousands);
  }

  /** "2022-09-15" → "15/9/2022" (VIETNAMESE.md §5, in text). */
  function formatDate(iso) {
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso || '');
    return m ? `${Number(m[3])}/${Number(m[2])}/${m[1]}` : '';
  }

  /** Quotes each of `words`: “phí”, “xyz”. */
  function quoted(words) {
    return words.map((w) => `“${w}”`).join(', ');
  }

  /**
   * The status line for a finished search. `filters` names the filters as shown (an
   * audience by its name: `filterLabels`); `missing`, the typed syllables no page has.
   */
  function statusText(query, total, filters, missing) {
    const q = String(query).trim();
    const f = filters || {};
    const within = [];
    if (f.section) within.push(fillWords(words.filterSection, { v: f.section }));
    if (f.audience) within.push(fillWords(words.filterAudience, { v: f.audience }));
    if (f.tag) within.push(fillWords(words.filterTag, { v: f.tag }));
    const filtersText = within.length ? fillWords(words.filters, { list: within.join(', ') }) : '';
    if (total > 0) return fillWords(total === 1 ? words.foundOne : words.found, { n: formatCount(total), q, filters: filtersText });
    // Said of the whole site (a filter does not change which words it has).
    if (missing && missing.length) return fillWords(words.missing, { words: quoted(missing) });
    return fillWords(words.none, { q, filters: filtersText });
  }

  /** The text before the link to the query with a mistyped syllable replaced (then "?"). */
  const CORRECTION_BEFORE = WORDS.correction;

  /** The text before the link to the results without the missing syllables. */
  function suggestionText(missing) {
    return fillWords(words.suggestion, { words: quoted(missing) });
  }

  /** The link text of that suggestion: “học” (17 trang). */
  function suggestionLink(query, total) {
    return fillWords(total === 1 ? words.suggestionLinkOne : words.suggestionLink, { q: query, n: formatCount(total) });
  }

  /** The filters as the status line names them: an audience id (`gia-dinh`) by its name (Gia đình). */
  function filterLabels(meta, filters) {
    const f = { ...(filters || {}) };
    const ids = (meta && meta.audiences) || [];
    const names = (meta && meta.audience_names) || [];
    if (f.audience) {
      const i = ids.indexOf(f.audience);
      if (i >= 0 && names[i]) f.audience = names[i];
    }
    return f;
  }

  /**
   * Which syllables to mark on a page, for a plan (or a list of fold keys): a function from a
   * token to the index of the query syllable it matches, or -1. A syllable matches by fold
   * key (the syllable being typed: also as a start of a longer one). When the query was typed
   * with diacritics (`plan.toned`), by its spelling as typed (tone style normalised; `Doan`
   * then is not `đoạn`, `đ` ≠ `d`), unless the page (`tokens`: all of its tokens, title and
   * summary included) has no such spelling at all: then it matched by folding, and is marked
   * so. Stop words are marked only when the query has nothing else.
   */
  function marker(plan, tokens) {
    const spec = Array.isArray(plan)
      ? { marks: plan.map((f) => ({ fold: f, tone: f, stop: false })), toned: false, alts: new Map(), prefix: null }
      : plan;
    const real = spec.marks.filter((w) => !w.stop);
    const words = (real.length ? real : spec.marks).map((w) => {
      const keys = spec.alts.get(w.fold) || [w.fold];
      const expanded = keys.length > 1;
      const byFold = (t) => t.fold === w.fold || (expanded && t.fold.startsWith(w.fold));
      if (!spec.toned || expanded) return byFold;
      const exactly = (t) => t.tone === w.tone;
      return (tokens || []).some(exactly) ? exactly : byFold;
    });
    return (t) => words.findIndex((rule) => rule(t));
  }

  /**
   * Splits `text` into parts [{text, hit}] where hit parts are its tokens that `mark` (a
   * `marker`, or a list of fold keys) matches. Used for titles and summaries.
   */
  function highlight(text, mark) {
    const m = typeof mark === 'function' ? mark : marker(mark, []);
    const parts = [];
    let at = 0;
    for (const seg of tokenize(text)) {
      for (const t of seg) {
        if (m(t) < 0) continue;
        if (t.start > at) parts.push({ text: text.slice(at, t.start), hit: false });
        parts.push({ text: text.slice(t.start, t.end), hit: true });
        at = t.end;
      }
    }
    if (at < text.length) parts.push({ text: text.slice(at), hit: false });
    return parts;
  }

  const EXCERPT_CHARS = 200;
  const EXCERPT_BEFORE = 60;

  /**
   * The excerpt of a page's text around its best match: the stretch of about `size`
   * characters with the most distinct query syllables, then the most side by side in one
   * segment, then the tightest (the first such), starting a little before its first hit,
   * within its paragraph where that is long enough. Returns null when `mark` matches nothing,
   * else {parts: [{text, hit}], before, after (text cut there: show "…"), heading: {id,
   * title} | null, the last heading (`headings`: [[UTF-16 offset of its line, id], …]) at or
   * before the first hit}. `segments`, when given, is `tokenize(text)` already made.
   */
  function excerpt(text, headings, mark, size, segments) {
    size = size || EXCERPT_CHARS;
    text = String(text || '');
    const toks = [];
    (segments || tokenize(text)).forEach((seg, s) => seg.forEach((t) => toks.push({ ...t, seg: s })));
    const hits = [];
    toks.forEach((t, i) => {
      const w = mark(t);
      if (w >= 0) hits.push({ i, w, start: t.start, end: t.end, seg: t.seg });
    });
    if (!hits.length) return null;
    let best = null;
    for (let a = 0; a < hits.length; a++) {
      const words = new Set();
      let side = 0;
      let n = 0;
      for (let b = a; b < hits.length && hits[b].end - hits[a].start <= size - 20; b++) {
        words.add(hits[b].w);
        n++;
        const p = hits[b - 1];
        if (b > a && p.i + 1 === hits[b].i && p.seg === hits[b].seg && p.w !== hits[b].w) side++;
      }
      // Most distinct syllables, then most side by side, then the tightest stretch.
      const span = hits[a + n - 1].end - hits[a].start;
      const score = words.size * 1e6 + side * 1e3 - Math.min(span, 999);
      if (!best || score > best.score) best = { score, a, n };
    }
    const first = hits[best.a];
    const last = hits[best.a + best.n - 1];
    const lineStart = text.lastIndexOf('\n', first.start - 1) + 1;
    let lineEnd = text.indexOf('\n', last.end);
    if (lineEnd < 0) lineEnd = text.length;
    let from = Math.max(lineStart, first.start - EXCERPT_BEFORE);
    let to = Math.min(lineEnd, from + size);
    if (to - from < size) from = Math.max(0, Math.min(from, to - size));
    if (to - from < size) to = Math.min(text.length, from + size);
    to = Math.max(to, last.end);
    // Whole tokens only: start at a token (or line) start, end at a token end.
    const startTok = toks.find((t) => t.end > from);
    if (startTok && startTok.start < from) from = startTok.end <= first.start ? startTok.end : startTok.start;
    if (from > lineStart && from <= first.start) {
      const next = toks.find((t) => t.start >= from);
      if (next && next.start <= first.start && text.lastIndexOf('\n', next.start - 1) < from) from = next.start;
    }
    const endTok = toks.find((t) => t.start < to && t.end > to);
    if (endTok) to = endTok.start > last.end ? endTok.start : endTok.end;
    while (to > from && /\s/.test(text[to - 1])) to--;
    while (from < to && /\s/.test(text[from])) from++;
    const parts = [];
    let at = from;
    const flat = (x) => x.replace(/\s*\n\s*/g, ' · ');
    for (const h of hits) {
      if (h.start < from || h.end > to) continue;
      if (h.start > at) parts.push({ text: flat(text.slice(at, h.start)), hit: false });
      parts.push({ text: text.slice(h.start, h.end), hit: true });
      at = h.end;
    }
    if (at < to) parts.push({ text: flat(text.slice(at, to)), hit: false });
    let heading = null;
    for (const [offset, id] of headings || []) {
      if (offset > first.start) break;
      const end = text.indexOf('\n', offset);
      heading = { id, title: text.slice(offset, end < 0 ? text.length : end).trim() };
    }
    return { parts, before: from > 0, after: to < text.length, heading };
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

  function appendParts(el, parts) {
    for (const part of parts) {
      if (part.hit) {
        const mark = document.createElement('mark');
        mark.textContent = part.text;
        el.appendChild(mark);
      } else {
        el.appendChild(document.createTextNode(part.text));
      }
    }
  }

  /** Resolves in a later task, letting the browser paint and handle input in between. */
  function nextTask() {
    return new Promise((resolve) => setTimeout(resolve, 0));
  }

  /**
   * What one result shows, as plain data (made where the search runs, in the worker when
   * there is one): {doc, title: parts, excerpt: excerpt(…) | null, summary: parts | null}.
   * `page` is the doc's excerpt text ({text, headings}) or null.
   */
  function prepareItem(doc, plan, page) {
    const segments = page ? tokenize(page.text || '') : [];
    const tokens = [doc.title, doc.summary].flatMap((t) => tokenize(t || '').flat()).concat(segments.flat());
    const mark = marker(plan, tokens);
    const ex = page ? excerpt(page.text, page.headings, mark, EXCERPT_CHARS, segments) : null;
    return {
      doc,
      title: highlight(doc.title || doc.url, mark),
      excerpt: ex,
      summary: !ex && doc.summary ? highlight(doc.summary, mark) : null,
    };
  }

  /** One result's list item, from prepareItem's data. DOM built from text only. */
  function renderItem(item) {
    const doc = item.doc;
    const li = document.createElement('li');
    li.className = 'ket-qua-muc';
    const h = document.createElement('h2');
    h.className = 'ket-qua-tieu-de';
    const a = document.createElement('a');
    const linked = safeHref(doc.url);
    if (linked) a.setAttribute('href', doc.url);
    appendParts(a, item.title);
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
    const ex = item.excerpt;
    if (ex) {
      const p = document.createElement('p');
      p.className = 'ket-qua-trich-doan';
      if (ex.before) p.appendChild(document.createTextNode('… '));
      appendParts(p, ex.parts);
      if (ex.after) p.appendChild(document.createTextNode(' …'));
      li.appendChild(p);
      if (ex.heading) {
        const where = document.createElement('p');
        where.className = 'ket-qua-trong-muc';
        where.appendChild(document.createTextNode(words.inHeading));
        const link = document.createElement('a');
        if (linked) link.setAttribute('href', `${doc.url.split('#')[0]}#${encodeURIComponent(ex.heading.id)}`);
        link.textContent = ex.heading.title;
        where.appendChild(link);
        li.appendChild(where);
      }
    } else if (item.summary) {
      const p = document.createElement('p');
      p.className = 'ket-qua-tom-tat';
      appendParts(p, item.summary);
      li.appendChild(p);
    }
    return li;
  }

  /** The "Chủ đề: …" line: links to the matching term pages. */
  function renderTopics(el, topics) {
    el.textContent = '';
    el.hidden = topics.length === 0;
    if (!topics.length) return;
    el.appendChild(document.createTextNode(words.topics));
    topics.forEach((t, i) => {
      if (i) el.appendChild(document.createTextNode(', '));
      const a = document.createElement('a');
      if (safeHref(t.url)) a.setAttribute('href', t.url);
      a.textContent = t.name;
      el.appendChild(a);
      if (t.label) {
        const small = document.createElement('span');
        small.className = 'ket-qua-loai';
        small.textContent = ` (${t.label})`;
        el.appendChild(small);
      }
    });
  }

  function boot(script, root) {
    const out = document.getElementById('ket-qua');
    if (!out) return;
    if (script && script.dataset) setWords(script.dataset);
    const base = indexBase(script, root);
    const searcher = workerSearcher(script && script.src, base, createSearcher(fetchLoader(base)));
    let status = document.getElementById('ket-qua-trang-thai');
    if (!status) {
      status = document.createElement('p');
      status.id = 'ket-qua-trang-thai';
      status.className = 'ket-qua-trang-thai';
      out.appendChild(status);
    }
    status.setAttribute('role', 'status');
    const topicsLine = document.createElement('p');
    topicsLine.className = 'ket-qua-chu-de';
    topicsLine.hidden = true;
    out.appendChild(topicsLine);
    const list = document.createElement('ol');
    list.className = 'ket-qua-danh-sach';
    out.appendChild(list);
    const more = document.createElement('button');
    more.type = 'button';
    more.className = 'ket-qua-them';
    more.textContent = words.more;
    more.hidden = true;
    out.appendChild(more);

    const form = document.getElementById('o-tim-kiem');
    const state = readParams(root.location.search);
    let run = 0;
    let shown = { results: [], plan: null, next: 0, run: 0 };

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
        // The excerpts are cut where the search runs; the items are put in the list
        // together, so nothing moves twice.
        const items = await searcher.items(ids, shown.plan);
        if (mine !== run) return;
        if (first) list.textContent = '';
        const batch = document.createDocumentFragment();
        items.forEach((item) => batch.appendChild(renderItem(item)));
        list.appendChild(batch);
      } finally {
        more.disabled = false;
      }
      more.hidden = shown.next >= shown.results.length;
    }

    // The results region is busy (aria-busy) while a search runs: assistive technology waits
    // for the whole list, and a test or a tool can tell a finished search from one under way.
    async function go() {
      const mine = ++run;
      out.setAttribute('aria-busy', 'true');
      try {
        await search(mine);
      } finally {
        if (mine === run) out.setAttribute('aria-busy', 'false');
      }
    }

    async function search(mine) {
      const filters = { section: state.section, audience: state.audience, tag: state.tag };
      more.hidden = true;
      if (!state.q) {
        list.textContent = '';
        renderTopics(topicsLine, []);
        status.textContent = words.enterQuery;
        return;
      }
      status.textContent = words.searching;
      try {
        const found = await searcher.search(state.q, filters);
        const { results, plan } = found;
        if (mine !== run) return;
        shown = { results, plan, next: 0, run: mine };
        // The status (read out by screen readers) comes with the first results, not before.
        if (results.length) await showMore();
        else list.textContent = '';
        if (mine !== run) return;
        renderTopics(topicsLine, found.topics || []);
        status.textContent = statusText(state.q, results.length, filterLabels(found.meta, filters), found.missing);
        // Offered, not shown: a link to another query, searched when followed.
        const offer = (other) => {
          const a = document.createElement('a');
          const url = new URL(root.location.href);
          url.searchParams.set('q', other.query);
          a.setAttribute('href', url.href);
          a.className = 'ket-qua-goi-y';
          a.textContent = suggestionLink(other.query, other.results.length);
          a.addEventListener('click', (e) => {
            e.preventDefault();
            state.q = other.query;
            const input = field('q');
            if (input && 'value' in input) input.value = other.query;
            updateUrl();
            go();
          });
          return a;
        };
        const fix = found.correction;
        if (fix && fix.results.length) {
          // The query as it was likely meant (a mistyped syllable replaced), first.
          status.appendChild(document.createTextNode(words.correction));
          status.appendChild(offer(fix));
          status.appendChild(document.createTextNode('?'));
        }
        const other = found.suggestion;
        if (other && other.results.length) {
          // The query without the syllables that match nothing.
          status.appendChild(document.createTextNode(suggestionText(found.missing)));
          status.appendChild(offer(other));
        }
      } catch (e) {
        if (mine !== run) return;
        list.textContent = '';
        renderTopics(topicsLine, []);
        status.textContent = words.indexFailed;
      }
    }

    more.addEventListener('click', () => {
      if (more.disabled) return;
      showMore().catch(() => {
        status.textContent = words.resultsFailed;
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
    else status.textContent = words.enterQuery;
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
    setWords,
    WORDS,
    suggestionText,
    suggestionLink,
    filterLabels,
    marker,
    highlight,
    excerpt,
    prepareItem,
    serve,
    expandPrefix,
    missingWords,
    dropWords,
    replaceWords,
    oneEditApart,
    closestKey,
    CORRECTION_BEFORE,
    codeKey,
    matchTopics,
    parseGzipJson,
    rangeLoader,
    readParams,
    boot,
  };
});
