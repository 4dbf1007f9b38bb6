#!/usr/bin/env python3
"""Markdown table from a results-N.tsv written by benches/compare.sh.

usage: [ZOLA_VERSION=V] table.py RESULTS.tsv RUNS HUGO_VERSION LOA_VERSION [VERBOSE.txt]

Medians over the timed runs. "loa ÷ tool" is loa's median over the tool's median, both from the
same rounds; the loa row used is the one with the same output mode (into an empty folder for the
Hugo-empty row, into its previous output for every other row). Below 1: loa is faster.
"""
import csv
import os
import statistics
import sys

path, runs, hugo_v, loa_v = sys.argv[1:5]
verbose = sys.argv[5] if len(sys.argv) > 5 else None
rows = list(csv.DictReader(open(path, encoding="utf-8"), delimiter="\t"))
n = int(rows[0]["size"]) if rows else 0


def values(v, t, key):
    out = []
    for r in rows:
        if r["variant"] == v and r["target"] == t:
            out.append(float(r["user_s"]) + float(r["sys_s"]) if key == "cpu" else float(r[key]))
    return out


def med(v, t, key):
    xs = values(v, t, key)
    return statistics.median(xs) if xs else None


def files(v):
    xs = [r["files"] for r in rows if r["variant"] == v and r["target"] == "disk" and r["files"]]
    return int(xs[0]) if xs else None


LABELS = {
    "loa-prev": f"loa {loa_v}, into its previous output",
    "loa-empty": f"loa {loa_v}, into an empty folder",
    "loa-nosearch": f"loa {loa_v}, `search: false`, into its previous output",
    "hugo-prev": f"Hugo {hugo_v}, into its previous output",
    "hugo-empty": f"Hugo {hugo_v}, into an empty folder",
    "zola": " ".join(filter(None, ["Zola", os.environ.get("ZOLA_VERSION")])) + " (deletes its output itself)",
    "floor-2t": "floor --threads 2",
    "floor-1t": "floor --threads 1",
}
REF = {"loa-empty": "loa-empty", "hugo-empty": "loa-empty"}
present = [v for v in LABELS if any(r["variant"] == v for r in rows)]


def fmt(x, f="{:.2f}"):
    return "–" if x is None else f.format(x)


def ratio(v, t, key):
    if v.startswith("loa"):
        return "–"
    a, b = med(REF.get(v, "loa-prev"), t, key), med(v, t, key)
    return "–" if a is None or not b else f"{a / b:.2f}"


def spread(v, t):
    xs = values(v, t, "wall_s")
    return f"{min(xs):.2f}–{max(xs):.2f}" if xs else "–"


print(f"### {n:,} articles ({runs} timed runs each after a warm-up; medians)\n")
print("| tool | wall, disk (s) | wall, tmpfs (s) | CPU user+sys, disk (s) | peak RSS (MiB) "
      "| files written | loa ÷ tool: wall disk | wall tmpfs | CPU |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for v in present:
    rss = med(v, "disk", "maxrss_kb")
    print(f"| {LABELS[v]} | {fmt(med(v, 'disk', 'wall_s'))} | {fmt(med(v, 'tmpfs', 'wall_s'))} "
          f"| {fmt(med(v, 'disk', 'cpu'))} | {fmt(rss and rss / 1024, '{:.0f}')} "
          f"| {fmt(files(v), '{:,}')} | {ratio(v, 'disk', 'wall_s')} | {ratio(v, 'tmpfs', 'wall_s')} "
          f"| {ratio(v, 'disk', 'cpu')} |")
print("\nloa ÷ tool: loa's median over the tool's median, same rounds; the loa row with the same "
      "output mode (empty folder for the Hugo-empty row, previous output otherwise). Below 1: loa is "
      "faster. Peak RSS: maximum resident set size of the process (disk runs).\n")
if "floor-2t" in present:
    parts = []
    for v in ("loa-prev", "loa-nosearch"):
        if v in present:
            # A floor median of 0.00 s (a tiny corpus on tmpfs, at /usr/bin/time's 10 ms steps)
            # gives no ratio.
            d, t = (
                "–" if not floor or loa is None else f"{loa / floor:.2f}×"
                for loa, floor in ((med(v, x, "wall_s"), med("floor-2t", x, "wall_s")) for x in ("disk", "tmpfs"))
            )
            parts.append(f"{LABELS[v]}: {d} on disk, {t} on tmpfs")
    print("Against the floor (2 threads), wall: " + "; ".join(parts) + ".\n")
print("Spread of wall times (min–max over the timed runs):\n")
print("| tool | disk (s) | tmpfs (s) |")
print("|---|---:|---:|")
for v in present:
    print(f"| {LABELS[v]} | {spread(v, 'disk')} | {spread(v, 'tmpfs')} |")
if verbose:
    print("\nloa `--verbose` stage times, one more build into its previous output (disk):\n\n```")
    print(open(verbose, encoding="utf-8").read().rstrip())
    print("```")
print()
