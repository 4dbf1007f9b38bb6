// The metric overrides of the theme's fallback fonts (issue 24), computed from the real font
// files: the web font Be Vietnam Pro (themes/loa/static/fonts/*.woff2) and the local fonts the
// fallback faces name. Run from the repository root:
//
//   node tests/theme/font-metrics.mjs            # prints the @font-face rules
//   node tests/theme/font-metrics.mjs --check    # exits 1 when style.css holds other values
//
// and paste the printed rules over the block between the "fallback faces" markers of
// themes/loa/static/style.css (or run with --write to do that). Re-run it when the web font
// files, the fallback fonts or the sample text change. Needs node only (WOFF2's Brotli is in
// node:zlib); the local fonts are read from /usr/share/fonts (Debian's fonts-liberation,
// fonts-roboto-unhinted and fonts-dejavu-core, installed by .ci/run), or from
// $LOA_FALLBACK_FONTS.
//
// What the numbers are. While Be Vietnam Pro loads (font-display: swap) the text is drawn in a
// local font; when the web font arrives, text that was wider or narrower re-wraps and the page
// below it moves (layout shift). Each fallback face scales the local font so that its average
// advance over Vietnamese text (the sample below, folded to base letters: the diacritics sit on
// base-letter advances) equals Be Vietnam Pro's (`size-adjust`), and gives it Be Vietnam Pro's
// ascent, descent and line gap (`ascent-override`…, divided by the scale, which applies to them
// too). Lines then break at nearly the same words in both fonts.

import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
const FONTS = path.join(ROOT, 'themes/loa/static/fonts');
const STYLE = path.join(ROOT, 'themes/loa/static/style.css');
const BEGIN = '/* fallback faces: made by tests/theme/font-metrics.mjs, do not edit by hand */';
const END = '/* end of fallback faces */';

/** Vietnamese text as the site's articles read (letters, spaces, punctuation). */
const SAMPLE = `Khuyến học, khuyến tài, xây dựng xã hội học tập là chủ trương lớn của Đảng. Mỗi gia đình,
mỗi dòng họ, mỗi cộng đồng cần đẩy mạnh phong trào học tập suốt đời; cán bộ, đảng viên gương mẫu
đi đầu. Hội Khuyến học các cấp phối hợp với nhà trường, đoàn thể và chính quyền địa phương để mọi
người dân đều có cơ hội học tập, nâng cao trình độ, kỹ năng nghề nghiệp và chất lượng cuộc sống.
Kết luận số 49-KL/TW ngày 10 tháng 5 năm 2019 của Ban Bí thư về tiếp tục tăng cường sự lãnh đạo.`;

/** The fallback faces: the CSS family, the local() names tried in order, the file to measure. */
const FALLBACKS = [
  {
    family: 'Be Vietnam Pro Arial',
    note: 'Arial (Windows, macOS, iOS) and its metric twins Liberation Sans, Arimo (Linux, ChromeOS)',
    faces: [
      { weight: 400, web: 'be-vietnam-pro-latin-400-normal.woff2', local: ['Arial', 'ArialMT', 'Liberation Sans', 'LiberationSans', 'Arimo'], file: 'truetype/liberation/LiberationSans-Regular.ttf' },
      { weight: 700, web: 'be-vietnam-pro-latin-700-normal.woff2', local: ['Arial Bold', 'Arial-BoldMT', 'Liberation Sans Bold', 'LiberationSans-Bold', 'Arimo Bold'], file: 'truetype/liberation/LiberationSans-Bold.ttf' },
    ],
  },
  {
    family: 'Be Vietnam Pro Roboto',
    note: 'Roboto (Android)',
    faces: [
      { weight: 400, web: 'be-vietnam-pro-latin-400-normal.woff2', local: ['Roboto', 'Roboto-Regular'], file: 'truetype/roboto/unhinted/RobotoTTF/Roboto-Regular.ttf' },
      { weight: 700, web: 'be-vietnam-pro-latin-700-normal.woff2', local: ['Roboto Bold', 'Roboto-Bold'], file: 'truetype/roboto/unhinted/RobotoTTF/Roboto-Bold.ttf' },
    ],
  },
  {
    family: 'Be Vietnam Pro DejaVu',
    note: 'DejaVu Sans (most Linux desktops)',
    faces: [
      { weight: 400, web: 'be-vietnam-pro-latin-400-normal.woff2', local: ['DejaVu Sans', 'DejaVuSans'], file: 'truetype/dejavu/DejaVuSans.ttf' },
      { weight: 700, web: 'be-vietnam-pro-latin-700-normal.woff2', local: ['DejaVu Sans Bold', 'DejaVuSans-Bold'], file: 'truetype/dejavu/DejaVuSans-Bold.ttf' },
    ],
  },
];

