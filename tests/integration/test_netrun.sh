#!/usr/bin/env bash
# netrun against the lab: real sshd, simulated device CLIs, fault modes.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.."
SRC=$PWD
export BUILD=${NR_BUILD:-build}
export NR_LAB_DIR=$T_TMP/lab
LAB=tests/lab/lab
NR=$BIN/netrun
chmod 711 "$T_TMP"   # the lab users must reach their device files in it

if ! timeout 120 $LAB up --only ssh,kbd >"$T_TMP/lab.log" 2>&1; then
    t_fail "lab up" "$(tail -20 "$T_TMP/lab.log")"
    t_done; exit 1
fi
trap 'timeout 60 $LAB down --only ssh,kbd >/dev/null 2>&1; rm -rf "$T_TMP"' EXIT
INV=$NR_LAB_DIR/inventory.ini
export NETRUN_KNOWN_HOSTS=$NR_LAB_DIR/known_hosts
t_check "lab inventory and known_hosts written" test -s "$INV" -a -s "$NETRUN_KNOWN_HOSTS"

names() { $BIN/netinv -i "$INV" -l "$1" --names 2>/dev/null; }
first() { names "$1" | head -1; }
var() { $BIN/netinv -i "$INV" --host "$1" --show-secrets | jq -r ".$2 // empty"; }
# run NAME ARGS...: netrun with jsonl into $T_TMP/NAME.out, exit to .rc
run() {
    local n=$1; shift
    timeout 120 $NR -q -i "$INV" --format jsonl "$@" >"$T_TMP/$n.out" 2>"$T_TMP/$n.err"
    echo $? >"$T_TMP/$n.rc"
}
rc() { cat "$T_TMP/$1.rc"; }
# jqt NAME FILTER: passes when every record satisfies FILTER
jqall() { jq -s -e "length > 0 and all(.[]; $2)" "$T_TMP/$1.out" >/dev/null; }
jqany() { jq -s -e "any(.[]; $2)" "$T_TMP/$1.out" >/dev/null; }
show() { printf 'rc=%s\n' "$(rc "$1")"; head -c 1500 "$T_TMP/$1.out"; head -c 500 "$T_TMP/$1.err"; }

# ---- every platform's show commands -----------------------------------
healthy="healthy:!linux"
nh=$(names "$healthy" | wc -l)
run show -l "$healthy" 'show version' 'show lldp neighbors'
if [ "$(rc show)" = 0 ] && jqall show '.ok and (.output | length > 100)'; then
    t_ok "show version + show lldp neighbors on $nh healthy devices"
else
    t_fail "show commands on every platform" "$(show show)"
fi
t_check "every (host, command) pair exactly once" \
    test "$(jq -s 'map([.host, .command]) | unique | length' "$T_TMP/show.out")" = $((nh * 2))
# Outputs are the recorded ones, byte for byte after line-end clean-up.
bad=0
while IFS=$'\t' read -r plat cmd file _; do
    case $plat in \#*|'') continue ;; esac
    h=$(first "$plat:&healthy") || continue
    [ -n "$h" ] || continue
    [ "$cmd" = "show version" ] || continue
    want=$(tr -d '\r' <"tests/lab/data/$file" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}')
    got=$(jq -r --arg h "$h" 'select(.host == $h and .command == "show version") | .output' "$T_TMP/show.out" | sed -e :a -e '/^\n*$/{$d;N;ba' -e '}')
    if [ "$want" != "$got" ]; then
        bad=1
        t_fail "$plat show version output is the recorded one" "$(diff <(echo "$want") <(echo "$got") | head -20)"
    fi
done < tests/lab/data/COMMANDS
[ $bad = 0 ] && t_ok "show version outputs equal the recordings on every platform"

# ---- paging that cannot be disabled -------------------------------------
np=$(names 'faulty' | while read -r h; do [ "$(var "$h" fault)" = nopage ] && echo "$h"; done | head -1)
if [ -n "$np" ]; then
    run nopage -l "$np" 'show interfaces'
    if [ "$(rc nopage)" = 0 ] && jqall nopage '.ok and (.output | test("More") | not) and (.output | length > 1000)'; then
        t_ok "pager answered and cut when terminal length 0 is refused ($np)"
    else
        t_fail "pager handling on $np" "$(show nopage)"
    fi
else
    t_fail "lab has a nopage device"
fi

