#!/usr/bin/env python3
"""Medians of a sitting's rows (sit.sh), per variant and target: wall, user, sys, peak RSS."""
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1]), delimiter='\t'))
keys = sorted({(r['variant'], r['target']) for r in rows})
print('| variant | target | runs | wall (s) | user (s) | sys (s) | peak RSS (MiB) | walls |')
print('|---|---|---:|---:|---:|---:|---:|---|')
med = {}
for v, t in keys:
    rs = [r for r in rows if r['variant'] == v and r['target'] == t]
    m = lambda f: statistics.median(float(r[f]) for r in rs)
    med[(v, t)] = m('wall_s')
    walls = ' '.join(r['wall_s'] for r in rs)
    print(f"| {v} | {t} | {len(rs)} | {m('wall_s'):.2f} | {m('user_s'):.2f} | {m('sys_s'):.2f} | {m('maxrss_kb')/1024:.0f} | {walls} |")
print()
for t in ('tmpfs', 'disk'):
    for v in sorted({k[0] for k in keys}):
        for peer in ('hugo', 'zola'):
            if (peer, t) in med and (v, t) in med and v not in ('hugo', 'zola'):
                print(f"{t}: {v} ÷ {peer} = {med[(v, t)] / med[(peer, t)]:.3f} ({peer} ÷ {v} = {med[(peer, t)] / med[(v, t)]:.2f}×)")
