#!/usr/bin/env bash
# One sitting of paired runs (issue 29) on the 10,000-article corpus, into an empty output
# folder each time, on tmpfs and on disk, in an order rotated by one each round:
#   loaN      loa binary N, a cold CI build: no .loa-cache/ (removed, untimed, before the run)
#   cacheN    loa binary N with the .loa-cache/ of an earlier cold build of binary N restored,
#             one article changed since, and every file of the site given a new time (a fresh
#             clone); restore, edit and touch are untimed
#   sameN     as cacheN, but no article changed (the file is restored and touched only)
#   hugo      Hugo into an empty folder; zola (ZOLA set) Zola (deletes its output itself)
#   floor     benches/floor --threads 2 on the loa corpus's content/
# usage: sit.sh ROUNDS "VARIANTS" LOA_BIN...   (env: HUGO, ZOLA, C (corpora), OUT (tsv))
set -euo pipefail
ROUNDS=$1; shift
read -r -a variants <<<"$1"; shift
LOAS=("$@")
C=${C:-/tmp/pb}
OUT=${OUT:-/tmp/pb/sitting.tsv}
HUGO=${HUGO:-/work/peers/venv/lib/python3.11/site-packages/hugo/binaries/hugo}
ZOLA=${ZOLA:-}
TRASH=/tmp/pb/trash; mkdir -p $TRASH /dev/shm/pb /tmp/pb/disk
discard() { if [[ -e $1 ]]; then mv "$1" "$(mktemp -d $TRASH/XXXXXX)/"; fi; }
ART=$C/c-loa/content/articles/bai-viet-000001.md
cp -n $ART /tmp/pb/article-original.md
# The cache each binary's restored runs start from: made once by a cold build.
for v in "${variants[@]}"; do
  [[ $v == cache* || $v == same* ]] || continue
  i=${v#cache}; i=${i#same}
  if [[ ! -d /tmp/pb/saved-cache-$i ]]; then
    cp /tmp/pb/article-original.md $ART
    rm -rf $C/c-loa/.loa-cache /tmp/pb/disk/prep
    "${LOAS[$i]}" build --root $C/c-loa --output-dir /tmp/pb/disk/prep/site >/dev/null 2>&1
    cp -a $C/c-loa/.loa-cache /tmp/pb/saved-cache-$i
  fi
done
[[ -f $OUT ]] || printf 'round\tvariant\ttarget\twall_s\tuser_s\tsys_s\tmaxrss_kb\n' > "$OUT"
pairs=(); for v in "${variants[@]}"; do pairs+=("$v:tmpfs" "$v:disk"); done
np=${#pairs[@]}
for ((r=1; r<=ROUNDS; r++)); do
  for ((k=0; k<np; k++)); do
    p=${pairs[$(((k + r) % np))]}; v=${p%%:*}; t=${p##*:}
    [[ $t == tmpfs ]] && base=/dev/shm/pb || base=/tmp/pb/disk
    mkdir -p $base/$v; o=$base/$v/site
    if [[ $t == disk ]]; then discard $o; else rm -rf $o; fi
    case $v in
      loa*) i=${v#loa}; rm -rf $C/c-loa/.loa-cache; cmd=("${LOAS[$i]}" build --root $C/c-loa --output-dir $o) ;;
      cache*) i=${v#cache}; rm -rf $C/c-loa/.loa-cache; cp -a /tmp/pb/saved-cache-$i $C/c-loa/.loa-cache
              { cat /tmp/pb/article-original.md; printf '\nMột câu thêm ở vòng %s, %s.\n' $r $t; } > $ART
              find $C/c-loa -type f -exec touch {} +
              cmd=("${LOAS[$i]}" build --root $C/c-loa --output-dir $o) ;;
      same*) i=${v#same}; rm -rf $C/c-loa/.loa-cache; cp -a /tmp/pb/saved-cache-$i $C/c-loa/.loa-cache
              cp /tmp/pb/article-original.md $ART
              find $C/c-loa -type f -exec touch {} +
              cmd=("${LOAS[$i]}" build --root $C/c-loa --output-dir $o) ;;
      hugo) cmd=("$HUGO" --quiet -s $C/c-hugo -d $o) ;;
      zola) cmd=("$ZOLA" --root $C/c-zola build --output-dir $o --force) ;;
      floor) cmd=(/tmp/pb/bin/floor --threads 2 $C/c-loa/content $o) ;;
    esac
    sync
    /usr/bin/time -f '%e %U %S %M' -o /tmp/pb/t.txt "${cmd[@]}" >/dev/null 2>/tmp/pb/err.txt || { cat /tmp/pb/err.txt; exit 1; }
    read -r w u s m < <(tail -n1 /tmp/pb/t.txt)
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' $r $v $t $w $u $s $m >> "$OUT"
    echo "r$r $v $t $w $u $s $m $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  done
done
cp /tmp/pb/article-original.md $ART
rm -rf $TRASH