// ───────────────────────────── reading fonts ─────────────────────────────

/** UIntBase128 of WOFF2: returns [value, next offset]. */
function base128(buf, at) {
  let value = 0;
  for (let i = 0; i < 5; i++) {
    const b = buf[at + i];
    value = value * 128 + (b & 0x7f);
    if (!(b & 0x80)) return [value, at + i + 1];
  }
  throw new Error('bad UIntBase128');
}

const KNOWN_TAGS = ['cmap', 'head', 'hhea', 'hmtx', 'maxp', 'name', 'OS/2', 'post', 'cvt ', 'fpgm', 'glyf', 'loca', 'prep', 'CFF ', 'VORG', 'EBDT', 'EBLC', 'gasp', 'hdmx', 'kern', 'LTSH', 'PCLT', 'VDMX', 'vhea', 'vmtx', 'BASE', 'GDEF', 'GPOS', 'GSUB', 'EBSC', 'JSTF', 'MATH', 'CBDT', 'CBLC', 'COLR', 'CPAL', 'SVG ', 'sbix', 'acnt', 'avar', 'bdat', 'bloc', 'bsln', 'cvar', 'fdsc', 'feat', 'fmtx', 'fvar', 'gvar', 'hsty', 'just', 'lcar', 'mort', 'morx', 'opbd', 'prop', 'trak', 'Zapf', 'Silf', 'Glat', 'Gloc', 'Feat', 'Sill'];

/** The tables of a WOFF2 file (those stored untransformed), by tag. */
function woff2Tables(buf) {
  if (buf.toString('latin1', 0, 4) !== 'wOF2') throw new Error('not WOFF2');
  const numTables = buf.readUInt16BE(12);
  let at = 48;
  const dir = [];
  for (let i = 0; i < numTables; i++) {
    const flags = buf[at++];
    let tag;
    if ((flags & 0x3f) === 0x3f) {
      tag = buf.toString('latin1', at, at + 4);
      at += 4;
    } else {
      tag = KNOWN_TAGS[flags & 0x3f];
    }
    const version = flags >> 6;
    let length;
    [length, at] = base128(buf, at);
    // glyf and loca are transformed unless version 3; other tables unless version 0.
    const transformed = tag === 'glyf' || tag === 'loca' ? version !== 3 : version !== 0;
    if (transformed) [length, at] = base128(buf, at);
    dir.push({ tag, length, transformed });
  }
  const totalCompressed = buf.readUInt32BE(20);
  const data = zlib.brotliDecompressSync(buf.subarray(at, at + totalCompressed));
  const tables = {};
  let offset = 0;
  for (const t of dir) {
    if (!t.transformed) tables[t.tag] = data.subarray(offset, offset + t.length);
    offset += t.length;
  }
  return tables;
}

/** The tables of a TrueType/OpenType file, by tag. */
function sfntTables(buf) {
  const numTables = buf.readUInt16BE(4);
  const tables = {};
  for (let i = 0; i < numTables; i++) {
    const rec = 12 + 16 * i;
    const tag = buf.toString('latin1', rec, rec + 4);
    const offset = buf.readUInt32BE(rec + 8);
    const length = buf.readUInt32BE(rec + 12);
    tables[tag] = buf.subarray(offset, offset + length);
  }
  return tables;
}

/** Code point → glyph id, from a format 4 or 12 subtable of `cmap`. */
function cmapLookup(cmap) {
  const n = cmap.readUInt16BE(2);
  let best = null;
  for (let i = 0; i < n; i++) {
    const platform = cmap.readUInt16BE(4 + 8 * i);
    const encoding = cmap.readUInt16BE(6 + 8 * i);
    const offset = cmap.readUInt32BE(8 + 8 * i);
    const format = cmap.readUInt16BE(offset);
    if ((platform === 3 && (encoding === 1 || encoding === 10)) || platform === 0) {
      if (format === 12 || (format === 4 && (!best || best.format !== 12))) best = { offset, format };
    }
  }
  if (!best) throw new Error('no Unicode cmap');
  const t = cmap.subarray(best.offset);
  if (best.format === 12) {
    const groups = t.readUInt32BE(12);
    return (cp) => {
      for (let g = 0; g < groups; g++) {
        const start = t.readUInt32BE(16 + 12 * g);
        const end = t.readUInt32BE(20 + 12 * g);
        if (cp >= start && cp <= end) return t.readUInt32BE(24 + 12 * g) + cp - start;
      }
      return 0;
    };
  }
  const segX2 = t.readUInt16BE(6);
  const ends = 14;
  const starts = ends + segX2 + 2;
  const deltas = starts + segX2;
  const rangeOffsets = deltas + segX2;
  return (cp) => {
    for (let s = 0; s < segX2; s += 2) {
      if (cp > t.readUInt16BE(ends + s)) continue;
      const start = t.readUInt16BE(starts + s);
      if (cp < start) return 0;
      const delta = t.readInt16BE(deltas + s);
      const ro = t.readUInt16BE(rangeOffsets + s);
      if (ro === 0) return (cp + delta) & 0xffff;
      const g = t.readUInt16BE(rangeOffsets + s + ro + 2 * (cp - start));
      return g === 0 ? 0 : (g + delta) & 0xffff;
    }
    return 0;
  };
}

