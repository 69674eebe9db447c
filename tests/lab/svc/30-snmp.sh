#!/usr/bin/env bash
# Lab service "snmp": a real net-snmp snmpd and an snmpsimd, both on
# 127.0.0.1 unprivileged UDP ports.
#
#   30-snmp.sh up [--snmpsim-agents N] [--snmpd-instances N]
#   30-snmp.sh down | status
#
# snmpd: v1/v2c community, v3 users at every security level with the
# auth/priv protocols this net-snmp build supports (createUser lines in
# the instance's own persistent dir).  Extra instances (bench) are plain
# v2c agents on their own ports.
# snmpsimd: the example recordings shipped with Debian's snmpsim, a
# recording made here of the lab snmpd, a counter that wraps fast, and N
# more communities ("agent0".."agentN-1") each serving the ifTable/
# ifXTable part of cisco_16_switch, so one process looks like many agents.
#
# State: $LAB_DIR/snmp/ (configs, pids, logs); inventory fragment:
# $LAB_DIR/inv/snmp.ini.  `down` stops exactly the pids `up` recorded.
set -eu
: "${LAB_DIR:?run through tests/lab/lab}"
D=$LAB_DIR/snmp
INV=$LAB_DIR/inv/snmp.ini
EX=/usr/share/doc/snmpsim/examples/data
# Secrets of the lab only (loopback agents, never used anywhere else).
COMM=netrun-lab-ro
RWCOMM=netrun-lab-rw
AUTHPASS=netrun-auth-pass
PRIVPASS=netrun-priv-pass

free_port() {  # first UDP port >= $1 nobody listens on
    local p=$1
    while ss -Hlun "sport = :$p" 2>/dev/null | grep -q .; do
        p=$((p + 1))
    done
    echo "$p"
}

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Wait (bounded) until an agent answers a GET of sysUpTime.0.
wait_agent() {  # port community seconds
    local i
    for i in $(seq $(($3 * 5))); do
        if snmpget -v2c -c "$2" -t 0.5 -r 0 -On "127.0.0.1:$1" \
            1.3.6.1.2.1.1.3.0 >/dev/null 2>&1; then
            return 0
        fi
        sleep 0.2
    done
    return 1
}

# v3 users: name auth priv (protocols as snmpd's createUser spells them)
USERS="nr-noauth - -
nr-md5 MD5 -
nr-sha SHA -
nr-sha224 SHA-224 -
nr-sha256 SHA-256 -
nr-sha384 SHA-384 -
nr-sha512 SHA-512 -
nr-md5-des MD5 DES
nr-sha-aes SHA AES
nr-sha256-aes SHA-256 AES
nr-sha512-aes192 SHA-512 AES-192
nr-sha512-aes256 SHA-512 AES-256"

start_snmpd() {  # name port full(1|0)
    local dir=$D/$1 port=$2 full=$3
    mkdir -p "$dir/persist"
    rm -rf "${dir:?}/persist"; mkdir -p "$dir/persist"; : > "$dir/persist/snmpd.conf"
    {
        echo "agentaddress udp:127.0.0.1:$port"
        echo "rocommunity $COMM 127.0.0.1"
        echo "rwcommunity $RWCOMM 127.0.0.1 .1.3.6.1.2.1.1"
        echo "sysLocation netrun lab"
        echo "sysName $1"
        echo "sysServices 72"
        echo "dontLogTCPWrappersConnects yes"
        # only what the tests and the bench read: no disk/proc scans
        echo "view all included .1"
        if [ "$full" = 1 ]; then
            echo "$USERS" | while read -r u a p; do
                lvl=priv
                [ "$p" = - ] && lvl=auth
                [ "$a" = - ] && lvl=noauth
                echo "rouser -s usm $u $lvl"
            done
        fi
    } > "$dir/snmpd.conf"
    if [ "$full" = 1 ]; then
        echo "$USERS" | while read -r u a p; do
            line="createUser $u"
            [ "$a" != - ] && line="$line $a $AUTHPASS"
            [ "$p" != - ] && line="$line $p $PRIVPASS"
            echo "$line"
        done > "$dir/persist/snmpd.conf"
    fi
    # -C: only our config; -Lf: log to our file; own persistent dir so the
    # machine's /var/lib/snmp is never touched.
    SNMP_PERSISTENT_DIR=$dir/persist MIBS= MIBDIRS=/nonexistent \
        snmpd -C -c "$dir/snmpd.conf,$dir/persist/snmpd.conf" -Lf "$dir/snmpd.log" \
        -p "$dir/snmpd.pid" -I -smux,mteTrigger,mteTriggerConf
    for _ in $(seq 50); do
        [ -s "$dir/snmpd.pid" ] && break
        sleep 0.1
    done
    wait_agent "$port" "$COMM" 10 || {
        echo "snmp: snmpd $1 does not answer on $port" >&2; return 1; }
}

