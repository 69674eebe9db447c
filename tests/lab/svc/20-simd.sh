#!/usr/bin/env bash
# Many simulated devices in one process (build/lab/simd, libssh server)
# for benchmarks.  Starts only for `lab up --devices N` with N above the
# sshd set (14 devices), or `lab up --backend simd [--devices N]`
# (default 100 devices).
#
#   20-simd.sh up [--devices N] [--backend ssh|simd] | down | status
#
# One port on 127.0.0.1; the login name picks the device: dev0001..devN,
# platforms round-robin.  State in $LAB_DIR/simd.run (pid, log, seed, port),
# inventory part $LAB_DIR/inv/simd.ini.
set -eu
: "${SRC:?run through tests/lab/lab}" "${LAB_DIR:?}" "${BUILD:?}"
# shellcheck source=tests/lab/svc/common.bash
. "$SRC/tests/lab/svc/common.bash"

D=$LAB_DIR/simd.run   # (build/lab/simd is the program)
SIMD=$BUILD/lab/simd
SSH_SET=14           # devices the sshd backend serves
TTL=${NR_LAB_TTL:-14400}
PLATFORMS=(cisco_ios cisco_nxos cisco_xr arista_eos juniper_junos)

simd_pid() {
    local p
    p=$(cat "$D/simd.pid" 2>/dev/null) || return 1
    [ -n "$p" ] && kill -0 "$p" 2>/dev/null && echo "$p"
}

up() {
    local n port seed try
    lab_parse_args "$@"
    [ "$LAB_BACKEND" = ssh ] && return 0
    if [ "$LAB_BACKEND" != simd ] && { [ -z "$LAB_DEVICES" ] || [ "$LAB_DEVICES" -le $SSH_SET ]; }; then
        return 0
    fi
    n=${LAB_DEVICES:-100}
    [ "$n" -ge 1 ] && [ "$n" -le 100000 ] || { echo "simd: --devices 1..100000" >&2; return 2; }
    if [ ! -x "$SIMD" ] || [ -n "$(find "$SRC/tests/lab" -newer "$SIMD" -name '*.[ch]' 2>/dev/null | head -1)" ]; then
        make -s -C "$SRC" BUILD="$BUILD" lab-build >&2
    fi
    down >/dev/null 2>&1 || :
    lab_keys
    mkdir -p "$D" "$LAB_DIR/inv"
    seed=$(od -An -N5 -tx1 /dev/urandom | tr -d ' \n')
    (umask 077; echo "$seed" > "$D/seed")
    for try in 1 2 3 4 5; do
        port=$(lab_free_port 30000 39999)
        : > "$D/simd.log"
        setsid timeout --kill-after=10 "$TTL" "$SIMD" --port "$port" --devices "$n" \
            --hostkey "$LAB_DIR/ssh/ssh_host_ed25519_key" --hostkey "$LAB_DIR/ssh/ssh_host_rsa_key" \
            --authorized-key "$LAB_DIR/ssh/id_ed25519.pub" --seed-file "$D/seed" \
            --pidfile "$D/simd.pid" --lifetime "$TTL" --max-sessions 4000 \
            </dev/null >>"$D/simd.log" 2>&1 &
        echo $! > "$D/wrapper.pid"
        if lab_wait_ssh 127.0.0.1 "$port" 10; then
            break
        fi
        kill "$(cat "$D/wrapper.pid")" 2>/dev/null || :
        grep -q 'cannot listen' "$D/simd.log" || { echo "simd: did not start:" >&2; tail -5 "$D/simd.log" >&2; return 1; }
        port=
    done
    [ -n "$port" ] || { echo "simd: no free port" >&2; return 1; }
    echo "$port" > "$D/port"
    # known_hosts: 127.0.0.1 only (simd listens on IPv4)
    lab_known_hosts "$port" | grep '^\[127' > "$D/known_hosts.part"
    awk -v n="$n" -v s="$seed" 'BEGIN { for (i = 1; i <= n; i++) printf "Nr-dev%04d-%s\n", i, s }' > "$D/secrets.part"
    lab_join_parts
    awk -v n="$n" -v s="$seed" -v port="$port" -v key="$LAB_DIR/ssh/id_ed25519" \
        -v plats="${PLATFORMS[*]}" '
        BEGIN {
            np = split(plats, p, " ")
            printf "# netrun lab: simd (libssh) on 127.0.0.1:%d, %d devices (tests/lab/svc/20-simd.sh)\n", port, n
            for (g = 1; g <= np; g++) {
                printf "[%s]\n", p[g]
                for (i = g; i <= n; i += np)
                    printf "dev%04d host=127.0.0.1 port=%d user=dev%04d password=Nr-dev%04d-%s key_file=%s platform=%s\n", i, port, i, i, s, key, p[g]
                printf "\n"
            }
            printf "[simd:children]\n"
            for (g = 1; g <= np; g++) printf "%s\n", p[g]
            printf "\n"
        }' > "$LAB_DIR/inv/simd.ini.tmp"
    chmod 600 "$LAB_DIR/inv/simd.ini.tmp"
    mv -f "$LAB_DIR/inv/simd.ini.tmp" "$LAB_DIR/inv/simd.ini"
    echo "simd: pid $(simd_pid) on 127.0.0.1:$port, $n devices" >&2
}

down() {
    lab_stop "$D" simd.pid
    rm -f "$LAB_DIR/inv/simd.ini"
    [ -d "$LAB_DIR" ] && lab_join_parts
    return 0
}

status() {
    local pid
    if pid=$(simd_pid); then
        echo "simd: pid $pid on port $(cat "$D/port" 2>/dev/null), $(ls /proc/"$pid"/task | wc -l) threads"
    else
        echo "simd: not running"
    fi
}

lab_main "$@"