# ---- enable and config mode ---------------------------------------------
ios=$(names 'cisco_ios:&healthy' | while read -r h; do [ -n "$(var "$h" enable_secret)" ] && echo "$h"; done | head -1)
if [ -n "$ios" ]; then
    run cfg -l "$ios" --config 'interface Loopback99' \
        --config 'description set by netrun' 'show running-config'
    if [ "$(rc cfg)" = 0 ] && jqany cfg '.command == "configure" and .ok' &&
        jqany cfg '.command == "show running-config" and (.output | test("description set by netrun"))'; then
        t_ok "enable + config mode + running-config shows the change ($ios)"
    else
        t_fail "enable + config on $ios" "$(show cfg)"
    fi
    run cfgbad -l "$ios" --config 'interface Loopback98' --config 'frobnicate the widgets' \
        --config 'description never sent' 'show clock'
    if [ "$(rc cfgbad)" = 1 ] &&
        jqany cfgbad '.command == "configure" and (.ok | not) and .error.kind == "command" and (.error.message | test("line 2.*Invalid input"))' &&
        jqany cfgbad '.command == "show clock" and (.ok | not)'; then
        t_ok "config stops at the first rejected line and names it"
    else
        t_fail "config error on $ios" "$(show cfgbad)"
    fi
    # wrong enable secret
    run badena -l "$ios" -e enable_secret=not-the-secret 'show version'
    if [ "$(rc badena)" = 1 ] && jqall badena '.error.kind == "auth" and .error.op == "enable"'; then
        t_ok "a wrong enable secret is an auth error in phase enable"
    else
        t_fail "wrong enable secret" "$(show badena)"
    fi
else
    t_fail "lab has a cisco_ios device with an enable secret"
fi
for plat in cisco_xr juniper_junos; do
    h=$(first "$plat:&healthy")
    [ -n "$h" ] || { t_fail "lab has a $plat device"; continue; }
    case $plat in
        cisco_xr) line='interface Loopback7 description netrun-commit' ;;
        *) line='set interfaces lo0 description netrun-commit' ;;
    esac
    run commit_$plat -l "$h" --config "$line"
    if [ "$(rc commit_$plat)" = 0 ] && jqall commit_$plat '.ok and (.output | test("commit"))'; then
        t_ok "$plat config is committed"
    else
        t_fail "$plat commit" "$(show commit_$plat)"
    fi
done

# ---- fault modes ----------------------------------------------------------
fault_host() { names faulty | while read -r h; do [ "$(var "$h" fault | cut -d= -f1)" = "$1" ] && echo "$h"; done | head -1; }
good=$(first "cisco_ios:&healthy")
h=$(fault_host hang)
run hang -l "$h:$good" --connect-timeout 5 --host-timeout 4 'show version'
if jqany hang ".host == \"$h\" and .error.kind == \"timeout\" and .error.op == \"login\"" &&
    jqany hang ".host == \"$good\" and .ok" && [ "$(rc hang)" = 1 ]; then
    t_ok "a device that hangs after login: timeout in phase login, others fine"
else
    t_fail "hang fault ($h)" "$(show hang)"
fi
h=$(fault_host slow)
run slowfail -l "$h" --command-timeout 0.3 'show version' 'show clock'
if jqany slowfail '.command == "show version" and .error.kind == "timeout" and (.error.op == "command" or .error.op == "setup") and (.error.message | test("no prompt after .terminal|no prompt after .show version"))' &&
    jqany slowfail '.command == "show clock" and (.ok | not)'; then
    t_ok "a slow device past --command-timeout: timeout naming the command"
else
    t_fail "slow fault with a short timeout ($h)" "$(show slowfail)"
fi
run slowok -l "$h" --command-timeout 20 'show version'
t_check "the same slow device succeeds with time to think" jqall slowok '.ok'
h=$(fault_host drop)
run drop -l "$h:$good" 'show interfaces'
if jqany drop ".host == \"$h\" and (.ok | not) and (.error.kind == \"connect\")" &&
    jqany drop ".host == \"$good\" and .ok"; then
    t_ok "a device that disconnects mid-output: connect error, others fine"
else
    t_fail "drop fault ($h)" "$(show drop)"
fi
h=$(fault_host huge)
run huge -l "$h" --command-timeout 60 'show tech-support'
if jqall huge '.ok and (.output | length > 5000000)'; then
    t_ok "10 MB of output arrives whole"
else
    t_fail "huge output ($h)" "$(show huge | head -c 300)"
fi
run hugelimit -l "$h" --max-output 1M 'show tech-support'
t_check "--max-output turns a huge output into a limit error" \
    jqall hugelimit '.error.kind == "limit"'
