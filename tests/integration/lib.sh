# Shared helpers for integration scripts: each check is one test; the
# script ends with "N passed, N failed" (t_done).
T_PASS=0
T_FAIL=0
BIN=${NR_BIN:-build/bin}
T_TMP=$(mktemp -d)
trap 'rm -rf "$T_TMP"' EXIT

t_ok()   { T_PASS=$((T_PASS + 1)); echo "ok   $1"; }
t_fail() { T_FAIL=$((T_FAIL + 1)); echo "FAIL $1"; [ $# -gt 1 ] && printf '%s\n' "$2" | sed 's/^/     /' | head -40; return 0; }
# t_check NAME CMD...: passes when CMD exits 0
t_check() { local n=$1; shift; if "$@"; then t_ok "$n"; else t_fail "$n"; fi; }
t_done() { echo "$T_PASS passed, $T_FAIL failed"; [ "$T_FAIL" = 0 ]; }
