#!/usr/bin/env bash
# usage: pair.sh ROUNDS OUTBASE  -- alternates /tmp/loa-base23 and /tmp/loa-head building /tmp/m10k into OUTBASE-{base,head}
rounds=$1; out=$2; res=$3
: > $res
for r in $(seq 0 $rounds); do
  if (( r % 2 )); then order="base23 head23"; else order="head23 base23"; fi
  for b in $order; do
    sync
    /usr/bin/time -f "%e %U %S %M" -o /tmp/rs/t.txt /tmp/loa-$b build --root /tmp/m10k --output-dir $out-$b >/dev/null 2>&1
    [ $r -gt 0 ] && echo "$b $(cat /tmp/rs/t.txt)" >> $res
  done
done
python3 - "$res" <<'PY'
import sys,statistics as st
rows=[l.split() for l in open(sys.argv[1])]
for b in ("base23","head23"):
    xs=[list(map(float,r[1:])) for r in rows if r[0]==b]
    print(b, "n=%d wall %.3f user %.3f sys %.3f peak %.0f MiB" % (len(xs), st.median(x[0] for x in xs), st.median(x[1] for x in xs), st.median(x[2] for x in xs), st.median(x[3] for x in xs)/1024))
PY