h=$(fault_host garbled)
run garbled -l "$h" 'show version'
t_check "garbled bytes still give valid JSON Lines" jqall garbled '.ok and (.output | type == "string")'
h=$(fault_host ansi)
if [ -n "$h" ]; then
    run ansi -l "$h" 'show version'
    t_check "ANSI colour escapes are stripped" jqall ansi '.ok and (.output | test("\u001b") | not)'
fi

timeout 60 $NR -i "$INV" -l "$good" --config 'interface Loopback97' --out-dir "$T_TMP/odcfg" \
    'show clock' >"$T_TMP/cfgtext.out" 2>"$T_TMP/cfgtext.err"
t_check "text format and --out-dir with a config run (success records)" \
    sh -c "grep -q '^=== $good: configure (ok' '$T_TMP/cfgtext.out' && test -s '$T_TMP/odcfg/$good/configure.txt'"

# ---- failures before any command -----------------------------------------
run badpw -l "$good" -e password=wrong-password -e key_file= 'show version'
t_check "wrong password is an auth error" jqall badpw '.error.kind == "auth"'
NETRUN_KNOWN_HOSTS=/dev/null run unknownkey -l "$good" 'show version'
t_check "unknown host key under strict is a hostkey error" \
    jqall unknownkey '.error.kind == "hostkey" and (.error.message | test("SHA256:"))'
ssh-keygen -q -t ed25519 -N '' -f "$T_TMP/otherkey" </dev/null
port=$(var "$good" port)
printf '[127.0.0.1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$T_TMP/otherkey.pub")" >"$T_TMP/kh_changed"
NETRUN_KNOWN_HOSTS=$T_TMP/kh_changed run changed -l "$good" 'show version'
if jqall changed '.error.kind == "hostkey" and (.error.message | test("CHANGED")) and ([.error.message | scan("SHA256:")] | length == 2)'; then
    t_ok "a changed host key is refused naming both fingerprints"
else
    t_fail "changed host key" "$(show changed)"
fi
run closed -H 127.0.0.1:1 --platform cisco_ios 'show version'
t_check "a closed port is a connect error" jqall closed '.error.kind == "connect"'
run nohost -l 'no_such_group_xyz' 'show version'
t_check "zero hosts matched is exit 2" test "$(rc nohost)" = 2

# ---- ssh-agent: a key-only device with no key_file, the key in an agent -----
keyonly=$(first "cisco_xr:&healthy")
eval "$(ssh-agent -s)" >/dev/null
ssh-add -q "$(var "$keyonly" key_file)" 2>/dev/null
run agent -l "$keyonly" -e key_file= 'show version'
t_check "publickey through ssh-agent ($keyonly)" jqall agent '.ok'
ssh-agent -k >/dev/null 2>&1; unset SSH_AUTH_SOCK SSH_AGENT_PID
run noagent -l "$keyonly" -e key_file= 'show version'
t_check "and without the agent the same host is an auth error" jqall noagent '.error.kind == "auth"'

# ---- keyboard-interactive (PAM) ------------------------------------------
run kbd -l kbd 'echo kbd-ok'
t_check "keyboard-interactive login answered with the password" \
    jqall kbd '.ok and .output == "kbd-ok\n"'
run kbdbad -l kbd -e password=not-it 'echo kbd-ok'
t_check "a wrong keyboard-interactive password is an auth error" \
    jqall kbdbad '.error.kind == "auth" and (.error.message | test("keyboard-interactive"))'

# ---- exec channel ----------------------------------------------------------
lx=$(first linux)
run exec -l "$lx" 'uname -s' 'false'
if jqany exec '.command == "uname -s" and .ok and .output == "Linux\n" and .exit_status == 0' &&
    jqany exec '.command == "false" and .error.kind == "command" and .exit_status == 1'; then
    t_ok "exec channel: output and exit status"
else
    t_fail "exec channel ($lx)" "$(show exec)"
fi

# ---- jump host: the linux lab host carries the session to a device -------
run jump -l "$good" -e jump_host="$lx" 'show version'
t_check "through a jump host (in-process direct-tcpip)" jqall jump '.ok'

