#!/bin/bash
# usage: pair.sh ROUNDS BIN : cold (no cache) and restored (cache of a cold build, one article changed, files touched) builds alternated, empty tmpfs folder, page cache dropped
set -e
R=$1; b=$2
C=/tmp/pb/c-loa; A=content/articles/bai-viet-000123.md
cd $C; cp /tmp/pb/orig.md $A
rm -rf .loa-cache /dev/shm/o; /tmp/pb/$b build --output-dir /dev/shm/o >/dev/null 2>&1
rm -rf /tmp/pb/cache-pair; cp -a .loa-cache /tmp/pb/cache-pair
for i in $(seq 1 $R); do
  for kind in cold restored; do
    rm -rf .loa-cache /dev/shm/o; cp /tmp/pb/orig.md $A
    if [ $kind = restored ]; then cp -a /tmp/pb/cache-pair .loa-cache; echo "Sửa lần $i." >> $A; fi
    find content -type f -exec touch {} +
    sync; echo 3 > /proc/sys/vm/drop_caches
    /usr/bin/time -f "$kind $b %e %U %S %M" /tmp/pb/$b build --output-dir /dev/shm/o >/dev/null 2>>/tmp/pb/r/pair.txt
    tail -1 /tmp/pb/r/pair.txt
  done
done
cp /tmp/pb/orig.md $A
