#!/usr/bin/env python3
"""Medians of each stage's wall and CPU time over the rebuilds (not the first build) of
`loa serve --verbose` logs written by stages.sh, and each rebuild's total.

usage: python3 stmed.py LOG...
"""
import re,statistics,sys
for f in sys.argv[1:]:
  txt=open(f).read()
  blocks=txt.split('Đã dựng')
  st={}
  for blk in blocks[2:]:
    for m in re.finditer(r'^\s+(\w+)\s+([\d.]+) ms\s+CPU\s+([\d.]+) ms',blk,re.M):
      st.setdefault(m.group(1),[]).append((float(m.group(2)),float(m.group(3))))
  print(f.split('/')[-1], {k:(round(statistics.median(x[0] for x in v)),round(statistics.median(x[1] for x in v))) for k,v in st.items() if k not in ('facts','templates')})
  t=[int(m) for m in re.findall(r'trong (\d+) ms',txt)]
  print('   first', t[0], 'rebuilds median', statistics.median(t[1:]), t[1:])
