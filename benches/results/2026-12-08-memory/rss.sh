#!/bin/bash
# usage: rss.sh BIN SITE OUT : samples the build's RSS every 0.25 s (elapsed, MiB) into OUT
BIN=$1; SITE=$2; OUT=$3
cd $SITE && rm -rf .loa-cache /tmp/pb/o100k
$BIN build --verbose --output-dir /tmp/pb/o100k > $OUT.log 2>&1 &
pid=$!; t0=$(date +%s.%N)
: > $OUT
while kill -0 $pid 2>/dev/null; do
  r=$(awk '/VmRSS/{print int($2/1024)}' /proc/$pid/status 2>/dev/null)
  echo "$(echo "$(date +%s.%N) - $t0" | bc) $r" >> $OUT; sleep 0.25
done
