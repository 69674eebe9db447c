#!/usr/bin/env bash
# netpoll against the lab: real snmpd (v1, v2c, v3 at each level) and
# snmpsimd (recorded devices as many agents).  Starts the snmp lab when it
# is not up, and stops it again if it started it.
set -u
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
NP=$BIN/netpoll
LAB_DIR=${NR_LAB_DIR:-$PWD/${NR_BUILD:-build}/lab}
case $LAB_DIR in /*) ;; *) LAB_DIR=$PWD/$LAB_DIR ;; esac
INV=$LAB_DIR/inv/snmp.ini
started=0
if ! command -v snmpd >/dev/null || ! command -v snmpsimd >/dev/null; then
    echo "skip: snmpd/snmpsim not installed (make deps)"
    t_done; exit $?
fi
if ! NR_LAB_DIR=$LAB_DIR BUILD=${NR_BUILD:-build} bash tests/lab/lab status --only snmp >/dev/null 2>&1; then
    NR_LAB_DIR=$LAB_DIR BUILD=${NR_BUILD:-build} timeout 200 bash tests/lab/lab up --only snmp >"$T_TMP/lab.log" 2>&1 \
        || { t_fail "lab up" "$(tail -20 "$T_TMP/lab.log")"; t_done; exit 1; }
    started=1
fi
stop_lab() {
    [ $started = 1 ] && NR_LAB_DIR=$LAB_DIR BUILD=${NR_BUILD:-build} bash tests/lab/lab down --only snmp >/dev/null 2>&1
    rm -rf "$T_TMP"
}
trap stop_lab EXIT
export NR_LAB_SNMP_PRIV=$(cat "$LAB_DIR/snmp/priv.pass")
PORT=$(cat "$LAB_DIR/snmp/snmpd.port")
SECRETS="netrun-lab-ro netrun-lab-rw netrun-auth-pass netrun-priv-pass"
ALL=$T_TMP/all.out   # everything netpoll printed, for the secrets check

np() {  # np OUT ARGS...: run netpoll, keep stdout+stderr, echo rc
    local out=$1; shift
    timeout 60 "$NP" "$@" >"$out" 2>"$out.err"
    local rc=$?
    cat "$out" "$out.err" >>"$ALL"
    return $rc
}
has() { grep -q -- "$2" "$1"; }
jq_ok() { python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1])]' "$1"; }

# --- get / names / values -------------------------------------------------
np "$T_TMP/get" -i "$INV" -l lab-snmpd -f jsonl get sysName.0 sysUpTime.0 \
    ifDescr.1 ifHCInOctets.1 sysObjectID.0 1.3.6.1.2.1.1.99.0
rc=$?
t_check "get: exit 0" [ $rc = 0 ]
t_check "get: valid JSON lines" jq_ok "$T_TMP/get"
t_check "get: string value" has "$T_TMP/get" '"name":"sysName","index":"0","type":"STRING","value":"snmpd"'
t_check "get: timeticks raw and human" grep -qE '"type":"Timeticks","value":[0-9]+,"text":"\([0-9]+\) [0-9]' "$T_TMP/get"
t_check "get: ifHCInOctets.3-style names without MIB files" has "$T_TMP/get" '"name":"ifHCInOctets","index":"1","type":"Counter64","value":[0-9]'
t_check "get: OID value numeric and symbolic" has "$T_TMP/get" '"type":"OID","value":"1.3.6.1.4.1.8072.3.2.10","text":"enterprises.8072.3.2.10"'
t_check "get: noSuchObject is a value, not a failure" has "$T_TMP/get" '"oid":"1.3.6.1.2.1.1.99.0","name":"system.99.0","index":"","type":"noSuchObject","value":null'
np "$T_TMP/getn" -i "$INV" -l lab-snmpd -n get sysName.0
t_check "get -n: numeric names" has "$T_TMP/getn" 'lab-snmpd 1.3.6.1.2.1.1.5 *.0 = STRING: "snmpd"\|lab-snmpd 1.3.6.1.2.1.1.5.0 = STRING: "snmpd"'

# --- text and csv ---------------------------------------------------------
np "$T_TMP/text" -i "$INV" -l lab-snmpd get sysName.0 ifOperStatus.1
t_check "text: snmpwalk-like lines" has "$T_TMP/text" 'lab-snmpd sysName.0 = STRING: "snmpd"'
t_check "text: enum label" has "$T_TMP/text" 'lab-snmpd ifOperStatus.1 = INTEGER: up(1)'
np "$T_TMP/csv" -i "$INV" -l lab-snmpd -f csv get sysName.0
t_check "csv: header" grep -q '^host,ok,oid,name,index,type,value,text,error.kind,error.message' "$T_TMP/csv"
t_check "csv: row" grep -q '^lab-snmpd,true,1.3.6.1.2.1.1.5.0,sysName,0,STRING,snmpd,' "$T_TMP/csv"
np "$T_TMP/json" -i "$INV" -l lab-snmpd -f json get sysName.0 sysLocation.0
t_check "json: one list" python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d)==2' "$T_TMP/json"

# --- walk / bulkwalk / v1 -----------------------------------------------------
np "$T_TMP/walk" -i "$INV" -l lab-snmpd -f jsonl walk system
t_check "walk: system group" [ "$(grep -c '"ok":true' "$T_TMP/walk")" -ge 7 ]
np "$T_TMP/walknext" -i "$INV" -l lab-snmpd -f jsonl --getnext walk system
t_check "walk --getnext equals GETBULK walk" cmp -s <(cut -d, -f3,4 "$T_TMP/walk" | grep -v sysUpTime) <(cut -d, -f3,4 "$T_TMP/walknext" | grep -v sysUpTime)
np "$T_TMP/bulk" -i "$INV" -l lab-snmpd -f jsonl -m 3 bulkwalk ifTable ifXTable
t_check "bulkwalk: two subtrees, small max-repetitions" [ "$(grep -c '"name":"ifDescr"' "$T_TMP/bulk")" -ge 1 ] 
t_check "bulkwalk: ifXTable too" has "$T_TMP/bulk" '"name":"ifName"'
# several subtrees share each GETBULK (one repeater each): the records
# must still come subtree by subtree, as separate walks give them
lanes_same() {  # lanes_same HOST M OID...: one run equals a run per OID
    local h=$1 m=$2; shift 2
    local o
    "$NP" -i "$INV" -l "$h" -n -m "$m" bulkwalk "$@" >"$T_TMP/lanes.all" 2>&1 || return 1
    : >"$T_TMP/lanes.one"
    for o in "$@"; do
        "$NP" -i "$INV" -l "$h" -n -m "$m" bulkwalk "$o" >>"$T_TMP/lanes.one" 2>&1 || return 1
    done
    # counters and clocks move between runs: compare OIDs and types
    diff <(sed 's/ = \([^:]*\):.*/ \1/' "$T_TMP/lanes.all") \
         <(sed 's/ = \([^:]*\):.*/ \1/' "$T_TMP/lanes.one") >/dev/null
}
t_check "bulkwalk of several subtrees: order as one walk after another (snmpd)" \
    lanes_same lab-snmpd 3 ifXTable system sysName.0 1.3.6.1.2.1.1.99 ifTable system