# ---- ssh_config ProxyJump, carried in-process -----------------------------
v6=$(names "cisco_ios" | grep v6 | head -1)
if [ -n "$v6" ]; then
    printf 'Host ::1\n    ProxyJump %s@127.0.0.1:%s\nHost 127.0.0.1\n    IdentityFile %s\n' \
        "$(var "$lx" user)" "$(var "$lx" port)" "$(var "$lx" key_file)" >"$T_TMP/ssh_config"
    run pjump -F "$T_TMP/ssh_config" -l "$v6" 'show version'
    t_check "ssh_config ProxyJump is taken over as an in-process jump ($v6 via $lx)" jqall pjump '.ok'
    printf 'Host ::1\n    ProxyCommand nc %%h %%p\n' >"$T_TMP/ssh_config2"
    run pcmd -F "$T_TMP/ssh_config2" -l "$v6" 'show version'
    t_check "a ProxyCommand is refused with a usage error" \
        jqall pcmd '.error.kind == "usage" and (.error.message | test("ProxyCommand"))'
fi

# ---- ssh_config BindAddress: netrun opens the socket, so it binds it ------
printf 'Host 127.0.0.1\n    BindAddress 127.0.0.9\n' >"$T_TMP/ssh_config3"
run bind -F "$T_TMP/ssh_config3" -l "$lx" 'echo $SSH_CLIENT'
t_check "ssh_config BindAddress is the connection's source address" \
    jqall bind '.ok and (.output | startswith("127.0.0.9 "))'
# Binding fails before anything is sent: no traffic leaves loopback.
printf 'Host 127.0.0.1\n    BindAddress 192.0.2.1\n' >"$T_TMP/ssh_config4"
run nobind -F "$T_TMP/ssh_config4" -l "$lx" 'true'
t_check "a BindAddress this machine lacks is a usage error naming it" \
    jqall nobind '.error.kind == "usage" and (.error.message | test("BindAddress 192.0.2.1"))'

# ---- per-host SSH algorithms (ssh_config syntax) and --show-crypto --------
run algo -l "$good" -e ssh_ciphers=aes128-ctr -e ssh_macs=hmac-sha2-256 \
    -e 'ssh_kex=-curve25519-sha256,curve25519-sha256@libssh.org' --show-crypto 'show clock'
t_check "ssh_ciphers/ssh_macs/ssh_kex -list apply and --show-crypto reports them" \
    jqall algo '.ok and (.crypto | test("cipher=aes128-ctr") and test("mac=hmac-sha2-256") and (test("kex=curve25519") | not))'
run badalgo -l "$good" -e ssh_kex=no-such-kex 'show clock'
t_check "an unknown algorithm is a usage error naming the variable" \
    jqall badalgo '.error.kind == "usage" and (.error.message | test("ssh_kex"))'

# ---- formats, pipes, files -------------------------------------------------
timeout 60 $NR -q -i "$INV" -l "$good" --format csv 'show clock' >"$T_TMP/csv.out"
t_check "csv has the header and one row" \
    sh -c "head -1 '$T_TMP/csv.out' | grep -q '^host,command,ok,elapsed_ms' && [ \$(grep -c '^$good,' '$T_TMP/csv.out') = 1 ]"
timeout 60 $NR -q -i "$INV" -l "cisco_ios:&healthy" --format json 'show clock' >"$T_TMP/json.out"
t_check "json is one list" jq -e 'type == "array" and length >= 1' "$T_TMP/json.out"
timeout 60 $NR -i "$INV" -l "$good" 'show clock' >"$T_TMP/text.out" 2>"$T_TMP/text.err"
t_check "text has a header per result and a summary on stderr" \
    sh -c "grep -q '^=== $good: show clock (ok' '$T_TMP/text.out' && grep -q '1 host: 1 ok' '$T_TMP/text.err'"
names "cisco_ios:&healthy" | timeout 60 $NR -q -i "$INV" -H - --format jsonl 'show clock' >"$T_TMP/pipe.out"
t_check "netinv --names | netrun -H - works" \
    test "$(jq -s 'map(select(.ok)) | length' "$T_TMP/pipe.out")" = "$(names 'cisco_ios:&healthy' | wc -l)"
# -H with a user or port on an inventory host: a login of its own on top
# of the host's variables; the inventory host itself is unchanged.
hu=$(var "$good" user)
hp=$(var "$good" port)
run hspec -H "$hu@$good,bogus@$good,$good,$good:$hp" 'show clock'
t_check "-H user@host, other-user@host, host and host:port are four logins" \
    test "$(jq -s -c 'map(.host) | sort' "$T_TMP/hspec.out")" = \
         "$(jq -n -c --arg g "$good" --arg u "$hu" --arg p "$hp" \
               '[$g, ($g + ":" + $p), ($u + "@" + $g), ("bogus@" + $g)] | sort')"
