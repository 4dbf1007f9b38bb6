#!/bin/bash
# usage: big.sh ROUNDS BIN... : cold builds of the 100,000-article corpus (/tmp/pb/c100k,
# benches/gen_corpus.py --articles 100000 --flavor loa) into a new folder on disk, binaries
# alternated, page cache dropped before each; rows to /tmp/pb/r/mem-100k.txt:
# binary wall user sys maxrss_kib, and each run's --verbose stage table to /tmp/pb/r/100k-BIN-i.log
set -e
R=$1; shift
cd /tmp/pb/c100k; mkdir -p /tmp/pb/r
for i in $(seq 1 $R); do
  for b in "$@"; do
    rm -rf .loa-cache /tmp/pb/o100k; sync; echo 3 > /proc/sys/vm/drop_caches
    /usr/bin/time -o /tmp/pb/r/t -f "$b %e %U %S %M" /tmp/pb/$b build --verbose --output-dir /tmp/pb/o100k > /tmp/pb/r/100k-$b-$i.log 2>&1
    cat /tmp/pb/r/t >> /tmp/pb/r/mem-100k.txt; cat /tmp/pb/r/t
  done
done
rm -rf /tmp/pb/o100k .loa-cache