t_check "bulkwalk of several subtrees: order as one walk after another (snmpsim)" \
    lanes_same sim-cisco_16_switch 7 ifTable ifXTable system
t_check "bulkwalk of several subtrees, v3 authPriv" \
    lanes_same lab-v3-sha-aes 5 system ifTable
np "$T_TMP/rwview" -i "$INV" -l lab-snmpd-rw -f jsonl bulkwalk system ip
rc=$?
t_check "bulkwalk past a view's end (snmpd's genError for two repeaters): exit 0" [ $rc = 0 ]
t_check "bulkwalk past a view's end: the view's objects, then the empty subtree" python3 -c '
import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]
assert len(r) >= 8 and r[0]["name"] == "sysDescr", r[:2]
assert r[-1]["oid"] == "1.3.6.1.2.1.4" and r[-1]["type"] == "noSuchObject", r[-1]' "$T_TMP/rwview"
np "$T_TMP/scalar" -i "$INV" -l lab-snmpd walk sysName.0
t_check "walk of a scalar instance gets it (as snmpwalk)" has "$T_TMP/scalar" 'sysName.0 = STRING: "snmpd"'
np "$T_TMP/v1" -i "$INV" -l lab-snmpd-v1 -f jsonl walk system
t_check "v1: walk with GETNEXT" [ "$(grep -c '"ok":true' "$T_TMP/v1")" -ge 7 ]
np "$T_TMP/v1get" -i "$INV" -l lab-snmpd-v1 -f jsonl get sysName.0 1.3.6.1.2.1.1.99.0 sysContact.0
t_check "v1: a missing object among others (noSuchName)" python3 -c '
import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]
t={x["oid"]:x["type"] for x in r}
assert t["1.3.6.1.2.1.1.99.0"]=="noSuchObject" and t["1.3.6.1.2.1.1.5.0"]=="STRING" and t["1.3.6.1.2.1.1.4.0"]=="STRING", t' "$T_TMP/v1get"
np "$T_TMP/v1bulk" -i "$INV" -l lab-snmpd-v1 -f jsonl bulkwalk system
rc=$?
t_check "v1: bulkwalk is refused per host" [ $rc = 1 ]
t_check "v1: bulkwalk error names host and op" has "$T_TMP/v1bulk" '"host":"lab-snmpd-v1","ok":false,"error":{"kind":"usage","op":"bulkwalk"'

