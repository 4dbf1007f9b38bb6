#!/bin/bash
# usage: restored.sh ROUNDS BIN... (binaries in /tmp/pb, corpus in /tmp/pb/c-loa); each BIN's cache from its own cold build, then restored builds, one article changed
set -e
R=$1; shift
C=/tmp/pb/c-loa; A=content/articles/bai-viet-000123.md
cd $C
git init -q . 2>/dev/null || true
cp $A /tmp/pb/orig.md
for b in "$@"; do
  cp /tmp/pb/orig.md $A; rm -rf .loa-cache /dev/shm/o
  /usr/bin/time -f "cold $b %e %U %S %M" /tmp/pb/$b build --output-dir /dev/shm/o >/dev/null 2>>/tmp/pb/r/cold.txt
  tail -1 /tmp/pb/r/cold.txt
  rm -rf /tmp/pb/cache-$b; cp -a .loa-cache /tmp/pb/cache-$b; ls -la .loa-cache/memo/bulletins.bin
done
for i in $(seq 1 $R); do
  for b in "$@"; do
    rm -rf .loa-cache /dev/shm/o; cp -a /tmp/pb/cache-$b .loa-cache
    cp /tmp/pb/orig.md $A; echo "Sửa lần $i." >> $A; find content -type f -exec touch {} +
    sync; echo 3 > /proc/sys/vm/drop_caches 2>/dev/null || true
    /usr/bin/time -f "restored $b %e %U %S %M" /tmp/pb/$b build --output-dir /dev/shm/o --verbose >/dev/null 2>/tmp/pb/r/v.txt; cat /tmp/pb/r/v.txt >> /tmp/pb/r/verbose-$b.txt; grep -E "cache-|^restored" /tmp/pb/r/v.txt | tr "\n" " " >> /tmp/pb/r/restored.txt; echo >> /tmp/pb/r/restored.txt
    tail -1 /tmp/pb/r/restored.txt
  done
done
cp /tmp/pb/orig.md $A
