#!/usr/bin/env bash
# The ntc-templates conformance corpus: netparse must give exactly the
# records ntc-templates expects for every case (check-ntc compares).
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
SHARED=$(git rev-parse --show-toplevel)/../shared/conformance
if [ ! -x "$SHARED/check-ntc" ] || [ ! -d "$SHARED/ntc" ]; then
    echo "SKIP conformance: $SHARED (check-ntc and ntc/) not found beside the repo"
    t_done
    exit $?
fi
out="$T_TMP/check.out"
"$SHARED/check-ntc" -j2 "$BIN/netparse --format json -t" "$SHARED/ntc" >"$out" 2>&1
grep '^FAIL' "$out" | head -40
line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -1)
p=$(echo "$line" | sed -n 's/^\([0-9]*\) passed.*/\1/p')
f=$(echo "$line" | sed -n 's/.* \([0-9]*\) failed.*/\1/p')
if [ -z "$line" ]; then
    t_fail "check-ntc printed no summary" "$(tail -5 "$out")"
fi
T_PASS=$((T_PASS + ${p:-0}))
T_FAIL=$((T_FAIL + ${f:-0}))
t_done
