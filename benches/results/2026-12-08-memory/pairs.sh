#!/bin/bash
# usage: pairs.sh ROUNDS BIN... : per round, for each binary: a cold build (no .loa-cache, empty
# tmpfs folder) and a restored one (its own cold build's .loa-cache, one article changed, every
# file touched), page cache dropped before each. Binaries in /tmp/pb, corpus in /tmp/pb/c-loa
# (benches/gen_corpus.py --articles 10000 --flavor loa), rows appended to /tmp/pb/r/mem-pairs.txt:
# kind binary wall user sys maxrss_kib
set -e
R=$1; shift
C=/tmp/pb/c-loa; A=content/articles/bai-viet-000123.md
cd $C; cp /tmp/pb/orig.md $A; mkdir -p /tmp/pb/r
for b in "$@"; do
  rm -rf .loa-cache /dev/shm/o; /tmp/pb/$b build --output-dir /dev/shm/o >/dev/null 2>&1
  rm -rf /tmp/pb/cache-$b; cp -a .loa-cache /tmp/pb/cache-$b
done
for i in $(seq 1 $R); do
  for b in "$@"; do
    for kind in cold restored; do
      rm -rf .loa-cache /dev/shm/o; cp /tmp/pb/orig.md $A
      if [ $kind = restored ]; then cp -a /tmp/pb/cache-$b .loa-cache; echo "Sửa lần $i." >> $A; fi
      find content -type f -exec touch {} +
      sync; echo 3 > /proc/sys/vm/drop_caches
      /usr/bin/time -f "$kind $b %e %U %S %M" /tmp/pb/$b build --output-dir /dev/shm/o >/dev/null 2>>/tmp/pb/r/mem-pairs.txt
      tail -1 /tmp/pb/r/mem-pairs.txt
    done
  done
done
cp /tmp/pb/orig.md $A
