#!/usr/bin/env python3
"""Judgments of the search comparison: reads queries.tsv and writes, for each query and site,
the set of relevant URLs. Python 3 standard library only.

usage: judge.py QUERIES.tsv CORPUS_10K_DIR OUT.json [REAL_SITE_OUTPUT_DIR]

Real site: the URLs written by hand in queries.tsv (column real_relevant), judged by reading
content/ before either engine ran. With REAL_SITE_OUTPUT_DIR, every judged URL must exist there
as PATH/index.html (a check that the judgments still name real pages).

10,000-article site (benches/gen_corpus.py): a mechanical rule on the Markdown source, never on
either engine's output. An article is relevant to a query when the query's `intent` (what the
reader meant, written in full Vietnamese spelling: `dang vein` -> "đảng viên") occurs as a
sequence of whole words in one of its metadata fields: the title, the summary, one tag, or the
display name of one of its audiences (from loa.yaml). Words are compared after NFC and lower
case, with their tones (the intent is the correctly spelled form, so folding is not needed);
words are runs of letters and digits, everything else separates them (so "49-KL/TW" is the
words 49 kl tw). An intent "A & B" needs both A and B (in any of those fields). Bodies are
not used for relevance (a word met in passing in a 700-word body does not make the article
about it); the number of articles whose body or metadata contains the intent is recorded as
`anywhere`, so a query judged to have no relevant article can be told apart from one with
nothing to find at all.
"""

import json
import re
import sys
import unicodedata
from pathlib import Path

WORD = re.compile(r"\w+")


def words(s):
    return WORD.findall(unicodedata.normalize("NFC", s).lower())


def joined(ws):
    """Words as " w1 w2 … ": a whole-word sequence is then a substring " a b "."""
    return " " + " ".join(ws) + " "


def contains(hay, needle):
    return needle != "  " and needle in hay


def read_queries(path):
    rows = []
    header = None
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        cells = line.split("\t")
        if header is None:
            header = cells
            continue
        if len(cells) != len(header):
            sys.exit("judge.py: %s: %d cells, want %d: %r" % (path, len(cells), len(header), line))
        rows.append(dict(zip(header, cells)))
    return rows


def front_matter(text):
    """The loa flavor's YAML front matter as gen_corpus.py writes it (JSON-quoted strings)."""
    if not text.startswith("---\n"):
        raise ValueError("no front matter")
    fm, body = text[4:].split("\n---\n", 1)
    meta = {"tags": [], "audiences": []}
    in_tags = False
    for line in fm.splitlines():
        if line.startswith("  - ") and in_tags:
            meta["tags"].append(json.loads(line[4:]))
            continue
        in_tags = False
        key, _, value = line.partition(": ")
        if line == "tags:":
            in_tags = True
        elif key in ("title", "summary"):
            meta[key] = json.loads(value)
        elif key == "audiences":
            meta["audiences"] = [a.strip() for a in value.strip("[]").split(",") if a.strip()]
    return meta, body


def audience_names(loa_yaml):
    names, current = {}, None
    for line in Path(loa_yaml).read_text(encoding="utf-8").splitlines():
        m = re.match(r"^  ([a-z0-9-]+):$", line)
        if m:
            current = m.group(1)
            continue
        m = re.match(r"^    name: (.*)$", line)
        if m and current:
            names[current] = json.loads(m.group(1))
    return names


def judge_10k(corpus, queries):
    names = audience_names(corpus / "loa.yaml")
    articles = []
    for p in sorted((corpus / "content" / "articles").glob("bai-viet-*.md")):
        meta, body = front_matter(p.read_text(encoding="utf-8"))
        fields = [meta["title"], meta["summary"]] + meta["tags"] + [names[a] for a in meta["audiences"]]
        articles.append(("/articles/%s/" % p.stem, [joined(words(f)) for f in fields],
                         joined(words(body))))
    out = {}
    for q in queries:
        groups = [joined(words(g)) for g in q["intent"].split("&")]
        relevant, anywhere = [], 0
        for url, fields, body in articles:
            if all(any(contains(f, g) for f in fields) for g in groups):
                relevant.append(url)
            if all(any(contains(f, g) for f in fields) or contains(body, g) for g in groups):
                anywhere += 1
        out[q["id"]] = {"relevant": relevant, "best": None, "anywhere": anywhere}
    return out, len(articles)


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__.split("\n\n")[1])
    queries = read_queries(sys.argv[1])
    # The self-check of the judged file.
    ids = [q["id"] for q in queries]
    assert len(queries) == 36, "queries.tsv has %d queries, want 36" % len(queries)
    assert len(set(ids)) == 36, "query ids are not unique"
    assert all(q["query"].strip() and q["intent"].strip() for q in queries), "empty query or intent"
    real = {}
    for q in queries:
        rel = [] if q["real_relevant"] == "-" else q["real_relevant"].split()
        best = None if q["real_best"] == "-" else q["real_best"]
        assert all(u.startswith("/") and u.endswith("/") for u in rel), q["id"]
        assert best is None or best in rel, "%s: real_best not among real_relevant" % q["id"]
        real[q["id"]] = {"relevant": rel, "best": best}
    if len(sys.argv) == 5:
        site = Path(sys.argv[4])
        missing = sorted({u for j in real.values() for u in j["relevant"]
                          if not (site / u.strip("/") / "index.html").is_file()})
        assert not missing, "judged URLs not in the real site's output: %s" % missing
    corpus = Path(sys.argv[2])
    big, n = judge_10k(corpus, queries)
    data = {
        "queries": [{k: q[k] for k in ("id", "query", "kind", "intent", "note")} for q in queries],
        "real": real,
        "10k": big,
        "articles_10k": n,
    }
    Path(sys.argv[3]).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    print("judge.py: 36 queries; real site %d with relevant pages; 10k site (%d articles) %d with "
          "relevant articles" % (sum(1 for j in real.values() if j["relevant"]), n,
                                 sum(1 for j in big.values() if j["relevant"])), file=sys.stderr)


if __name__ == "__main__":
    main()
