#!/usr/bin/env bash
# The SSH lab against the real OpenSSH client: every platform answers,
# paging, errors, configuration mode, each fault mode, simd under 50
# concurrent logins, and `lab down` leaving no process behind.
# Runs its own lab in a temporary directory, so a lab already up stays.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
export BUILD=${NR_BUILD:-build}

if [ "$(id -u)" != 0 ] || [ ! -x /usr/sbin/sshd ] || ! command -v sshpass >/dev/null; then
    echo "skip: needs root, openssh-server and sshpass (make deps)"
    t_ok "lab prerequisites missing: skipped"
    t_done
    exit $?
fi
chmod 755 "$T_TMP"   # the lab users read their device files below it
export NR_LAB_DIR=$T_TMP/lab
LAB=tests/lab/lab
trap 'timeout 60 $LAB down >/dev/null 2>&1; rm -rf "$T_TMP"' EXIT

if ! timeout 120 $LAB up --devices 60 >"$T_TMP/up.log" 2>&1; then
    t_fail "lab up" "$(cat "$T_TMP/up.log")"
    t_done
    exit 1
fi
t_ok "lab up (sshd + simd)"
INV=$NR_LAB_DIR/inventory.ini
KH=$NR_LAB_DIR/known_hosts
KEY=$NR_LAB_DIR/ssh/id_ed25519
SSH=(ssh -F /dev/null -o UserKnownHostsFile="$KH" -o StrictHostKeyChecking=yes
     -o ConnectTimeout=10 -o LogLevel=ERROR)

var() {  # var HOST NAME: a host variable from the inventory
    grep "^$1 " "$INV" | tr ' ' '\n' | sed -n "s/^$2=//p"
}
# run HOST [ssh args...] CMD: log in as the inventory says (key when the
# host has one, else password) and run CMD on an exec channel
run() {
    local h=$1; shift
    local pw key
    pw=$(var "$h" password); key=$(var "$h" key_file)
    if [ -n "$key" ]; then
        timeout 20 "${SSH[@]}" -o BatchMode=yes -i "$key" -p "$(var "$h" port)" \
            "$(var "$h" user)@$(var "$h" host)" "$@"
    else
        timeout 20 sshpass -p "$pw" "${SSH[@]}" -o PubkeyAuthentication=no \
            -p "$(var "$h" port)" "$(var "$h" user)@$(var "$h" host)" "$@"
    fi
}

