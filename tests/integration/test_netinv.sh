#!/usr/bin/env bash
# netinv against ansible-inventory on the same files, plus patterns,
# secrets and error messages.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
NETINV=$BIN/netinv

same_as_ansible() {  # $1 = source
    local a n
    a=$(timeout 120 ansible-inventory -i "$1" --list 2>/dev/null)
    n=$(timeout 30 "$NETINV" -q -i "$1" --list --show-secrets)
    if [ "$a" = "$n" ]; then t_ok "--list equals ansible-inventory: $1"
    else t_fail "--list equals ansible-inventory: $1" "$(diff <(echo "$a") <(echo "$n") | head -30)"; fi
    a=$(timeout 120 ansible-inventory -i "$1" --graph 2>/dev/null)
    n=$(timeout 30 "$NETINV" -q -i "$1" --graph)
    if [ "$a" = "$n" ]; then t_ok "--graph equals ansible-inventory: $1"
    else t_fail "--graph equals ansible-inventory: $1" "$(diff <(echo "$a") <(echo "$n") | head -30)"; fi
}

if command -v ansible-inventory >/dev/null; then
    for src in inventory/campus.ini inventory/datacenter.yml inventory/dc; do
        same_as_ansible "$src"
    done
    # Typing traps of INI values, ranges with steps and letters, pending
    # children, host:port, IPv6, quoting and comments.
    d=$T_TMP/tricky; mkdir -p "$d/group_vars/leaves"
    cat > "$d/hosts" <<'INV'
[leaves]
leaf[01:10:3] a="1" b='x' c=True d=[1,2] e={'k':1} f=0x10 g=010 h=1_000
sw[a:c] i=1e3 j=None k=yes l=-1 m=1.50 n="hello world" o=1,2 p="'q'"
[2001:db8::1]:830 q="a#b" r=a#comment
10.0.0.[1:3]
[leaves:vars]
x = 'quoted' # trailing
y=a b c
z="a" "b"
w={'nested': [1, {'deep': None}]}
[spine:children]
later
[later]
sp1
[all:vars]
x=all
INV
    printf 'x: from_group_vars\nzz: 1:20\nyy: 0o17\nts: 2001-12-14t21:59:43.10-05:00\n' > "$d/group_vars/leaves/10.yml"
    printf 'vv: [on, off, ~, .inf, -.5]\n' > "$d/group_vars/leaves/20.yaml"
    same_as_ansible "$d/hosts"
else
    t_fail "ansible-inventory is installed (make deps)"
fi

# Patterns select in inventory order, with union, intersection, exclusion.
out=$("$NETINV" -i inventory/campus.ini -l 'switches:&site_a:!acc-a02' --names | tr '\n' ' ')
[ "$out" = "core-a1 acc-a01 acc-a03 acc-a04 " ] && t_ok "pattern a:&b:!c" || t_fail "pattern a:&b:!c" "$out"
out=$("$NETINV" -i inventory/campus.ini -l '~^acc-b[12]$' --names | tr '\n' ' ')
[ "$out" = "acc-b1 acc-b2 " ] && t_ok "regex pattern" || t_fail "regex pattern" "$out"
out=$("$NETINV" -i inventory/campus.ini -l 'acc-a*' --names | wc -l)
[ "$out" = 4 ] && t_ok "glob pattern" || t_fail "glob pattern" "$out"
printf 'core-a1\nmgmt-jump\n' > "$T_TMP/limit"
out=$("$NETINV" -i inventory/campus.ini -l "@$T_TMP/limit" --names | tr '\n' ' ')
[ "$out" = "mgmt-jump core-a1 " ] && t_ok "@file pattern" || t_fail "@file pattern" "$out"
"$NETINV" -i inventory/campus.ini -l 'nosuch' --names >/dev/null 2>"$T_TMP/err"; rc=$?
[ $rc = 2 ] && grep -q "no hosts matched" "$T_TMP/err" && grep -q "could not match supplied host pattern, ignoring: nosuch" "$T_TMP/err" \
    && t_ok "no match: exit 2 with a clear message" || t_fail "no match: exit 2" "rc=$rc $(cat "$T_TMP/err")"

