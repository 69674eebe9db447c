#!/usr/bin/env bash
# netrun's TextFSM engine against python3-textfsm (Debian's, the
# reference) over the whole conformance corpus, each side in one process;
# then one large input through the whole netparse process against
# Python's ParseText call alone.
set -u
export LC_ALL=C
cd "$(dirname "$0")/../../.."
BUILD=${NR_BUILD:-build}
PY=/usr/bin/python3
CORPUS=$(git rev-parse --show-toplevel)/../shared/conformance/ntc
if [ ! -f "$CORPUS/MANIFEST.tsv" ]; then
    echo "skip: no conformance corpus at $CORPUS"; exit 0
fi
if ! $PY -c 'import textfsm' 2>/dev/null; then
    echo "skip: $PY cannot import textfsm (apt-get install python3-textfsm)"; exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
${CC:-cc} -std=gnu11 -O2 -Ilib tests/bench/parse/bench.c -o "$tmp/bench" \
    "$BUILD/lib/libnetrun.a" $(pkg-config --libs libpcre2-8 yaml-0.1) -lpthread \
    || exit 1

# Each side runs the corpus RUNS times, each run a fresh process (so every
# run is a first run: cold caches, no JIT code yet), the two sides taking
# turns; per case the best compile and the best parse count.  The machine
# is shared, and a case of a few microseconds is easily doubled by one
# scheduler stall, on either side.
RUNS=${NR_BENCH_RUNS:-5}
echo "-- corpus: $(tail -n +2 "$CORPUS/MANIFEST.tsv" | wc -l) cases, best of $RUNS runs per case"
for i in $(seq "$RUNS"); do
    c_sum=$("$tmp/bench" "$CORPUS" "$tmp/c$i.tsv") || exit 1
    p_sum=$($PY tests/bench/parse/ref.py "$CORPUS" "$tmp/py$i.tsv") || exit 1
    echo "netrun run $i: $c_sum"
    echo "python run $i: $p_sum"
done
$PY - "$RUNS" "$tmp" <<'PYEOF'
import sys
runs, tmp = int(sys.argv[1]), sys.argv[2]
def load(prefix):
    d = {}
    for i in range(1, runs + 1):
        for line in open("%s/%s%d.tsv" % (tmp, prefix, i)):
            k, c, t, n = line.rstrip("\n").split("\t")
            if k in d:
                c0, t0, _ = d[k]
                d[k] = (min(c0, float(c)), min(t0, float(t)), int(n))
            else:
                d[k] = (float(c), float(t), int(n))
    return d
c, p = load("c"), load("py")
# The large-input case below picks from the reference's record counts.
with open("%s/py.tsv" % tmp, "w") as out:
    for k, (ct, tt, n) in p.items():
        out.write("%s\t%.9f\t%.9f\t%d\n" % (k, ct, tt, n))
def report(title, keys):
    cc = sum(c[k][0] for k in keys); ct = sum(c[k][1] for k in keys)
    pc = sum(p[k][0] for k in keys); pt = sum(p[k][1] for k in keys)
    print("%s: compile %.4f s vs %.4f s (%.1fx), parse %.4f s vs %.4f s "
          "(%.1fx), total %.4f s vs %.4f s (%.1fx)"
          % (title, cc, pc, pc / cc, ct, pt, pt / ct, cc + ct, pc + pt,
             (pc + pt) / (cc + ct)))
keys = sorted(c)
report("all cases", keys)
slow = sorted(keys, key=lambda k: p[k][0] + p[k][1])[-2:]
print("two slowest reference cases: " + ", ".join(
    "%s (%.3f s vs %.4f s)" % (k, p[k][0] + p[k][1], c[k][0] + c[k][1]) for k in slow))
report("without them", [k for k in keys if k not in slow])
worse = [k for k in keys if c[k][0] + c[k][1] > p[k][0] + p[k][1]]
print("cases slower than the reference: %d%s" % (len(worse),
      "" if not worse else " (" + ", ".join(worse[:5]) + ")"))
ratio = lambda k: (p[k][0] + p[k][1]) / (c[k][0] + c[k][1])
low = sorted(keys, key=ratio)[:3]
print("slowest per-case ratios (compile+parse): " + ", ".join(
    "%s %.2fx (%.0f us vs %.0f us)" % (k, ratio(k), 1e6 * (c[k][0] + c[k][1]),
                                       1e6 * (p[k][0] + p[k][1])) for k in low))
mism = [k for k in keys if c[k][2] != p[k][2]]
print("record-count mismatches (first template): %d" % len(mism))
PYEOF

echo "-- pre-checks against PCRE2"
${CC:-cc} -std=gnu11 -O2 -Ilib tests/bench/parse/filters.c -o "$tmp/filters" \
    "$BUILD/lib/libnetrun.a" $(pkg-config --libs libpcre2-8 yaml-0.1) -lpthread \
    || exit 1
"$tmp/filters" "$CORPUS" || exit 1

