#!/usr/bin/env bash
# netpoll against Debian's snmpbulkwalk (one process per agent, run
# NR_BENCH_PAR-way in parallel with xargs -P): walk ifTable+ifXTable of
# many agents in one run.  Two agent sets: snmpsim agents (one snmpsimd, a
# recording per community: realistic data, the simulator bounds the wall
# time) and real snmpd instances on their own loopback ports.  Prints wall
# time, client CPU seconds and peak RSS of each side, and the ratios.
#
#   NR_BENCH_SIM_AGENTS (200)  NR_BENCH_SNMPD (20)  NR_BENCH_PAR (32)
set -u
cd "$(dirname "$0")/../../.."
BUILD=${NR_BUILD:-build}
NP=$BUILD/bin/netpoll
SIM=${NR_BENCH_SIM_AGENTS:-200}
INST=${NR_BENCH_SNMPD:-20}
PAR=${NR_BENCH_PAR:-32}
for c in snmpd snmpsimd snmpbulkwalk /usr/bin/time; do
    command -v "$c" >/dev/null || { echo "skip: $c not installed (make deps)"; exit 0; }
done
[ -x "$NP" ] || { echo "skip: $NP not built"; exit 0; }
tmp=$(mktemp -d)
chmod 755 "$tmp"   # snmpsimd runs as nobody and keeps its cache here
export NR_LAB_DIR=$tmp/lab
stop() { bash tests/lab/lab down --only snmp >/dev/null 2>&1; rm -rf "$tmp"; }
trap stop EXIT
echo "-- starting $SIM snmpsim agents and $INST snmpd instances"
timeout 300 bash tests/lab/lab up --only snmp --snmpsim-agents "$SIM" \
    --snmpd-instances "$INST" >"$tmp/lab.log" 2>&1 || {
    echo "lab failed to start"; tail -20 "$tmp/lab.log"; exit 1; }
INV=$NR_LAB_DIR/inv/snmp.ini
COMM=netrun-lab-ro

# measure NAME CMD...: wall, user+sys CPU of the command and its children,
# and the largest RSS of any one process (GNU time).
measure() {
    local name=$1; shift
    local t0 t1
    t0=$(date +%s.%N)
    /usr/bin/time -f "%U %S %M" -o "$tmp/$name.time" "$@" >"$tmp/$name.out" 2>"$tmp/$name.err"
    echo $? >"$tmp/$name.rc"
    t1=$(date +%s.%N)
    echo "$t0 $t1" >"$tmp/$name.wall"
}

report() {  # set label
    python3 - "$tmp" "$1" "$2" <<'PYEOF'
import sys
tmp, a, label = sys.argv[1], sys.argv[2], sys.argv[3]
def load(n):
    t0, t1 = map(float, open(f"{tmp}/{n}.wall").read().split())
    u, s, m = open(f"{tmp}/{n}.time").read().split()[-3:]
    lines = sum(1 for _ in open(f"{tmp}/{n}.out"))
    rc = open(f"{tmp}/{n}.rc").read().strip()
    return t1 - t0, float(u) + float(s), int(m), lines, rc
np_, sb = load(a + "_netpoll"), load(a + "_snmpbulkwalk")
print(f"{label}:")
for name, (w, c, m, l, rc) in (("netpoll", np_), ("snmpbulkwalk", sb)):
    print(f"  {name:13s} wall {w:7.2f} s  cpu {c:7.3f} s  peak RSS {m/1024:7.1f} MiB"
          f"  {l} varbinds  exit {rc}")
print(f"  ratios (snmpbulkwalk / netpoll): wall {sb[0]/np_[0]:.1f}x, "
      f"cpu {sb[1]/max(np_[1],0.001):.1f}x")
PYEOF
}

run_set() {  # label group
    local label=$1 group=$2
    "$NP" -i "$INV" -l "$group" -f text get sysUpTime.0 >/dev/null 2>&1  # warm
    # the agent list as snmpbulkwalk wants it: "community addr" per line
    python3 - "$INV" "$group" >"$tmp/$label.targets" <<'PYEOF'
import sys, re
inv, group = sys.argv[1], sys.argv[2]
sec = None
for line in open(inv):
    line = line.strip()
    m = re.match(r'\[(.*)\]$', line)
    if m:
        sec = m.group(1); continue
    if sec == group and line:
        kv = dict(p.split('=', 1) for p in line.split()[1:])
        print(kv.get('snmp_community', 'netrun-lab-ro'),
              kv['snmp_host'] + ':' + kv['snmp_port'])
PYEOF
    local n
    n=$(wc -l <"$tmp/$label.targets")
    measure "${label}_netpoll" "$NP" -i "$INV" -l "$group" -j "$PAR" -t 5 -r 1 \
        bulkwalk ifTable ifXTable
    cat >"$tmp/walk1.sh" <<'EOF'
#!/bin/sh
# one agent: ifTable then ifXTable, as two snmpbulkwalk runs would
snmpbulkwalk -v2c -c "$1" -t 5 -r 1 -Cr25 -On "$2" 1.3.6.1.2.1.2.2
snmpbulkwalk -v2c -c "$1" -t 5 -r 1 -Cr25 -On "$2" 1.3.6.1.2.1.31.1.1
EOF
    measure "${label}_snmpbulkwalk" sh -c \
        "xargs -P $PAR -L 1 sh $tmp/walk1.sh < $tmp/$label.targets"
    report "$label" "$label ($n agents, $PAR-way)"
}

run_set sim snmpsim_agents
run_set snmpd snmpd_instances

echo "-- 1000 agents in one netpoll process (snmpsim communities, -j 200)"
python3 - "$INV" "$SIM" >"$tmp/inv1000.ini" <<'PYEOF'
import sys, re
inv, sim = sys.argv[1], int(sys.argv[2])
agents = [l.split() for l in open(inv) if l.startswith('sim-agent')]
print('[many]')
for i in range(1000):
    a = agents[i % len(agents)]
    print(f'many{i} ' + ' '.join(a[1:]))
PYEOF
# one snmpsimd (a Python process) drops bursts past its socket buffer:
# -j bounds what is in flight, the 1000 agents still share one process
measure many "$NP" -i "$tmp/inv1000.ini" -j 200 -t 2 -r 3 get sysName.0 ifNumber.0 \
    ifDescr.1 ifHCInOctets.1
python3 - "$tmp" <<'PYEOF'
import sys
tmp = sys.argv[1]
t0, t1 = map(float, open(f"{tmp}/many.wall").read().split())
u, s, m = open(f"{tmp}/many.time").read().split()[-3:]
lines = sum(1 for _ in open(f"{tmp}/many.out"))
fails = sum(1 for l in open(f"{tmp}/many.out") if ": get:" in l)
print(f"  netpoll 1000 agents: wall {t1-t0:.2f} s  cpu {float(u)+float(s):.3f} s  "
      f"peak RSS {int(m)/1024:.1f} MiB  {lines} lines, {fails} failures")
PYEOF