# Secrets are masked unless asked for.
out=$("$NETINV" -i inventory/campus.ini --host core-a1)
echo "$out" | grep -q '"ansible_become_password": "\*\*\*\*\*\*\*\*"' && ! echo "$out" | grep -q 'en4ble\|public-ro' \
    && t_ok "secrets masked" || t_fail "secrets masked" "$out"
out=$("$NETINV" -i inventory/campus.ini --host core-a1 --origin)
echo "$out" | grep -q '^ansible_host = "192.0.2.101"  <- inventory/host_vars/core-a1.yml:2 (host_vars/core-a1)' \
    && echo "$out" | grep -q 'overrides "192.0.2.1"  <- inventory/campus.ini:7 (host core-a1)' \
    && t_ok "--origin shows file:line and what was overridden" || t_fail "--origin" "$out"

# Errors name FILE:LINE and exit 2.
bad() {  # name, content, expected message part
    printf '%s' "$2" > "$T_TMP/bad.ini"
    "$NETINV" -i "$T_TMP/bad.ini" --list >/dev/null 2>"$T_TMP/err"; rc=$?
    if [ $rc = 2 ] && grep -q "^$T_TMP/bad.ini:[0-9]*: .*$3" "$T_TMP/err" && [ "$(wc -l < "$T_TMP/err")" = 1 ]; then
        t_ok "error: $1"; else t_fail "error: $1" "rc=$rc $(cat "$T_TMP/err")"; fi
}
bad "unknown section type" $'[g:bogus]\nx\n' "unknown type"
bad "undefined child group" $'[a:children]\nb\n' "never defined: b"
bad "vars of undefined group" $'[a:vars]\nx=1\n' "never defined: a"
bad "unclosed quote" $'[a]\nr1 x="abc\n' "No closing quotation"
bad "missing =" $'[a]\nr1 junk\n' "expected key=value"
bad "bad section" $'[a b]\n' "invalid section header"
bad "bad range" $'[a]\nr[01:3]\n' "equal-length"
printf 'all:\n  vars:\n    secret: !vault |\n      $ANSIBLE_VAULT;1.1;AES256\n      6162\n' > "$T_TMP/v.yml"
"$NETINV" -i "$T_TMP/v.yml" --list >/dev/null 2>"$T_TMP/err"; rc=$?
[ $rc = 2 ] && grep -q "variable 'secret' is encrypted with Ansible Vault" "$T_TMP/err" && t_ok "vault value: clear error" || t_fail "vault value" "$(cat "$T_TMP/err")"

# Executable and stdin inventories.
cat > "$T_TMP/dyn" <<'SH'
#!/bin/sh
echo '{"routers": {"hosts": ["r1", "r2"], "vars": {"platform": "cisco_ios"}}, "_meta": {"hostvars": {"r1": {"ansible_host": "127.0.0.1"}}}}'
SH
chmod +x "$T_TMP/dyn"
out=$("$NETINV" -i "$T_TMP/dyn" --host r1)
echo "$out" | grep -q '"platform": "cisco_ios"' && t_ok "executable inventory" || t_fail "executable inventory" "$out"
out=$("$T_TMP/dyn" | "$NETINV" -i - --names | tr '\n' ' ')
[ "$out" = "r1 r2 " ] && t_ok "-i - reads JSON from stdin" || t_fail "-i -" "$out"
printf '#!/bin/sh\nexit 3\n' > "$T_TMP/dyn2"; chmod +x "$T_TMP/dyn2"
"$NETINV" -i "$T_TMP/dyn2" --list >/dev/null 2>"$T_TMP/err"; rc=$?
[ $rc = 2 ] && grep -q "inventory script failed (exit status 3)" "$T_TMP/err" && t_ok "failing script" || t_fail "failing script" "$(cat "$T_TMP/err")"
t_done