echo "-- large input"
${CC:-cc} -std=gnu11 -O2 tests/bench/parse/floor.c -o "$tmp/floor" || exit 1
# Can KEY's output be repeated?  A template may reject a second header;
# a case counts only when its records grow with its size, so that a
# large input measures parsing, not skipping.  Sets plat cmd case tpl raw.
repeatable() {
    local p c k row
    IFS=/ read -r p c k <<<"$1"
    row=$(awk -F'\t' -v p="$p" -v c="$c" -v k="$k" \
              '$1 == p && $2 == c && $3 == k && $4 !~ /:/' "$CORPUS/MANIFEST.tsv")
    [ -n "$row" ] || return 1
    IFS=$'\t' read -r plat cmd case tpl _ <<<"$row"
    raw="$CORPUS/cases/$plat/$cmd/$case.raw"
    cat "$raw" "$raw" >"$tmp/two.raw"
    "$BUILD/bin/netparse" -f jsonl -t "$CORPUS/templates/$tpl" "$tmp/two.raw" >"$tmp/two.out" 2>/dev/null &&
       [ "$(wc -l <"$tmp/two.out")" -gt "$(awk -F'\t' -v k="$1" '$1 == k { print $4 }' "$tmp/py.tsv")" ]
}
# The first repeatable case of the keys on stdin, not one shown already.
first_repeatable() {
    local key
    while read -r key; do
        case " $shown " in *" $key "*) continue ;; esac
        if repeatable "$key"; then
            shown="$shown $key"
            return 0
        fi
    done
    return 1
}
# The case (set by repeatable) repeated to 8 MiB: the whole netparse
# process against Python's ParseText call alone.  $1 names the rule.
large() {
    local size lines w d t0 t1 pyt pyn outb i
    : >"$tmp/big.raw"
    while [ "$(stat -c %s "$tmp/big.raw")" -lt $((8 << 20)) ]; do
        cat "$raw" >>"$tmp/big.raw"
    done
    size=$(stat -c %s "$tmp/big.raw")
    lines=$(wc -l <"$tmp/big.raw")
    # Best of three on each side: the machine is shared, and the best run
    # is the one least disturbed.
    w=$(best_of_3 "$tmp/big.json" "$BUILD/bin/netparse" --format json -t "$CORPUS/templates/$tpl" "$tmp/big.raw") || exit 1
    outb=$(stat -c %s "$tmp/big.json")
    # The floor: a process that only maps and reads the input and writes
    # as many bytes as netparse wrote.  Python's time over it is the best
    # ratio any parser could show here with this input and output.
    fl=$(best_of_3 "$tmp/floor.out" "$tmp/floor" "$tmp/big.raw" "$outb") || exit 1
    read -r pyt pyn < <($PY tests/bench/parse/large.py "$CORPUS/templates/$tpl" "$tmp/big.raw")
    awk -v w="$w" -v f="$fl" -v p="$pyt" -v n="$pyn" -v s="$size" -v l="$lines" -v o="$outb" -v c="$case" -v r="$1" 'BEGIN {
        printf "%s%s repeated to %d bytes, %d lines, %d records (%d bytes of JSON): netparse process %.3f s, python ParseText %.3f s (%.1fx); I/O floor %.3f s (at most %.1fx)\n", r, c, s, l, n, o, w, p, p / w, f, p / f }'
}
# Seconds of the best of three runs of a command, stdout to $1.  Bash's
# own clock, so no date(1) start-up or exit falls inside the window.
best_of_3() {
    local out=$1 best="" t0 t1 d i
    shift
    for i in 1 2 3; do
        t0=$EPOCHREALTIME
        "$@" >"$out" || return 1
        t1=$EPOCHREALTIME
        d=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.6f", b - a }')
        if [ -z "$best" ] || awk -v d="$d" -v b="$best" 'BEGIN { exit !(d < b) }'; then
            best=$d
        fi
    done
    echo "$best"
}
shown=""
# The single-template case with the most records (the acceptance case).
sort -t$'\t' -k4,4nr "$tmp/py.tsv" | head -40 | cut -f1 >"$tmp/keys"
first_repeatable <"$tmp/keys" || { echo "no repeatable case found"; exit 1; }
large ""
# Beside it, by rules of their own: the most records among cases whose
# records span blocks of at least 5 lines (as "show interfaces" does),
# and the largest raw output (long tables such as route tables).
while IFS=$'\t' read -r key _ _ n; do
    IFS=/ read -r p c k <<<"$key"
    printf '%s\t%s\t%s\n' "$key" "$(wc -l <"$CORPUS/cases/$p/$c/$k.raw")" "$n"
done <"$tmp/py.tsv" >"$tmp/shape.tsv"
awk -F'\t' '$3 > 0 && $2 >= 5 * $3 { printf "%s\t%d\n", $1, $3 }' "$tmp/shape.tsv" |
    sort -t$'\t' -k2,2nr | cut -f1 >"$tmp/keys"
if first_repeatable <"$tmp/keys"; then large "multi-line records: "; fi
while IFS=$'\t' read -r key _; do
    IFS=/ read -r p c k <<<"$key"
    printf '%s\t%s\n' "$key" "$(stat -c %s "$CORPUS/cases/$p/$c/$k.raw")"
done <"$tmp/py.tsv" | sort -t$'\t' -k2,2nr | cut -f1 >"$tmp/keys"
if first_repeatable <"$tmp/keys"; then large "largest raw output: "; fi
