#!/usr/bin/env python3
"""Scores of the search comparison: usage score.py OUTDIR

Reads OUTDIR/judged.json, measure-{real,10k}.jsonl, axe-{real,10k}.json, index.tsv and
index-size.tsv (written by run.sh) and writes OUTDIR/per-query.tsv, OUTDIR/scores.json and
OUTDIR/summary.md. Python 3 standard library only.

Measures (per site and engine, on the round-0 results):
  P@5          mean over the queries with at least one relevant page of
               (relevant pages among the first 5 shown) / min(5, number of relevant pages);
  first        queries whose first result is relevant, of those with a relevant page;
  best first   queries with a named best page (document codes and aliases, real site) whose
               first result is that page;
  shown when   queries judged to have no relevant page for which the engine still lists
  none         results (on the 10k site, split into "nothing anywhere in the source" and
               "only in bodies");
  why matched  share of the top-5 results shown (all queries) whose shown text (title and the
               text under it: loa's summary or excerpt, Pagefind's excerpt; not the date and
               section line) contains a query word. Query words: the query's words (letters
               and digits) minus the stop words below; a query typed with any diacritic is
               compared with tones (NFC, lower case), a query without any is compared folded
               (no marks, đ -> d); for the `prefix` query its last word may match the start of
               a shown word;
  marked       share of the top-5 results with at least one <mark>.
Timing (all rounds): per query the median over rounds of ms from navigation start to the
first result link; summary: the median over queries of those medians, and of the per-query
ratio Pagefind ÷ loa (queries where both engines listed results).
"""

import json
import re
import statistics
import sys
import unicodedata
from collections import defaultdict
from pathlib import Path

STOP = set("bị các cho có của cũng đã đang để đến đó được hoặc khi không là lại mà một này nào nên "
           "như nhưng những ra rằng sẽ tại theo thì trong từ và vào về vì với ở".split())
WORD = re.compile(r"\w+")
ENGINES = ["loa", "pagefind", "pagefind-tuned"]
SITES = ["real", "10k"]


def nfc_words(s):
    return WORD.findall(unicodedata.normalize("NFC", s).lower())


def fold(w):
    w = w.replace("đ", "d").replace("Đ", "d")
    return "".join(c for c in unicodedata.normalize("NFD", w) if not unicodedata.combining(c)).lower()


def why_matched(query, kind, shown):
    q = query.replace('"', " ").replace("“", " ").replace("”", " ")
    toned = any(ord(c) > 127 for c in q)
    qw = [w for w in nfc_words(q) if w not in STOP]
    sw = nfc_words(shown)
    if not toned:
        qw, sw = [fold(w) for w in qw], [fold(w) for w in sw]
    have = set(sw)
    for i, w in enumerate(qw):
        if w in have:
            return True
        if kind == "prefix" and i == len(qw) - 1 and any(s.startswith(w) for s in sw):
            return True
    return False


def med(xs):
    xs = [x for x in xs if x is not None]
    return statistics.median(xs) if xs else None


def fmt(x, nd=0):
    if x is None:
        return "–"
    return ("{:,.%df}" % nd).format(x)


