#!/usr/bin/env python3
"""Medians of a `sit.sh` results file, by binary: the bulletin stage's wall and CPU time, the
resident memory it added (after `bulletin` minus after `assemble`), and the whole run's wall,
CPU (user+sys) and peak RSS; with the load averages seen and the paired ratios new/base of each
round.  Usage: med.py RESULTS.tsv"""
import statistics
import sys

rows = {}
for line in open(sys.argv[1], encoding="utf-8"):
    rnd, name, load, time, stages = line.rstrip("\n").split("\t")
    wall, user, syst, peak = time.split()
    st = {}
    for item in stages.split():
        stage, vals = item.split("=")
        st[stage] = [float(v) for v in vals.split(",")]
    b = st["bulletin"]
    row = {
        "load": float(load),
        "wall": float(wall),
        "cpu": float(user) + float(syst),
        "peak": int(peak) / 1024,
        "b_wall": b[0] / 1000,
        "b_cpu": b[1] / 1000 if len(b) == 3 else None,
        "b_mem": b[-1] - st["assemble"][-1],
    }
    rows.setdefault(name, {})[int(rnd)] = row


def med(name, key):
    vals = [r[key] for r in rows[name].values() if r[key] is not None]
    return statistics.median(vals) if vals else None


print("binary | runs | load (min–max) | bulletin wall (s) | bulletin CPU (s) | bulletin +RSS (MiB) | run wall (s) | run CPU (s) | peak RSS (MiB)")
for name in rows:
    loads = [r["load"] for r in rows[name].values()]
    f = lambda v, p=2: "–" if v is None else f"{v:.{p}f}"
    print(
        f"{name} | {len(rows[name])} | {min(loads):.1f}–{max(loads):.1f} | {f(med(name, 'b_wall'))} | "
        f"{f(med(name, 'b_cpu'))} | {f(med(name, 'b_mem'), 0)} | {f(med(name, 'wall'))} | "
        f"{f(med(name, 'cpu'))} | {f(med(name, 'peak'), 0)}"
    )
if "base" in rows and "new" in rows:
    for key in ["b_wall", "b_cpu", "b_mem", "cpu", "peak"]:
        ratios = [
            rows["new"][r][key] / rows["base"][r][key]
            for r in rows["new"]
            if r in rows["base"] and rows["new"][r][key] and rows["base"][r][key]
        ]
        if ratios:
            print(f"new/base {key}: median of paired ratios {statistics.median(ratios):.3f} ({len(ratios)} rounds)")
