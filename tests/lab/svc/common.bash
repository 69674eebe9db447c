# Helpers shared by the SSH lab services (sourced, not run: the
# dispatcher only runs svc/*.sh).  Needs SRC, BUILD and LAB_DIR.

# Arguments every service receives; unknown ones belong to other services.
LAB_DEVICES=
LAB_BACKEND=
lab_parse_args() {
    while [ $# -gt 0 ]; do
        case $1 in
            --devices) LAB_DEVICES=${2:?--devices needs a number}; shift 2 ;;
            --devices=*) LAB_DEVICES=${1#--devices=}; shift ;;
            --backend) LAB_BACKEND=${2:?--backend needs ssh or simd}; shift 2 ;;
            --backend=*) LAB_BACKEND=${1#--backend=}; shift ;;
            *) shift ;;
        esac
    done
    case $LAB_DEVICES in ''|*[!0-9]*) [ -z "$LAB_DEVICES" ] || { echo "lab: --devices needs a number" >&2; return 2; } ;; esac
    case $LAB_BACKEND in ''|ssh|simd) ;; *) echo "lab: --backend is ssh or simd" >&2; return 2 ;; esac
}

# The lab's keys, made once and kept: host keys (ed25519, rsa) and the
# client key every key-auth device accepts.
lab_keys() {
    local d=$LAB_DIR/ssh t
    mkdir -p "$d"
    for t in ed25519 rsa; do
        [ -f "$d/ssh_host_${t}_key" ] || ssh-keygen -q -t $t -N '' -C "netrun-lab-host" -f "$d/ssh_host_${t}_key"
    done
    [ -f "$d/id_ed25519" ] || ssh-keygen -q -t ed25519 -N '' -C "netrun-lab-client" -f "$d/id_ed25519"
    chmod 600 "$d"/ssh_host_*_key "$d/id_ed25519"
}

# A port nobody listens on, from a range of unprivileged ports.
lab_free_port() {
    local lo=$1 hi=$2 p tries=0 used
    used=$(ss -Htln 2>/dev/null | awk '{print $4}' | sed 's/.*://' | sort -u)
    while [ $tries -lt 200 ]; do
        p=$((lo + RANDOM % (hi - lo)))
        if ! printf '%s\n' "$used" | grep -qx "$p"; then
            echo "$p"; return 0
        fi
        tries=$((tries + 1))
    done
    return 1
}

# Wait (at most $3 s) until an SSH server answers on host $1 port $2
# with its version banner.
lab_wait_ssh() {
    local host=$1 port=$2 limit=${3:-10} deadline
    deadline=$((SECONDS + limit))
    while [ $SECONDS -le $deadline ]; do
        if timeout 2 bash -c 'exec 3<>"/dev/tcp/$0/$1" && head -c 4 <&3' "$host" "$port" 2>/dev/null | grep -q '^SSH-'; then
            return 0
        fi
        sleep 0.05
    done
    return 1
}

# known_hosts lines for the lab host keys on port $1.
lab_known_hosts() {
    local port=$1 k
    for k in "$LAB_DIR"/ssh/ssh_host_ed25519_key.pub "$LAB_DIR"/ssh/ssh_host_rsa_key.pub; do
        printf '[127.0.0.1]:%s %s\n[::1]:%s %s\n' "$port" "$(cut -d' ' -f1,2 "$k")" "$port" "$(cut -d' ' -f1,2 "$k")"
    done
}

# $LAB_DIR/known_hosts and $LAB_DIR/secrets.txt are joined from the parts
# each service writes, so services come and go independently.
lab_join_parts() {
    cat "$LAB_DIR"/*/known_hosts.part > "$LAB_DIR/known_hosts.tmp" 2>/dev/null || :
    mv -f "$LAB_DIR/known_hosts.tmp" "$LAB_DIR/known_hosts"
    cat "$LAB_DIR"/*/secrets.part > "$LAB_DIR/secrets.txt.tmp" 2>/dev/null || :
    chmod 600 "$LAB_DIR/secrets.txt.tmp"
    mv -f "$LAB_DIR/secrets.txt.tmp" "$LAB_DIR/secrets.txt"
}

# Pids of $1 and all its descendants (children first listed last).
lab_tree() {
    local pid=$1 c
    echo "$pid"
    for c in $(ps -o pid= --ppid "$pid" 2>/dev/null); do
        lab_tree "$c"
    done
}

# Stop the processes listed (pids): TERM, then KILL what is left after
# a bounded wait.
lab_kill_pids() {
    local p left i
    [ $# -gt 0 ] || return 0
    kill -TERM "$@" 2>/dev/null || :
    for i in $(seq 1 50); do
        left=
        for p in "$@"; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
        [ -z "$left" ] && return 0
        sleep 0.1
    done
    # shellcheck disable=SC2086
    kill -KILL $left 2>/dev/null || :
}

# A device's lab password: distinct per device and the same in every
# worktree, so two labs on one machine never fight over the users.
lab_password() {
    printf '%s-%s-%s' "$( [ "$2" = enable ] && echo En || echo Nr)" "$1" "$(printf 'netrun-lab:%s:%s' "$2" "$1" | sha256sum | cut -c1-10)"
}

# Stop a daemon of this lab: the process tree below the pid in $1/$2
# (for sshd, the connections and devices live on below the listener)
# and its `timeout` wrapper in $1/wrapper.pid; drop its parts.
lab_stop() {
    local dir=$1 pid wrapper pids
    pid=$(cat "$dir/$2" 2>/dev/null) || pid=
    if [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; then
        pids=$(lab_tree "$pid")
        # shellcheck disable=SC2086
        lab_kill_pids $pids
    fi
    wrapper=$(cat "$dir/wrapper.pid" 2>/dev/null) || wrapper=
    if [ -n "$wrapper" ] && kill -0 "$wrapper" 2>/dev/null; then
        lab_kill_pids "$wrapper"
    fi
    rm -f "$dir/$2" "$dir/wrapper.pid" "$dir/known_hosts.part" "$dir/secrets.part"
}

# The service scripts' entry: up|down|status to the functions they define.
lab_main() {
    local action=${1:-}
    [ $# -gt 0 ] && shift
    case $action in
        up) up "$@" ;;
        down) down ;;
        status) status ;;
        *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
    esac
}
