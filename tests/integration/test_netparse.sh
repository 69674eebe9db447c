#!/usr/bin/env bash
# netparse as a user runs it: formats, index selection, exit statuses,
# one-line errors naming file:line, and a man page covering --help.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
NP=$BIN/netparse
d=$T_TMP/tpl
mkdir -p "$d"
cat >"$d/ports.textfsm" <<'T'
Value Key PORT (\S+)
Value STATUS (up|down)
Value List VLANS (\d+)

Start
  ^port ${PORT} ${STATUS} -> Continue
  ^port \S+ \S+ vlan ${VLANS} -> Record
  ^bad -> Error "bad line"
T
cat >"$d/speed.textfsm" <<'T'
Value Key PORT (\S+)
Value SPEED (\d+G)

Start
  ^speed ${PORT} ${SPEED} -> Record
T
printf 'Template, Hostname, Platform, Command\n\nports.textfsm:speed.textfsm, .*, lab_os, sh[[ow]] po[[rts]]\n' >"$d/index"
printf 'port e1 up vlan 10\nport e2 down vlan 20\nspeed e2 10G\r\n' >"$T_TMP/in.txt"

out=$(timeout 10 "$NP" -f json -t "$d/ports.textfsm" "$T_TMP/in.txt")
t_check "json output" [ "$out" = '[{"port": "e1", "status": "up", "vlans": ["10"]}, {"port": "e2", "status": "down", "vlans": ["20"]}]' ]
out=$(timeout 10 "$NP" -f jsonl -T "$d" -p lab_os -c 'sh po' <"$T_TMP/in.txt")
t_check "index selection and merge" [ "$out" = '{"port": "e1", "status": "up", "vlans": ["10"], "speed": ""}
{"port": "e2", "status": "down", "vlans": ["20"], "speed": "10G"}' ]
out=$(NETRUN_TEMPLATES=$d timeout 10 "$NP" -f csv -t ports.textfsm "$T_TMP/in.txt")
t_check "search path from NETRUN_TEMPLATES, csv" [ "$(echo "$out" | head -1)" = "PORT,STATUS,VLANS" ]
out=$(timeout 10 "$NP" -t "$d/ports.textfsm" "$T_TMP/in.txt")
t_check "text table" [ "$(echo "$out" | sed -n 2p)" = "e1    up      10" ]
printf 'bad\n' | timeout 10 "$NP" -t "$d/ports.textfsm" >/dev/null 2>"$T_TMP/err"
rc=$?
t_check "Error rule exits 1" [ $rc = 1 ]
t_check "error names file:line" grep -q "ports.textfsm:8: .*bad line" "$T_TMP/err"
printf 'Value X (\\S+)\n\nStart\n  ^${Y}\n' >"$d/broken.textfsm"
timeout 10 "$NP" -t "$d/broken.textfsm" </dev/null 2>"$T_TMP/err"
rc=$?
t_check "template error exits 2" [ $rc = 2 ]
t_check "template error names file:line" grep -q "broken.textfsm:4:" "$T_TMP/err"
t_check "one-line error" [ "$(wc -l <"$T_TMP/err")" = 1 ]
timeout 10 "$NP" -p nope -c 'show x' -T "$d" </dev/null 2>/dev/null
t_check "no index match exits 2" [ $? = 2 ]
timeout 10 "$NP" --bogus 2>/dev/null
t_check "unknown option exits 2" [ $? = 2 ]
missing=""
for o in $("$NP" --help | grep -o -- '--[a-z-]*' | sort -u); do
    grep -q -- "\\\\-\\\\-${o#--}" man/netparse.1 || missing="$missing $o"
done
t_check "man page documents every --help option${missing:+ (missing$missing)}" [ -z "$missing" ]
t_done