t_check "-H bogus@host logs in as bogus (and fails), the others succeed" \
    jq -s -e --arg g "$good" 'all(.[]; if .host == "bogus@" + $g
        then (.ok | not) and .error.kind == "auth" and (.error.message | test("bogus"))
        else .ok end)' "$T_TMP/hspec.out"
run outdir -l "cisco_ios:&healthy" --out-dir "$T_TMP/od" --transcript "$T_TMP/tr" 'show version' 'show ip interface brief'
t_check "--out-dir: one file per host and command" \
    test "$(find "$T_TMP/od" -name '*.txt' | wc -l)" = $(( $(names 'cisco_ios:&healthy' | wc -l) * 2 ))
t_check "--out-dir leaves no temp files" test -z "$(find "$T_TMP/od" -name '.*')"
t_check "--transcript: one log per host" test -n "$(find "$T_TMP/tr" -name '*.log' -size +1)"

# ---- --parse: records from the project's templates -----------------------
run parse -l "cisco_ios:&healthy:juniper_junos:arista_eos" --parse 'show version' 'show ip interface brief' 'show running-config'
if jqany parse '.command == "show version" and .ok and (.parsed | type == "array" and length >= 1)' &&
    jqany parse '.command == "show ip interface brief" and .ok and (.parsed[0] | has("interface"))' &&
    jqany parse '(.parsed == null) and (.notes // [] | any(test("no template")))'; then
    t_ok "--parse adds parsed records; no template gives parsed null and a note"
else
    t_fail "--parse" "$(show parse)"
fi

# ---- progress on a terminal, none when piped --------------------------------
script -qec "$NR -i '$INV' -l 'cisco_ios:&healthy' --format jsonl 'show clock' >/dev/null" \
    "$T_TMP/tty.log" >/dev/null 2>&1 </dev/null
t_check "a progress line on stderr when it is a terminal" \
    grep -qE '\[[0-9]+/[0-9]+\] [0-9]+ failed, [0-9.]+ hosts/s' "$T_TMP/tty.log"
t_check "and none when stderr is not a terminal" \
    sh -c "! grep -q 'hosts/s' '$T_TMP/text.err'"

# ---- secrets never appear -----------------------------------------------------
leak=0
while read -r s; do
    [ ${#s} -ge 4 ] || continue
    if grep -rqF -- "$s" "$T_TMP"/*.out "$T_TMP"/*.err "$T_TMP/tr" "$T_TMP/od" 2>/dev/null; then
        leak=1; t_fail "secret leaked: $(echo "$s" | cut -c1-2)..."
    fi
done <"$NR_LAB_DIR/secrets.txt"
[ $leak = 0 ] && t_ok "no lab password or secret in any output, error or transcript"

# ---- SIGINT: results so far, every pair, summary, no temp files ----------
h=$(fault_host slow)
# (not under timeout(1): it would pass the signal on to the whole group,
# and a second signal means "exit now")
$NR -i "$INV" -l "$h:healthy" -j 2 --format jsonl --out-dir "$T_TMP/od2" \
    --host-timeout 30 'show version' >"$T_TMP/int.out" 2>"$T_TMP/int.err" &
pid=$!
( sleep 90; kill -9 $pid 2>/dev/null ) &
guard=$!
for _ in $(seq 1 100); do [ -s "$T_TMP/int.out" ] && break; sleep 0.1; done
kill -INT $pid
wait $pid; irc=$?
kill $guard 2>/dev/null
total=$(names "$h:healthy" | wc -l)
if [ $irc = 1 ] && [ "$(jq -s length "$T_TMP/int.out")" = "$total" ] &&
    grep -q interrupted "$T_TMP/int.err" && [ -z "$(find "$T_TMP/od2" -name '.*')" ]; then
    t_ok "SIGINT: every pair reported, summary says interrupted, no temp files"
else
    t_fail "SIGINT handling" "rc=$irc records=$(jq -s length "$T_TMP/int.out")/$total $(tail -3 "$T_TMP/int.err")"
fi

# ---- the man page lists every option ----------------------------------------
sed 's/\\//g' man/netrun.1 >"$T_TMP/man.txt"
missing=$($NR --help | grep -o -- '--[a-z][a-z-]*' | sort -u | while read -r o; do
    grep -q -- "$o" "$T_TMP/man.txt" || echo "$o"; done)
t_check "man/netrun.1 documents every option${missing:+ (missing: $missing)}" test -z "$missing"

t_done