def main():
    out = Path(sys.argv[1])
    judged = json.loads((out / "judged.json").read_text(encoding="utf-8"))
    queries = judged["queries"]
    qinfo = {q["id"]: q for q in queries}
    engines = []
    rows = defaultdict(list)  # (site, engine, id) -> measurement rows
    for site in SITES:
        f = out / ("measure-%s.jsonl" % site)
        for line in f.read_text(encoding="utf-8").splitlines():
            r = json.loads(line)
            rows[(site, r["engine"], r["id"])].append(r)
            if r["engine"] not in engines:
                engines.append(r["engine"])
    engines = [e for e in ENGINES if e in engines]

    per_query = []
    scores = {}
    for site in SITES:
        for eng in engines:
            p5, first, best, none_listed, why, marked, shown_n = [], 0, [0, 0], [], 0, 0, 0
            firsts, answers, bytes_, sbytes, gz, sgz = {}, {}, [], [], [], []
            errors = 0
            with_rel = 0
            for q in queries:
                ms = rows.get((site, eng, q["id"]), [])
                r0 = next((r for r in ms if r["round"] == 0), None)
                errors += sum(1 for r in ms if r.get("error"))
                res = (r0 or {}).get("results") or []
                urls = [x["url"] for x in res]
                j = judged[site][q["id"]]
                rel = set(j["relevant"])
                m = re.search(r"([\d.,]+)", (r0 or {}).get("status", "") or "")
                total = len(res) if not res else None
                if res and m:
                    total = int(m.group(1).replace(".", "").replace(",", ""))
                hits = sum(1 for u in urls[:5] if u in rel)
                pq = {
                    "site": site, "engine": eng, "id": q["id"], "query": q["query"], "kind": q["kind"],
                    "relevant": len(rel), "shown": len(res), "total": total if res else 0,
                    "status": (r0 or {}).get("status", ""), "top5": urls[:5],
                    "hits": hits, "first_relevant": bool(urls and urls[0] in rel),
                }
                if rel:
                    with_rel += 1
                    pq["p5"] = hits / min(5, len(rel))
                    p5.append(pq["p5"])
                    first += pq["first_relevant"]
                else:
                    pq["p5"] = None
                    if res:
                        none_listed.append((q["id"], j.get("anywhere", 0)))
                if j.get("best"):
                    best[1] += 1
                    pq["best_first"] = bool(urls and urls[0] == j["best"])
                    best[0] += pq["best_first"]
                w = [why_matched(q["query"], q["kind"], x["shown"]) for x in res[:5]]
                pq["why"] = sum(w)
                pq["marked"] = sum(1 for x in res[:5] if x["marks"])
                why += sum(w)
                marked += pq["marked"]
                shown_n += len(res[:5])
                f = med([r.get("first") for r in ms])
                a = med([r.get("answer") for r in ms])
                pq["first_ms"], pq["answer_ms"] = f, a
                if f is not None:
                    firsts[q["id"]] = f
                answers[q["id"]] = a
                b = med([r.get("bytes") for r in ms])
                pq["bytes"], pq["search_bytes"] = b, med([r.get("search_bytes") for r in ms])
                pq["gz"], pq["search_gz"] = med([r.get("gz") for r in ms]), med([r.get("search_gz") for r in ms])
                bytes_.append(pq["bytes"]); sbytes.append(pq["search_bytes"])
                gz.append(pq["gz"]); sgz.append(pq["search_gz"])
                per_query.append(pq)
            scores[(site, eng)] = {
                "p5": statistics.mean(p5) if p5 else None, "with_relevant": with_rel, "first": first,
                "best": best, "none_listed": none_listed,
                "none_total": sum(1 for q in queries if not judged[site][q["id"]]["relevant"]),
                "why": why, "marked": marked, "shown": shown_n,
                "firsts": firsts, "answers": answers,
                "first_ms": med(list(firsts.values())), "answer_ms": med(list(answers.values())),
                "bytes": med(bytes_), "search_bytes": med(sbytes), "gz": med(gz), "search_gz": med(sgz),
                "bytes_range": (min(x for x in bytes_ if x is not None), max(x for x in bytes_ if x is not None)),
                "search_gz_range": (min(x for x in sgz if x is not None), max(x for x in sgz if x is not None)),
                "errors": errors,
            }

    # Indexing.
    idx = defaultdict(list)
    for line in (out / "index.tsv").read_text().splitlines()[1:]:
        site, rnd, var, wall, user, sys_, rss = line.split("\t")
        idx[(site, var)].append((float(wall), float(user) + float(sys_), int(rss)))
    sizes = {}
    for line in (out / "index-size.tsv").read_text().splitlines()[1:]:
        site, _, var, files, b = line.split("\t")
        sizes[(site, var)] = (int(files), int(b))
    axe = {site: json.loads((out / ("axe-%s.json" % site)).read_text()) for site in SITES}

    # Per-query TSV.
    cols = ["site", "engine", "id", "query", "kind", "relevant", "shown", "total", "hits", "p5",
            "first_relevant", "best_first", "why", "marked", "first_ms", "answer_ms", "bytes",
            "search_bytes", "gz", "search_gz", "status", "top5"]
    with open(out / "per-query.tsv", "w", encoding="utf-8") as fh:
        fh.write("\t".join(cols) + "\n")
        for pq in per_query:
            vals = []
            for c in cols:
                v = pq.get(c)
                if c == "top5":
                    v = " ".join(v)
                elif isinstance(v, float):
                    v = "%.3f" % v if c == "p5" else "%.1f" % v
                vals.append("" if v is None else str(v))
            fh.write("\t".join(vals) + "\n")
    (out / "scores.json").write_text(json.dumps(
        {"%s/%s" % k: v for k, v in scores.items()}, ensure_ascii=False, indent=1), encoding="utf-8")

    # Summary.
    L = []
    L.append("Versions: see versions.txt. Queries: 36 (queries.tsv); judged relevant pages: real site "
             "by hand, 10k site by the rule of judge.py.\n")
    L.append("### Ranking and answers\n")
    head = "| site | engine | P@5 | first result relevant | document page first | lists results when none is relevant | why matched (top 5) | marked (top 5) |"
    L.append(head)
    L.append("|---|---|---|---|---|---|---|---|")
    for site in SITES:
        for eng in engines:
            s = scores[(site, eng)]
            best = "%d/%d" % tuple(s["best"]) if s["best"][1] else "–"
            nl = s["none_listed"]
            if site == "10k":
                nothing = sum(1 for _, a in nl if a == 0)
                nl_txt = "%d/%d (%d with the words nowhere in the source)" % (len(nl), s["none_total"], nothing)
            else:
                nl_txt = "%d/%d" % (len(nl), s["none_total"])
            L.append("| %s | %s | %.2f | %d/%d | %s | %s | %d/%d (%.0f%%) | %d/%d |" % (
                site, eng, s["p5"], s["first"], s["with_relevant"], best, nl_txt, s["why"], s["shown"],
                100.0 * s["why"] / s["shown"] if s["shown"] else 0, s["marked"], s["shown"]))
    L.append("")
    L.append("### First query in Chromium, cold cache (median over queries of each query's median of %s rounds)\n"
             % max(len(v) for v in rows.values()))
    L.append("| site | engine | first results (ms) | final status (ms) | ÷ loa, first results: median (min–max) | bytes received | of which search | gzip: all | gzip: search |")
    L.append("|---|---|---|---|---|---|---|---|---|")
    for site in SITES:
        base = scores[(site, "loa")]
        for eng in engines:
            s = scores[(site, eng)]
            if eng == "loa":
                ratio = "1"
            else:
                rs = [s["firsts"][k] / base["firsts"][k] for k in s["firsts"] if k in base["firsts"] and base["firsts"][k]]
                ratio = "%.1f (%.1f–%.1f), %d queries" % (statistics.median(rs), min(rs), max(rs), len(rs)) if rs else "–"
            L.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                site, eng, fmt(s["first_ms"]), fmt(s["answer_ms"]), ratio, fmt(s["bytes"]),
                fmt(s["search_bytes"]), fmt(s["gz"]), fmt(s["search_gz"])))
    L.append("")
    L.append("Bytes: median over the 36 queries of one cold navigation to `/tim-kiem/?q=…` (HTML, CSS, fonts, "
             "scripts, index files; body + headers as received from a server that does not compress); "
             "\"gzip\": the same files at gzip -6 (Pagefind's index files are already compressed).\n")
    L.append("### Indexing (median of %d runs; loa: build with `search: true` minus `search: false`)\n"
             % max(len(v) for v in idx.values()))
    L.append("| site | what | wall (s) | CPU (s) | peak RSS (MB) | index files | index size (MB) |")
    L.append("|---|---|---|---|---|---|---|")
    for site in SITES:
        get = lambda v, i: med([x[i] for x in idx[(site, v)]])
        ws, wn = get("loa-search", 0), get("loa-nosearch", 0)
        cs, cn = get("loa-search", 1), get("loa-nosearch", 1)
        ms_, mn = get("loa-search", 2), get("loa-nosearch", 2)
        f, b = sizes.get((site, "loa-search"), (0, 0))
        L.append("| %s | loa build, search on | %.2f | %.2f | %.0f | | |" % (site, ws, cs, ms_ / 1024))
        L.append("| %s | loa build, search off | %.2f | %.2f | %.0f | | |" % (site, wn, cn, mn / 1024))
        L.append("| %s | **loa's search (difference)** | **%.2f** | **%.2f** | **%+.0f** | %d | %.1f |" % (
            site, ws - wn, cs - cn, (ms_ - mn) / 1024, f, b / 1e6))
        for v in ("pagefind", "pagefind-tuned"):
            if (site, v) in idx:
                f, b = sizes.get((site, v), (0, 0))
                label = "**Pagefind** (`--site`)" if v == "pagefind" else "Pagefind tuned (`--glob` loa's pages, `--root-selector main`)"
                L.append("| %s | %s | %.2f | %.2f | %.0f | %d | %.1f |" % (
                    site, label, get(v, 0), get(v, 1), get(v, 2) / 1024, f, b / 1e6))
    L.append("")
    L.append("### Accessibility (axe-core on `/tim-kiem/?q=khuyen+hoc`, light and dark colour scheme)\n")
    L.append("| site | engine | violations (light) | violations (dark) |")
    L.append("|---|---|---|---|")
    for site in SITES:
        for eng in engines:
            vs = axe[site].get(eng, [])
            cell = lambda sch: ", ".join("%s %s (%d)" % (v["impact"], v["id"], v["nodes"]) for v in vs if v["scheme"] == sch) or "0"
            L.append("| %s | %s | %s | %s |" % (site, eng, cell("light"), cell("dark")))
    L.append("")
    L.append("### Per query (first 5 results: relevant shown / relevant judged; ✗ = results listed though none is relevant)\n")
    L.append("| id | query | kind | " + " | ".join("%s %s" % (s, e) for s in SITES for e in engines) + " |")
    L.append("|---|---|---|" + "---|" * (len(SITES) * len(engines)))
    by = {(p["site"], p["engine"], p["id"]): p for p in per_query}
    for q in queries:
        cells = []
        for site in SITES:
            for eng in engines:
                p = by[(site, eng, q["id"])]
                if p["relevant"]:
                    c = "%d/%d" % (p["hits"], min(5, p["relevant"]))
                    if not p["first_relevant"]:
                        c += " (1st ✗)"
                    if p.get("best_first") is False:
                        c += " (doc not 1st)"
                else:
                    c = ("✗ %s" % (p["total"] or p["shown"])) if p["shown"] else "0 ✓"
                cells.append(c)
        L.append("| %s | `%s` | %s | %s |" % (q["id"], q["query"], q["kind"], " | ".join(cells)))
    L.append("")
    errs = {k: v["errors"] for k, v in scores.items() if v["errors"]}
    if errs:
        L.append("Measurement errors: %s\n" % errs)
    (out / "summary.md").write_text("\n".join(L) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
