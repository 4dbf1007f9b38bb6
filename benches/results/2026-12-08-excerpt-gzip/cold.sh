#!/bin/bash
# usage: cold.sh ROUNDS BIN... : cold builds (no .loa-cache, empty tmpfs folder), binaries alternated, --verbose
R=$1; shift
cd /tmp/pb/c-loa
for i in $(seq 1 $R); do
  for b in "$@"; do
    rm -rf .loa-cache /dev/shm/o; sync; echo 3 > /proc/sys/vm/drop_caches
    /usr/bin/time -f "time %e %U %S %M" /tmp/pb/$b build --output-dir /dev/shm/o --verbose >/dev/null 2>/tmp/pb/r/v.txt
    echo "$b $(grep -E '^  render|^time' /tmp/pb/r/v.txt | tr -s ' ' | tr '\n' ' ')" | tee -a /tmp/pb/r/cold-gzip.txt
  done
done