/** What the overrides need of a font: units per em, vertical metrics, average advance. */
function measure(tables, label) {
  for (const t of ['head', 'hhea', 'hmtx', 'cmap', 'OS/2']) {
    if (!tables[t]) throw new Error(`${label}: no ${t} table (or a transformed one)`);
  }
  const upm = tables.head.readUInt16BE(18);
  const hhea = tables.hhea;
  const os2 = tables['OS/2'];
  // USE_TYPO_METRICS: browsers then take the typographic metrics of OS/2.
  const typo = (os2.readUInt16BE(62) & 0x80) !== 0;
  const ascent = typo ? os2.readInt16BE(68) : hhea.readInt16BE(4);
  const descent = typo ? os2.readInt16BE(70) : hhea.readInt16BE(6);
  const lineGap = typo ? os2.readInt16BE(72) : hhea.readInt16BE(8);
  const numberOfHMetrics = hhea.readUInt16BE(34);
  const glyph = cmapLookup(tables.cmap);
  const advance = (g) => tables.hmtx.readUInt16BE(4 * Math.min(g, numberOfHMetrics - 1));
  const text = SAMPLE.normalize('NFD').replace(/\p{M}/gu, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').replace(/\s+/g, ' ');
  let total = 0;
  for (const ch of text) {
    const g = glyph(ch.codePointAt(0));
    if (!g) throw new Error(`${label}: no glyph for ${JSON.stringify(ch)}`);
    total += advance(g);
  }
  return { upm, ascent, descent: Math.abs(descent), lineGap, average: total / [...text].length };
}

const pct = (x) => `${(x * 100).toFixed(2)}%`;

function rules() {
  const fontDirs = (process.env.LOA_FALLBACK_FONTS || '/usr/share/fonts').split(':');
  const out = [BEGIN];
  for (const fb of FALLBACKS) {
    out.push(`/* ${fb.family}: ${fb.note}. */`);
    for (const face of fb.faces) {
      const web = measure(woff2Tables(fs.readFileSync(path.join(FONTS, face.web))), face.web);
      const file = fontDirs.map((d) => path.join(d, face.file)).find((f) => fs.existsSync(f));
      if (!file) throw new Error(`${face.file} not found under ${fontDirs.join(', ')} (apt-get install fonts-liberation fonts-dejavu-core fonts-roboto-unhinted)`);
      const local = measure(sfntTables(fs.readFileSync(file)), face.file);
      const scale = web.average / web.upm / (local.average / local.upm);
      const src = face.local.map((n) => `local('${n}')`).join(', ');
      out.push(
        `@font-face { font-family: '${fb.family}'; font-weight: ${face.weight}; src: ${src}; ` +
          `size-adjust: ${pct(scale)}; ascent-override: ${pct(web.ascent / web.upm / scale)}; ` +
          `descent-override: ${pct(web.descent / web.upm / scale)}; line-gap-override: ${pct(web.lineGap / web.upm / scale)}; }`,
      );
    }
  }
  out.push(END);
  return out.join('\n');
}

const made = rules();
const style = fs.readFileSync(STYLE, 'utf8');
const start = style.indexOf(BEGIN);
const end = style.indexOf(END);
const current = start >= 0 && end > start ? style.slice(start, end + END.length) : null;
if (process.argv.includes('--check')) {
  if (current !== made) {
    console.error(`${STYLE}: the fallback faces differ from the fonts' metrics; run node tests/theme/font-metrics.mjs --write\n${made}`);
    process.exit(1);
  }
  console.log('fallback faces match the fonts');
} else if (process.argv.includes('--write')) {
  if (current === null) throw new Error(`${STYLE}: no fallback faces block (${BEGIN} … ${END})`);
  fs.writeFileSync(STYLE, style.replace(current, made));
  console.log(`wrote ${STYLE}`);
} else {
  console.log(made);
}
