#!/usr/bin/env bash
# Fan-out: `show version` on N simulated devices (the lab's simd backend,
# one process serving every device, so the lab costs little), by netrun,
# by parallel-ssh (pssh) and by python3-netmiko in a thread pool, all at
# the same concurrency, in one run.  Prints wall time, client CPU
# seconds (user+sys, children included) and peak RSS, and the ratios.
# Then netrun alone on 1000 devices at -j 1000 for its peak RSS.
set -u
cd "$(dirname "$0")/../../.."
export BUILD=${NR_BUILD:-build}
N=${FANOUT_DEVICES:-200}
BIG=${FANOUT_BIG:-1000}
PY=/usr/bin/python3
export NR_LAB_DIR=$(mktemp -d /tmp/nr_fanout.XXXXXX)
LAB=tests/lab/lab
trap 'timeout 60 $LAB down --only simd >/dev/null 2>&1; rm -rf "$NR_LAB_DIR"' EXIT

if ! timeout 120 $LAB up --only simd --devices "$BIG" >"$NR_LAB_DIR/up.log" 2>&1; then
    echo "skip: the simd lab did not start:"; tail -5 "$NR_LAB_DIR/up.log"; exit 0
fi
INV=$NR_LAB_DIR/inventory.ini
export NETRUN_KNOWN_HOSTS=$NR_LAB_DIR/known_hosts
# The first N devices, as user@host:port lines for pssh and netmiko.
$BUILD/bin/netinv -i "$INV" --list --show-secrets |
    jq -r '._meta.hostvars | to_entries[] | [.key, .value.host, (.value.port|tostring), .value.user, (.value.key_file // ""), .value.platform] | @tsv' |
    sort | head -n "$N" >"$NR_LAB_DIR/devs.tsv"
have=$(wc -l <"$NR_LAB_DIR/devs.tsv")
if [ "$have" -lt "$N" ]; then
    echo "skip: lab has $have devices, need $N"; exit 0
fi
key=$(cut -f5 "$NR_LAB_DIR/devs.tsv" | head -1)
cut -f1 "$NR_LAB_DIR/devs.tsv" >"$NR_LAB_DIR/names"
awk -F'\t' '{print $4"@"$2":"$3}' "$NR_LAB_DIR/devs.tsv" >"$NR_LAB_DIR/pssh.hosts"

RUNS=${FANOUT_RUNS:-5}
# measure NAME COMMAND...: runs it RUNS times and prints "name wall cpu
# rss_kb", each the median over the runs (every tool gets the same
# treatment; one run on a shared machine is noisy).
measure() {
    local name=$1 i; shift
    : >"$NR_LAB_DIR/$name.times"
    for i in $(seq 1 "$RUNS"); do
        /usr/bin/time -f '%e %U %S %M' -o "$NR_LAB_DIR/$name.time" "$@" \
            >"$NR_LAB_DIR/$name.out" 2>"$NR_LAB_DIR/$name.err"
        read -r wall u s rss <"$NR_LAB_DIR/$name.time"
        echo "$wall $(echo "$u + $s" | bc) $rss" >>"$NR_LAB_DIR/$name.times"
    done
    med() { cut -d' ' -f"$1" "$NR_LAB_DIR/$name.times" | sort -g | sed -n "$(( (RUNS + 1) / 2 ))p"; }
    echo "$name $(med 1) $(med 2) $(med 3)"
}

echo "-- $N devices, show version, concurrency $N, median of $RUNS runs each"
r_nr=$(measure netrun $BUILD/bin/netrun -q -i "$INV" -H @"$NR_LAB_DIR/names" \
       -j "$N" --format jsonl 'show version')
ok_nr=$(jq -s 'map(select(.ok)) | length' "$NR_LAB_DIR/netrun.out")
r_ps=$(measure pssh parallel-ssh -h "$NR_LAB_DIR/pssh.hosts" -p "$N" -t 60 \
       -x "-F /dev/null -i $key -o UserKnownHostsFile=$NETRUN_KNOWN_HOSTS -o StrictHostKeyChecking=yes -o BatchMode=yes" \
       'show version')
