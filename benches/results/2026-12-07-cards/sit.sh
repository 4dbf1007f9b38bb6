#!/bin/sh
# Paired cold builds (no .loa-cache/, a new output folder on tmpfs), one row a run:
# sit.sh ROUNDS SITE LABEL=BINARY[:nocards] ...   (order rotated by one each round)
# A `:nocards` variant builds a copy of SITE whose theme names no og:image/twitter:image, so
# the cards stage does not run: the build's CPU without the cards.
set -eu
rounds=$1; site=$2; shift 2
nocards="$site-nocards"
if [ ! -d "$nocards" ]; then
  cp -r "$site" "$nocards"
  find "$nocards/themes" -name '*.html' -exec sed -i 's/og:image/og:picture/g; s/twitter:image/twitter:picture/g' {} +
fi
out=/dev/shm/cards-sit
n=$#
for r in $(seq 1 "$rounds"); do
  i=0
  while [ $i -lt $n ]; do
    k=$(( (i + r) % n + 1 ))
    eval "spec=\${$k}"
    label=${spec%%=*}; rest=${spec#*=}; bin=${rest%%:*}; dir=$site
    case $rest in *:nocards) dir=$nocards;; esac
    rm -rf "$dir/.loa-cache" "$out"; sync
    load=$(cut -d' ' -f1 /proc/loadavg)
    # /usr/bin/time's line (wall, user, sys, max RSS KiB) is the file's last.
    (cd "$dir" && /usr/bin/time -f '%e %U %S %M' "$bin" build --verbose --output-dir "$out" >/tmp/cards-sit-verbose.txt 2>&1)
    t=$(tail -1 /tmp/cards-sit-verbose.txt)
    cards=$(awk '$1=="cards"{print $2}' /tmp/cards-sit-verbose.txt)
    files=$(find "$dir/.loa-cache/cards" -type f 2>/dev/null | wc -l)
    echo "$r	$label	$(basename "$dir")	$t	cards_ms=$cards	load=$load	cache_files=$files	$(date -u +%H:%M:%S)"
    i=$((i + 1))
  done
done