# --- table -----------------------------------------------------------------------
np "$T_TMP/table" -i "$INV" -l lab-snmpd -f jsonl table ifTable
rc=$?
t_check "table: exit 0" [ $rc = 0 ]
t_check "table: one record per ifIndex" [ "$(grep -c '"table":"ifTable"' "$T_TMP/table")" = "$(snmpget -v2c -c netrun-lab-ro -Oqv 127.0.0.1:$PORT 1.3.6.1.2.1.2.1.0)" ]
t_check "table: columns by name, enums as labels" grep -q '"index":"1","ifIndex":1,"ifDescr":"lo","ifType":"softwareLoopback"' "$T_TMP/table"
np "$T_TMP/tcsv" -i "$INV" -l sim-cisco_16_switch -f csv table ifXTable
t_check "table csv: header has every ifXTable column" grep -q '^host,ok,table,index,ifName,ifInMulticastPkts,.*ifCounterDiscontinuityTime,error.kind' "$T_TMP/tcsv"
t_check "table csv: snmpsim rows" [ "$(grep -c '^sim-cisco_16_switch,true,ifXTable' "$T_TMP/tcsv")" -ge 10 ]

# --- v3: every level, right and wrong credentials --------------------------------
for h in noauth md5 sha sha224 sha256 sha384 sha512 md5-des sha-aes sha256-aes sha512-aes192 sha512-aes256; do
    np "$T_TMP/v3" -i "$INV" -l "lab-v3-$h" -f jsonl get sysName.0
    t_check "v3 $h: get" has "$T_TMP/v3" '"value":"snmpd"'
done
np "$T_TMP/v3walk" -i "$INV" -l lab-v3-sha256-aes -f jsonl bulkwalk system
t_check "v3 authPriv: bulkwalk" [ "$(grep -c '"ok":true' "$T_TMP/v3walk")" -ge 7 ]
np "$T_TMP/v3bad" -H 127.0.0.1:$PORT -v 3 --user nr-sha --auth-proto SHA --auth-pass wrong-password -f jsonl get sysName.0
rc=$?
t_check "v3 wrong auth passphrase: exit 1" [ $rc = 1 ]
t_check "v3 wrong auth passphrase: auth error (wrong digest)" has "$T_TMP/v3bad" '"ok":false,"error":{"kind":"auth","op":"auth","message":"authentication failure (wrong digest'
np "$T_TMP/v3user" -H 127.0.0.1:$PORT -v 3 --user no-such-user -f jsonl get sysName.0
t_check "v3 unknown user: auth error" has "$T_TMP/v3user" '"kind":"auth","op":"auth","message":"unknown user name"'
np "$T_TMP/v3level" -H 127.0.0.1:$PORT -v 3 --user nr-md5 --auth-proto MD5 --auth-pass netrun-auth-pass --priv-pass netrun-priv-pass -f jsonl get sysName.0
t_check "v3 level above the user's: auth error" has "$T_TMP/v3level" '"kind":"auth"'
np "$T_TMP/v3priv" -H 127.0.0.1:$PORT -v 3 --user nr-sha-aes --auth-proto SHA --auth-pass netrun-auth-pass --priv-proto AES --priv-pass wrong-password -t 0.3 -r 0 get sysName.0
t_check "v3 wrong priv passphrase: timeout naming the likely cause" has "$T_TMP/v3priv" 'get: no response from 127.0.0.1:'"$PORT"' after 1 try of 300 ms (down, or wrong priv passphrase'

