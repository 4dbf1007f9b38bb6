#!/usr/bin/env bash
# Issue 25's "warm" figure, paired: loa's warm build of the photo site (cache kept, previous
# output) and its text-only build of the same pages, back to back, for each binary given, in
# rotated order, ROUNDS times; then the medians and the ratio warm ÷ text-only of each binary.
#
# usage (from the repo root, after compare.sh made the sites once; `SITES_ONLY=1` makes only
# the sites, then one cold build makes the cache):
#   IMG_DIR=/tmp/loa-img SITES_ONLY=1 benches/images/compare.sh 300
#   (cd /tmp/loa-img/loa && loa build --root .)
#   IMG_DIR=/tmp/loa-img ROUNDS=12 benches/images/warm-pairs.sh NAME=/path/to/loa [NAME=/path/to/loa…]
#
# Each build: /usr/bin/time -f '%e %U %S' (wall s, user s, sys s) into $IMG_DIR/warm-pairs.tsv
# (binary, round, warm|text, wall, user, sys); the medians into $IMG_DIR/warm-pairs.txt.
set -euo pipefail
IMG_DIR=${IMG_DIR:-/tmp/loa-img}
ROUNDS=${ROUNDS:-12}
OUT=$IMG_DIR/warm-pairs.tsv
: > "$OUT"
names=(); bins=()
for a in "$@"; do names+=("${a%%=*}"); bins+=("$(realpath "${a#*=}")"); done
n=${#bins[@]}
# Each binary builds its own copy of the two sites (what a build keeps for the next, the memo
# of `.loa-cache/memo/`, is each binary's own), after two untimed builds of each (the cache,
# the output and the spare in place).
for k in $(seq 0 $((n - 1))); do
  d=$IMG_DIR/pairs-${names[$k]}
  rm -rf "$d"; mkdir -p "$d"
  cp -a "$IMG_DIR/loa" "$IMG_DIR/loa-text" "$d/"
  for _ in 1 2; do
    (cd "$d/loa" && "${bins[$k]}" build --root . > /dev/null 2>&1)
    (cd "$d/loa-text" && "${bins[$k]}" build --root . > /dev/null 2>&1)
  done
done
timed() { # $1 name, $2 round, $3 kind, $4 site, $5 binary
  (cd "$IMG_DIR/pairs-$1/$4" && /usr/bin/time -o "$IMG_DIR/last.time" -f '%e %U %S' "$5" build --root . > /dev/null 2>&1)
  printf '%s\t%s\t%s\t%s\n' "$1" "$2" "$3" "$(tr ' ' '\t' < "$IMG_DIR/last.time")" >> "$OUT"
}
for r in $(seq 1 "$ROUNDS"); do
  for k in $(seq 0 $((n - 1))); do
    i=$(( (k + r) % n ))
    timed "${names[$i]}" "$r" warm loa "${bins[$i]}"
    timed "${names[$i]}" "$r" text loa-text "${bins[$i]}"
  done
done
python3 - "$OUT" <<'PY' | tee "$IMG_DIR/warm-pairs.txt"
import statistics as st, sys
rows = [l.rstrip("\n").split("\t") for l in open(sys.argv[1]) if l.strip()]
names = list(dict.fromkeys(r[0] for r in rows))
print("binary  pairs  warm wall/cpu (s)  text wall/cpu (s)  warm÷text wall  cpu  median of pair ratios (cpu)")
for n in names:
    w = [r for r in rows if r[0] == n and r[2] == "warm"]
    t = [r for r in rows if r[0] == n and r[2] == "text"]
    cpu = lambda r: float(r[4]) + float(r[5])
    ww, tw = st.median(float(r[3]) for r in w), st.median(float(r[3]) for r in t)
    wc, tc = st.median(cpu(r) for r in w), st.median(cpu(r) for r in t)
    pr = st.median(cpu(a) / cpu(b) for a, b in zip(w, t) if cpu(b) > 0)
    print(f"{n}  {len(w)}  {ww:.3f}/{wc:.3f}  {tw:.3f}/{tc:.3f}  {ww/tw:.3f}  {wc/tc:.3f}  {pr:.3f}")
PY
