#!/usr/bin/env bash
# One rebuild's stages under `loa serve --verbose`: serves SITE, waits for the first build,
# appends a sentence to the first article EDITS times, 1.2 s apart, and keeps the log.
# usage: stages.sh LOA_BINARY SITE LOG [EDITS=10] [PORT=8801]
# Summarise with: python3 stmed.py LOG…  (medians of each stage's wall and CPU, rebuilds only)
set -euo pipefail
BIN=$1; SITE=$2; LOG=$3; N=${4:-10}; PORT=${5:-8801}
F=
for f in "$SITE"/content/articles/*.md; do
  case $(basename "$f") in _*) continue ;; esac
  F=$f; break
done
[ -n "$F" ] || { echo "no article in $SITE/content/articles" >&2; exit 1; }
ORIG=$(mktemp); cp "$F" "$ORIG"
trap 'cp "$ORIG" "$F"; rm -f "$ORIG"' EXIT
"$BIN" serve --root "$SITE" --port "$PORT" --verbose > "$LOG" 2>&1 &
PID=$!
for _ in $(seq 1 300); do curl -s "localhost:$PORT/__loa/status" | grep -q '"generation": *1' && break; sleep 1; done
sleep 2
for i in $(seq 1 "$N"); do echo "Thêm câu $i." >> "$F"; sleep 1.2; done
sleep 1; kill -INT $PID; wait $PID 2>/dev/null || true