# chat OUT LIMIT STEP...: the stdin of an interactive session. A STEP is
# "ERE|input": wait (bounded) until the session's output OUT has grown and
# its last line matches ERE, then type input (printf %b escapes).
chat() {
    local out=$1 deadline=$((SECONDS + $2)) step re in size=0
    shift 2
    for step in "$@"; do
        re=${step%%|*}; in=${step#*|}
        until [ -s "$out" ] && [ "$(stat -c %s "$out")" -gt "$size" ] &&
              tail -c 300 "$out" | tr -d '\r' | sed 's/\x1b\[[0-9;]*m//g' | tail -n 1 | grep -Eq -- "$re"; do
            [ $SECONDS -lt $deadline ] || return 1
            sleep 0.02
        done
        size=$(stat -c %s "$out")
        printf '%b' "$in"
    done
}
# shell HOST OUT STEP...: an interactive pty session driven by chat
shell() {
    local h=$1 out=$2 pw
    shift 2
    : > "$out"
    pw=$(var "$h" password)
    chat "$out" 20 "$@" | timeout 25 sshpass -p "$pw" "${SSH[@]}" -tt \
        -o PubkeyAuthentication=no -p "$(var "$h" port)" \
        "$(var "$h" user)@$(var "$h" host)" >> "$out" 2>&1
}

# --- every platform answers show version over an exec channel
check_version() {  # host expected-text
    local out
    out=$(run "$1" 'show version' 2>&1)
    if [ $? = 0 ] && printf '%s' "$out" | grep -q "$2"; then t_ok "$1 show version"
    else t_fail "$1 show version" "$out"; fi
}
check_version ios1 'Cisco IOS Software'
check_version ios2 'Cisco IOS Software'
check_version nxos1 'Cisco Nexus Operating System'
check_version xr1 'Cisco IOS XR Software'
check_version eos1 'Arista'
check_version junos1 'JUNOS'
out=$(run junos1 'show chassis hardware' 2>&1)
t_check "junos1 show chassis hardware" grep -q 'Hardware inventory' <<<"$out"
out=$(run ios1v6 'sh ip int br' 2>&1)
t_check "ios1 over ::1 with abbreviations" grep -q 'Ethernet0/0.11' <<<"$out"

# --- errors: the platform's text, exit status 1 on an exec channel
run ios2 'show bogus' > "$T_TMP/bogus" 2>&1; rc=$?
out=$(tr -d '\r' < "$T_TMP/bogus")
if [ $rc = 1 ] && grep -q "% Invalid input detected at '^' marker." <<<"$out" && grep -q '^ *\^$' <<<"$out"; then
    t_ok "ios invalid input: caret, message, status 1"
else t_fail "ios invalid input (rc $rc)" "$out"; fi
out=$(run nxos1 'show' 2>&1)
t_check "nxos incomplete command" grep -q "% Incomplete command at '^' marker." <<<"$out"
out=$(run junos1 'shw version' 2>&1)
t_check "junos unknown command" grep -q '^unknown command.' <<<"$out"
out=$(run eos1 'show in' 2>&1)
t_check "eos ambiguous command" grep -q '^% Ambiguous command' <<<"$out"

# --- the linux host
out=$(run linux1 'uname -a' 2>&1)
t_check "linux1 uname -a" grep -q '^Linux' <<<"$out"
run linux1 false >/dev/null 2>&1; rc=$?
t_check "linux1 false exits 1" test "$rc" = 1

# --- authentication: key-only and password-only users
if timeout 20 sshpass -p wrong "${SSH[@]}" -o PubkeyAuthentication=no -p "$(var ios2 port)" nrlab-ios2@127.0.0.1 true >/dev/null 2>&1; then
    t_fail "ios2 (key only) refuses passwords"
else t_ok "ios2 (key only) refuses passwords"; fi
if timeout 20 "${SSH[@]}" -o BatchMode=yes -i "$KEY" -p "$(var ios1 port)" nrlab-ios1@127.0.0.1 'show clock' >/dev/null 2>&1; then
    t_fail "ios1 (password only) refuses the key"
else t_ok "ios1 (password only) refuses the key"; fi

# --- interactive: enable, paging, config mode on ios1
O=$T_TMP/ios1.out
en=$(var ios1 enable_secret)
shell ios1 "$O" 'ios1>$|enable\r' 'Password: $|'"$en"'\r' \
    'ios1#$|show interfaces\r' '--More--|\040' '--More--|q' \
    'ios1#$|terminal length 0\r' 'ios1#$|show interfaces\r' \
    'ios1#$|configure terminal\r' '\(config\)#$|interface Loopback9\r' \
    'config-if\)#$|description netrun lab\r' 'config-if\)#$|end\r' \
    'ios1#$|show running-config | include Loopback9|netrun lab\r' 'ios1#$|exit\r'
tr -d '\r' < "$O" > "$O.txt"
t_check "ios1 banner" grep -q 'authorised access only' "$O.txt"
t_check "ios1 paging with --More--" grep -q -- '--More--' "$O.txt"
t_check "ios1 enable reaches ios1#" grep -q '^ios1#show interfaces' "$O.txt"
t_check "ios1 config mode prompts" grep -q '^ios1(config-if)#description netrun lab' "$O.txt"
t_check "ios1 config line in running-config" grep -q '^ description netrun lab' "$O.txt"
if grep -qF -f "$NR_LAB_DIR/secrets.txt" "$O.txt"; then
    t_fail "ios1 session shows no secret" "$(grep -F -f "$NR_LAB_DIR/secrets.txt" "$O.txt")"
else t_ok "ios1 session shows no secret"; fi

# --- interactive Junos commit
O=$T_TMP/junos1.out
shell junos1 "$O" '> $|configure\r' '# $|set system host-name jlab\r' \
    '# $|commit\r' '# $|exit\r' '> $|show configuration | display set | match host-name\r' '> $|exit\r'
t_check "junos1 commit changes the prompt" grep -q 'nrlab-junos1@jlab> ' "$O"
t_check "junos1 commit complete" grep -q 'commit complete' "$O"

# --- fault modes
start=$SECONDS
out=$(run slow1 'show clock' 2>&1)
t_check "slow1 answers after its think time" test $((SECONDS - start)) -ge 1 -a -n "$out"
out=$(timeout 3 "${SSH[@]}" -o BatchMode=yes -i "$KEY" -p "$(var hang1 port)" nrlab-hang1@127.0.0.1 'show version' 2>&1); rc=$?
t_check "hang1 says nothing (client times out)" test "$rc" = 124 -a -z "$out"
run drop1 'show interfaces' > "$T_TMP/drop" 2>/dev/null; rc=$?
n=$(wc -c < "$T_TMP/drop")
t_check "drop1 cuts the connection mid-output ($n bytes, rc $rc)" test "$rc" = 255 -a "$n" -gt 1000 -a "$n" -lt 12000
n=$(run huge1 'show tech-support' 2>/dev/null | wc -c)
t_check "huge1 show tech-support is ~10 MB ($n bytes)" test "$n" -gt 10000000
run garbled1 'show version' > "$T_TMP/garbled" 2>&1
t_check "garbled1 output holds NULs and invalid UTF-8" \
    bash -c "tr -d '\\000' < '$T_TMP/garbled' | cmp -s - '$T_TMP/garbled' && exit 1; ! iconv -f UTF-8 -t UTF-8 '$T_TMP/garbled' >/dev/null 2>&1"
out=$(run ansi1 'show version' 2>&1)
t_check "ansi1 output in colour escapes" grep -q $'\033\\[' <<<"$out"
O=$T_TMP/nopage1.out
shell nopage1 "$O" 'nopage1#$|terminal length 0\r' 'nopage1#$|show interfaces\r' '--More--|q' 'nopage1#$|exit\r'
t_check "nopage1 refuses terminal length 0" grep -q '% Invalid input' "$O"
t_check "nopage1 still pages" grep -q -- '--More--' "$O"

# --- simd: 50 concurrent logins, and an interactive one
SP=$(var dev0001 port)
pids=()
for i in $(seq 1 50); do
    h=$(printf 'dev%04d' "$i")
    run "$h" 'show version' > "$T_TMP/simd.$i" 2>&1 &
    pids+=($!)
done
okc=0
for i in $(seq 1 50); do
    wait "${pids[$((i - 1))]}" && [ -s "$T_TMP/simd.$i" ] && okc=$((okc + 1))
done
t_check "simd: 50 concurrent logins answered ($okc/50)" test "$okc" = 50
out=$(timeout 20 sshpass -p "$(var dev0004 password)" "${SSH[@]}" -o PubkeyAuthentication=no -p "$SP" dev0004@127.0.0.1 'show ip interface brief' 2>&1)
t_check "simd password login (arista_eos dev0004)" grep -q 'Loopback0' <<<"$out"
O=$T_TMP/simd.out
shell dev0005 "$O" '> $|show lldp neighbors\r' '> $|exit\r'
t_check "simd interactive junos dev0005" grep -q 'vmx2' "$O"

# --- down leaves nothing behind
sshd_pid=$(cat "$NR_LAB_DIR/ssh/sshd.pid")
simd_pid=$(cat "$NR_LAB_DIR/simd.run/simd.pid")
timeout 60 $LAB down >/dev/null 2>&1
t_check "lab down stops sshd" bash -c "! kill -0 $sshd_pid 2>/dev/null"
t_check "lab down stops simd" bash -c "! kill -0 $simd_pid 2>/dev/null"
left=$(pgrep -f "$NR_LAB_DIR" || :)
t_check "no lab process left" test -z "$left"
t_done
