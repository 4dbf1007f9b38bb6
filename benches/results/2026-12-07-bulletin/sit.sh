#!/bin/sh
# Paired runs of two loa binaries on one site, each run with the bulletins cold: the site's
# `.loa-cache/memo/` (the scripts kept from the last build) is removed before every run, and
# the output goes into a new, empty folder on tmpfs. The share cards' cache
# (`.loa-cache/cards/`) is kept from a warm-up run of each binary unless COLD=1 (then the whole
# `.loa-cache/` is removed: a CI build from a fresh clone), since the cards stage comes after the
# bulletins and does not change them.
#
#   sit.sh BASE NEW SITE ROUNDS OUT.tsv
#
# Each round runs BASE then NEW, or NEW then BASE (alternating). Rows: round, binary, the load
# average (1 min), wall, user, sys (s) and peak RSS (KiB) of the process (`/usr/bin/time`), and
# the `--verbose` lines of the stages (`stage wall-ms [cpu-ms] rss-MiB`; the base binary may
# not print the CPU time).
set -eu
base=$1 new=$2 site=$3 rounds=$4 out=$5
shm=/dev/shm/bl-sit
run() {
    name=$1 bin=$2 round=$3
    rm -rf "$site/.loa-cache/memo" "$shm"
    [ "${COLD:-0}" = 1 ] && rm -rf "$site/.loa-cache"
    load=$(cut -d' ' -f1 /proc/loadavg)
    ( cd "$site" && /usr/bin/time -o /tmp/bl-sit-time -f '%e %U %S %M' "$bin" build --verbose --output-dir "$shm" ) \
        >/dev/null 2>/tmp/bl-sit-err
    stages=$(grep -E '^  [a-z]+ +[0-9.]+ ms' /tmp/bl-sit-err | sed 's/  CPU / /; s/ MiB//; s/ ms//g' \
        | awk '{printf "%s=%s", $1, $2; for (i = 3; i <= NF; i++) printf ",%s", $i; printf " "}')
    printf '%s\t%s\t%s\t%s\t%s\n' "$round" "$name" "$load" "$(cat /tmp/bl-sit-time)" "$stages" >>"$out"
}
# Warm-up: fills the cards' cache (kept unless COLD=1), not recorded.
run base "$base" 0 >/dev/null; run new "$new" 0 >/dev/null
: >"$out"
r=1
while [ "$r" -le "$rounds" ]; do
    if [ $((r % 2)) = 1 ]; then run base "$base" "$r"; run new "$new" "$r"; else run new "$new" "$r"; run base "$base" "$r"; fi
    r=$((r + 1))
done
rm -rf "$shm"