up() {
    local agents=20 inst=0 base
    while [ $# -gt 0 ]; do
        case $1 in
            --snmpsim-agents) agents=$2; shift 2 ;;
            --snmpd-instances) inst=$2; shift 2 ;;
            *) shift ;;
        esac
    done
    command -v snmpd >/dev/null && command -v snmpsimd >/dev/null || {
        echo "snmp: needs snmpd, snmp and snmpsim (make deps)" >&2; return 1; }
    if alive "$D/snmpd/snmpd.pid"; then
        echo "snmp: already up" >&2; return 0
    fi
    mkdir -p "$D" "$LAB_DIR/inv"
    base=$(free_port "${NR_LAB_SNMP_PORT:-16161}")
    start_snmpd snmpd "$base" 1
    echo "$base" > "$D/snmpd.port"
    : > "$D/extra.ports"
    local p=$((base + 1)) i
    for i in $(seq 0 $((inst - 1))); do
        p=$(free_port "$p")
        start_snmpd "snmpd$i" "$p" 0
        echo "snmpd$i $p" >> "$D/extra.ports"
        p=$((p + 1))
    done

    # snmpsim data: shipped examples, our recording, wrap, N agents.
    local data=$D/sim/data cache=$D/sim/cache sport
    rm -rf "$D/sim"
    mkdir -p "$data" "$cache"
    cp -r "$EX/recorded" "$EX/mib2dev" "$data/"
    cp "$EX/bgp.snmprec" "$data/"
    zcat "$EX/cisco_16_switch.snmprec.gz" > "$data/cisco_16_switch.snmprec"
    zcat "$EX/public.snmprec.gz" > "$data/public.snmprec"
    snmprec --agent-udpv4-endpoint="127.0.0.1:$base" --protocol-version=2c \
        --community="$COMM" --start-oid=1.3.6.1.2.1.1 \
        --stop-oid=1.3.6.1.2.1.32 --output-file="$data/labsnmpd.snmprec" \
        >"$D/snmprec.log" 2>&1 || {
        echo "snmp: snmprec of the lab snmpd failed" >&2; return 1; }
    {
        echo "1.3.6.1.2.1.1.1.0|4|netrun counter wrap"
        echo "1.3.6.1.2.1.1.3.0|67|123456"
        # +2e9 per second: a Counter32 wraps about every 2.1 s
        echo "1.3.6.1.2.1.2.2.1.10.1|65:numeric|min=0,max=4294967295,rate=2000000000,wrap=1,initial=1"
        echo "1.3.6.1.2.1.31.1.1.1.6.1|70:numeric|rate=1000000,initial=5"
    } > "$data/wrap.snmprec"
    grep -E '^1\.3\.6\.1\.2\.1\.(1\.|2\.2\.1\.|31\.1\.1\.1\.)' \
        "$data/cisco_16_switch.snmprec" > "$D/sim/agent.snmprec"
    mkdir -p "$data/agents"
    for i in $(seq 0 $((agents - 1))); do
        cp "$D/sim/agent.snmprec" "$data/agents/agent$i.snmprec"
    done
    chown -R nobody:nogroup "$D/sim"
    sport=$(free_port $((p + 1)))
    # Started as root it must drop to a user that owns its cache dir.
    setsid snmpsimd --data-dir="$data" --cache-dir="$cache" \
        --agent-udpv4-endpoint="127.0.0.1:$sport" \
        --process-user=nobody --process-group=nogroup \
        --logging-method=null \
        </dev/null >/dev/null 2>&1 &
    echo $! > "$D/snmpsimd.pid"
    echo "$sport" > "$D/snmpsim.port"
    # It indexes every recording before it answers: wait, bounded.
    wait_agent "$sport" "agents/agent$((agents - 1))" 120 || {
        echo "snmp: snmpsimd does not answer on $sport" >&2; return 1; }
    wait_agent "$sport" cisco_16_switch 60 || return 1

    {
        echo "[snmp_agents]"
        echo "lab-snmpd snmp_host=127.0.0.1 snmp_port=$base snmp_version=2c snmp_community=$COMM"
        echo "lab-snmpd-v1 snmp_host=127.0.0.1 snmp_port=$base snmp_version=1 snmp_community=$COMM"
        echo "lab-snmpd-rw snmp_host=127.0.0.1 snmp_port=$base snmp_version=2c snmp_community=$RWCOMM"
        echo "$USERS" | while read -r u a pp; do
            lvl=authPriv
            [ "$pp" = - ] && lvl=authNoPriv
            [ "$a" = - ] && lvl=noAuthNoPriv
            printf 'lab-v3-%s snmp_host=127.0.0.1 snmp_port=%s snmp_version=3 snmp_user=%s snmp_sec_level=%s' \
                "${u#nr-}" "$base" "$u" "$lvl"
            [ "$a" != - ] && printf ' snmp_auth_proto=%s snmp_auth_pass=%s' "$a" "$AUTHPASS"
            [ "$pp" != - ] && printf ' snmp_priv_proto=%s snmp_priv_pass_env=NR_LAB_SNMP_PRIV' "$pp"
            echo
        done
        echo
        echo "[snmpsim]"
        for c in cisco_16_switch public bgp labsnmpd wrap recorded/linux-full-walk \
                 recorded/winxp-full-walk mib2dev/host-resources-mib; do
            echo "sim-${c##*/} snmp_host=127.0.0.1 snmp_port=$sport snmp_community=$c"
        done
        echo
        echo "[snmpsim_agents]"
        for i in $(seq 0 $((agents - 1))); do
            echo "sim-agent$i snmp_host=127.0.0.1 snmp_port=$sport snmp_community=agents/agent$i"
        done
        if [ "$inst" -gt 0 ]; then
            echo
            echo "[snmpd_instances]"
            while read -r n pp; do
                echo "lab-$n snmp_host=127.0.0.1 snmp_port=$pp snmp_community=$COMM"
            done < "$D/extra.ports"
        fi
        echo
        echo "[snmp:children]"
        echo "snmp_agents"
        echo "snmpsim"
        echo "snmpsim_agents"
        [ "$inst" -gt 0 ] && echo "snmpd_instances"
        echo
        echo "[snmp:vars]"
        echo "snmp_version=2c"
        echo "snmp_timeout=2"
        echo "snmp_retries=1"
    } > "$INV.tmp"
    mv -f "$INV.tmp" "$INV"
    # the priv passphrase comes from the environment (snmp_priv_pass_env)
    echo "$PRIVPASS" > "$D/priv.pass"
    echo "snmp: snmpd on 127.0.0.1:$base (+$inst), snmpsimd on 127.0.0.1:$sport ($agents agents)" >&2
}

stop_pid() {  # pidfile
    local f=$1 pid
    [ -f "$f" ] || return 0
    pid=$(cat "$f")
    if kill -0 "$pid" 2>/dev/null; then
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    fi
    rm -f "$f"
}

down() {
    local f
    stop_pid "$D/snmpsimd.pid"
    for f in "$D"/*/snmpd.pid; do
        [ -e "$f" ] && stop_pid "$f"
    done
    rm -f "$INV"
}

status() {
    local rc=0 f
    for f in "$D/snmpd/snmpd.pid" "$D/snmpsimd.pid"; do
        if alive "$f"; then
            echo "snmp: $(basename "$f" .pid) running (pid $(cat "$f"))"
        else
            echo "snmp: $(basename "$f" .pid) not running"; rc=1
        fi
    done
    return $rc
}

action=${1:-}
shift || true
case $action in
    up) up "$@" ;;
    down) down ;;
    status) status ;;
    *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
