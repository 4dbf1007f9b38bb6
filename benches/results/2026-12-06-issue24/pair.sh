#!/usr/bin/env bash
# Issue 24, build cost of minify + inline on the 10,000-article corpus.
# usage: pair.sh ROUNDS OUTBASE RESULTS
# Variants, each into its own previous output (round 0 is a warm-up, not recorded), in an order
# rotated each round:
#   base       /tmp/lh-bench/loa-base (1215384, main before issue 24) on /tmp/lh-bench/c-base (its theme)
#   minify     /tmp/lh-bench/loa-head on /tmp/lh-bench/c-base: the old templates, the theme's CSS/JS minified
#   head       /tmp/lh-bench/loa-head on /tmp/lh-bench/c-head (the issue-24 theme: minified and inlined)
# Corpora: python3 benches/gen_corpus.py --articles 10000 --out /tmp/lh-bench/c-{base,head}
#          --theme-from <that revision's themes/loa>
rounds=$1; out=$2; res=$3
: > "$res"
variants=("base loa-base c-base" "minify loa-head c-base" "head loa-head c-head")
for r in $(seq 0 "$rounds"); do
  for k in 0 1 2; do
    v=(${variants[$(( (k + r) % 3 ))]})
    sync
    /usr/bin/time -f "%e %U %S %M" -o /tmp/rs24/t.txt /tmp/lh-bench/${v[1]} build --root /tmp/lh-bench/${v[2]} --output-dir "$out-${v[0]}" >/dev/null 2>&1
    [ "$r" -gt 0 ] && echo "${v[0]} $(cat /tmp/rs24/t.txt)" >> "$res"
  done
done
python3 - "$res" <<'PY'
import sys, statistics as st
rows = [l.split() for l in open(sys.argv[1])]
for b in ("base", "minify", "head"):
    xs = [list(map(float, r[1:])) for r in rows if r[0] == b]
    print(b, "n=%d wall %.3f user %.3f sys %.3f peak %.0f MiB" % (len(xs), st.median(x[0] for x in xs), st.median(x[1] for x in xs), st.median(x[2] for x in xs), st.median(x[3] for x in xs) / 1024))
PY
for b in base minify head; do echo "$b output $(du -sb "$out-$b" | cut -f1) bytes, $(find "$out-$b" -type f | wc -l) files"; done