ok_ps=$(grep -c '\[SUCCESS\]' "$NR_LAB_DIR/pssh.out")
cat >"$NR_LAB_DIR/nm.py" <<'PYEOF'
import sys, concurrent.futures as cf
from netmiko import ConnectHandler
devs = [l.rstrip("\n").split("\t") for l in open(sys.argv[1])]
def one(d):
    name, host, port, user, key, plat = d
    c = ConnectHandler(device_type=plat, host=host, port=int(port),
                       username=user, use_keys=True, key_file=key,
                       allow_agent=False, ssh_strict=False,
                       system_host_keys=False, timeout=60)
    out = c.send_command("show version")
    c.disconnect()
    return len(out) > 0
ok = 0
with cf.ThreadPoolExecutor(max_workers=int(sys.argv[2])) as ex:
    for f in cf.as_completed([ex.submit(one, d) for d in devs]):
        try:
            ok += f.result()
        except Exception as e:
            print("fail:", e, file=sys.stderr)
print(ok)
PYEOF
r_nm=$(measure netmiko $PY "$NR_LAB_DIR/nm.py" "$NR_LAB_DIR/devs.tsv" "$N")
ok_nm=$(tail -1 "$NR_LAB_DIR/netmiko.out")
printf '%-8s %8s %10s %12s %8s\n' tool wall_s cpu_s peak_rss_kb ok
for r in "$r_nr $ok_nr" "$r_ps $ok_ps" "$r_nm $ok_nm"; do
    set -- $r; printf '%-8s %8s %10s %12s %8s\n' "$1" "$2" "$3" "$4" "$5/$N"
done
set -- $r_nr; nw=$2; nc=$3
set -- $r_ps; pw=$2; pc=$3
set -- $r_nm; mw=$2; mc=$3
echo "ratios: CPU per device pssh/netrun $(echo "scale=1; $pc / $nc" | bc)x (target >= 3x), netmiko/netrun $(echo "scale=1; $mc / $nc" | bc)x (target >= 10x)"
echo "ratios: wall pssh/netrun $(echo "scale=2; $pw / $nw" | bc)x, netmiko/netrun $(echo "scale=2; $mw / $nw" | bc)x (target > 1 for both)"

# What libssh itself costs: a bare client (floor.c), one device after
# another, so no concurrency cost is added.  netrun cannot go below it.
if ${CC:-cc} -std=gnu11 -O2 tests/bench/fanout/floor.c -o "$NR_LAB_DIR/floor" \
        $(pkg-config --libs libssh) 2>"$NR_LAB_DIR/floor.cc"; then
    : >"$NR_LAB_DIR/floor.times"
    for i in $(seq 1 "$RUNS"); do
        "$NR_LAB_DIR/floor" "$NR_LAB_DIR/devs.tsv" "$NETRUN_KNOWN_HOSTS" |
            sed -n 's/.*CPU \([0-9.]*\) s.*/\1/p' >>"$NR_LAB_DIR/floor.times"
    done
    fc=$(sort -g "$NR_LAB_DIR/floor.times" | sed -n "$(( (RUNS + 1) / 2 ))p")
    echo "libssh floor (bare libssh client, no concurrency, median of $RUNS): cpu ${fc} s, $(echo "scale=2; $fc * 1000 / $N" | bc) ms/device; netmiko/floor $(echo "scale=1; $mc / $fc" | bc)x, netrun/floor $(echo "scale=2; $nc / $fc" | bc)x"
else
    echo "libssh floor: cannot build floor.c: $(head -1 "$NR_LAB_DIR/floor.cc")"
fi

echo "-- netrun alone: $BIG devices at -j $BIG"
$BUILD/bin/netinv -i "$INV" --names | head -n "$BIG" >"$NR_LAB_DIR/names.big"
r_big=$(measure big $BUILD/bin/netrun -q -i "$INV" -H @"$NR_LAB_DIR/names.big" \
        -j "$BIG" --format jsonl 'show version')
set -- $r_big
ok_big=$(jq -s 'map(select(.ok)) | length' "$NR_LAB_DIR/big.out")
echo "netrun $BIG devices: wall $2 s, cpu $3 s, peak RSS $(( $4 / 1024 )) MB (target < 300 MB), ok $ok_big/$BIG"