# --- failures among live agents ---------------------------------------------------
np "$T_TMP/mixed" -H "127.0.0.1:$PORT,127.0.0.1:1" -c netrun-lab-ro -t 0.3 -r 1 -f jsonl get sysName.0
rc=$?
t_check "dead agent among live: exit 1" [ $rc = 1 ]
t_check "dead agent among live: live one answered" has "$T_TMP/mixed" '"host":"127.0.0.1:'"$PORT"'","ok":true'
t_check "dead agent among live: timeout record" has "$T_TMP/mixed" '"host":"127.0.0.1:1","ok":false,"error":{"kind":"timeout","op":"get","message":"no response from 127.0.0.1:1 after 2 tries of 300 ms'
np "$T_TMP/comm" -H "127.0.0.1:$PORT" -c wrong-community -t 0.3 -r 0 get sysName.0
t_check "wrong community: one-line timeout error naming host and op" grep -qx '127.0.0.1:'"$PORT"': get: no response from 127.0.0.1:'"$PORT"' after 1 try of 300 ms (down, or wrong community)' "$T_TMP/comm"
printf '127.0.0.1:%s\n# comment\n127.0.0.1:%s\n' "$PORT" "$PORT" > "$T_TMP/hosts"
np "$T_TMP/hfile" -H "@$T_TMP/hosts" -c netrun-lab-ro get sysName.0
t_check "-H @file" [ "$(grep -c 'sysName.0' "$T_TMP/hfile")" = 2 ]
echo "127.0.0.1:$PORT" | timeout 30 "$NP" -H - -c netrun-lab-ro get sysName.0 >"$T_TMP/hstdin" 2>&1
t_check "-H - (stdin)" has "$T_TMP/hstdin" 'sysName.0 = STRING'
np "$T_TMP/badname" -H 127.0.0.1:$PORT get ifFoo.1
rc=$?
t_check "unknown name: usage error (exit 2)" [ $rc = 2 ]
t_check "unknown name: says which" has "$T_TMP/badname.err" "unknown object name 'ifFoo'"
np "$T_TMP/badaddr" -H "127.0.0.1:99999" get sysName.0
t_check "bad -H port: exit 2" [ $? = 2 ]

# --- snmpsim: many agents in one run, counters --------------------------------
np "$T_TMP/sim" -i "$INV" -l snmpsim_agents -j 8 -f jsonl bulkwalk ifXTable
rc=$?
t_check "snmpsim agents: all answered" [ $rc = 0 ]
t_check "snmpsim agents: each agent's rows" [ "$(grep -o '"host":"sim-agent[0-9]*"' "$T_TMP/sim" | sort -u | wc -l)" -ge 20 ]
np "$T_TMP/simrec" -i "$INV" -l sim-labsnmpd -f jsonl get sysName.0
t_check "snmpsim: recording of the lab snmpd" has "$T_TMP/simrec" '"value":"snmpd"'
np "$T_TMP/ctr" -i "$INV" -l sim-wrap --interval 0.4 --count 7 -f jsonl get ifInOctets.1 ifHCInOctets.1
t_check "counter: rates from the second poll" [ "$(grep -c '"rate":' "$T_TMP/ctr")" = 12 ]
t_check "counter: Counter32 wrap detected and rate kept right" python3 -c '
import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]
c32=[x for x in r if x["name"]=="ifInOctets"]
assert any(x.get("wrapped") for x in c32), c32
assert all(1.6e9 < x["rate"] < 2.4e9 for x in c32), [x["rate"] for x in c32]' "$T_TMP/ctr"
np "$T_TMP/ctrt" -i "$INV" -l sim-wrap --interval 0.2 --count 2 get ifHCInOctets.1
t_check "counter: text shows the rate" grep -q 'ifHCInOctets.1 = Counter64: [0-9]*  rate [0-9.]*/s' "$T_TMP/ctrt"

