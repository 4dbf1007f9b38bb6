#!/bin/bash
# Into an empty folder on disk, the old output moved away (not deleted) before each run.
HUGO=/tmp/loa-bench/venv/lib/python3.11/site-packages/hugo/binaries/hugo
HUGO=/tmp/loa-bench/venv/lib/python3.11/site-packages/hugo/binaries/hugo
LOA=/work/main/target/release/loa
C=/tmp/loa-bench/corpus/10000
T=/tmp/loa-bench/trash; mkdir -p $T /tmp/loa-bench/em
echo "# hugo: $HUGO; $(date -u +%H:%M) UTC; wall user sys rss"
for r in 0 1 2 3; do
  for tool in loa hugo; do
    out=/tmp/loa-bench/em/$tool
    [ -e $out ] && mv $out $T/$tool-$r-$RANDOM
    sync
    if [ $tool = loa ]; then cmd=($LOA build --root $C/loa --output-dir $out); else cmd=($HUGO --quiet -s $C/hugo -d $out); fi
    /usr/bin/time -f "$tool moved r$r	%e	%U	%S	%M" "${cmd[@]}" >/dev/null 2>/tmp/em.err; tail -1 /tmp/em.err
  done
done
