#!/bin/bash
# Paired cold builds at 10,000 articles: each run removes .loa-cache and builds into a new
# folder on tmpfs; the order of the variants alternates each round.
# usage: sit.sh ROUNDS OUTFILE name=binary...
set -u
ROUNDS=$1; OUT=$2; shift 2
SITE=/tmp/rnd/site
VARS=("$@")
echo -e "round\tvariant\twall\tuser\tsys\tmaxrss_kb\trender_ms\tfiles\tdirs\tload1" > "$OUT"
for r in $(seq 1 "$ROUNDS"); do
  if (( r % 2 )); then order=("${VARS[@]}"); else order=(); for ((i=${#VARS[@]}-1;i>=0;i--)); do order+=("${VARS[$i]}"); done; fi
  for v in "${order[@]}"; do
    name=${v%%=*}; bin=${v#*=}
    rm -rf "$SITE/.loa-cache" /dev/shm/rb-out /dev/shm/.rb-out.*; sync
    load=$(cut -d' ' -f1 /proc/loadavg)
    t=$( { /usr/bin/time -f '%e %U %S %M' "$bin" build --root "$SITE" --verbose --output-dir /dev/shm/rb-out > /tmp/rnd/res/verbose-$name-$r.txt 2>&1; } 2>&1 )
    t=$(tail -1 /tmp/rnd/res/verbose-$name-$r.txt)
    render=$(grep -E '^\s+render' /tmp/rnd/res/verbose-$name-$r.txt | awk '{print $2}')
    files=$(find /dev/shm/rb-out -type f | wc -l); dirs=$(find /dev/shm/rb-out -type d | wc -l)
    echo -e "$r\t$name\t$(echo $t | tr ' ' '\t')\t$render\t$files\t$dirs\t$load" | tee -a "$OUT"
  done
done
rm -rf /dev/shm/rb-out /dev/shm/.rb-out.*