# --- set ---------------------------------------------------------------------------
np "$T_TMP/set0" -H 127.0.0.1:$PORT -c netrun-lab-rw set sysContact.0 s x
t_check "set without --allow-set: exit 2" [ $? = 2 ]
np "$T_TMP/set" -i "$INV" -l lab-snmpd-rw --allow-set set sysContact.0 s "rack 42"
t_check "set: agent answers the new value" has "$T_TMP/set" 'sysContact.0 = STRING: "rack 42"'
np "$T_TMP/setro" -i "$INV" -l lab-snmpd --allow-set -f jsonl set sysLocation.0 s nope
t_check "set with a read-only community: refused per host" grep -q '"ok":false,"error":{"kind":"\(command\|timeout\|auth\)"' "$T_TMP/setro"

# --- broken agents (tests/lab/snmp_broken.py, pysnmp from snmpsim's deps) -----------
# Each answers on its own loopback port and exits by itself after 60 s.
broken() {  # broken MODE: start one, set BPORT
    rm -f "$T_TMP/broken.$1"
    /usr/bin/python3 tests/lab/snmp_broken.py "$1" "$T_TMP/broken.$1" 60 \
        2>"$T_TMP/broken.$1.err" &
    BPIDS="$BPIDS $!"
    for _ in $(seq 100); do [ -s "$T_TMP/broken.$1" ] && break; sleep 0.1; done
    BPORT=$(cat "$T_TMP/broken.$1" 2>/dev/null)
}
BPIDS=""
for m in repeat backwards; do
    broken $m
    np "$T_TMP/b$m" -H "127.0.0.1:$BPORT" -c public -t 1 -r 1 -f jsonl bulkwalk ifTable
    t_check "agent whose OIDs do not increase ($m): exit 1" [ $? = 1 ]
    t_check "agent whose OIDs do not increase ($m): what came first, then a protocol error" \
        python3 -c '
import json,sys; r=[json.loads(l) for l in open(sys.argv[1])]
assert r[0]["ok"] and r[0]["name"] == "ifDescr", r
e=r[-1]; assert not e["ok"] and e["error"]["kind"] == "protocol", e
assert "not increasing" in e["error"]["message"], e
assert len(r) == 2, r' "$T_TMP/b$m"
done
broken garbage
np "$T_TMP/bgarbage" -H "127.0.0.1:$BPORT" -c public -t 1 -r 1 -f jsonl bulkwalk ifTable
t_check "agent answering garbage: exit 1, a timeout record that says it answered, no crash" \
    sh -c "[ $? = 1 ] && grep -q '\"ok\":false,\"error\":{\"kind\":\"timeout\".*it sent back 2 datagrams that were no answer' '$T_TMP/bgarbage'"
broken toobig
np "$T_TMP/btoobig" -H "127.0.0.1:$BPORT" -c public -t 1 -r 1 -f jsonl bulkwalk ifTable
t_check "tooBig until max-repetitions is 3: halved, then the whole walk (exit 0)" \
    sh -c "[ $? = 0 ] && [ \$(grep -c '\"ok\":true,\"oid\":\"1.3.6.1.2.1.2.2.1.2.[123]\"' '$T_TMP/btoobig') = 3 ]"
kill $BPIDS 2>/dev/null
wait $BPIDS 2>/dev/null

# --- secrets never printed -----------------------------------------------------------
leak=0
for s in $SECRETS; do
    if grep -q -- "$s" "$ALL"; then leak=1; echo "     leaked: $s"; fi
done
t_check "no secret in any output or error" [ $leak = 0 ]
man_has_all() {
    local o
    for o in $("$NP" --help | grep -o -- '--[a-z-]*' | sort -u); do
        grep -qF -- "${o//-/\\-}" man/netpoll.1 || { echo "     man/netpoll.1 misses $o"; return 1; }
    done
}
t_check "man page lists every option" man_has_all
t_done
