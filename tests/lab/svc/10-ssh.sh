#!/usr/bin/env bash
# The SSH lab on a real OpenSSH sshd: one lab user per simulated device,
# whose forced command is build/lab/labsim with that device's file.
#
#   10-ssh.sh up [--devices N] [--backend ssh|simd]   (run by tests/lab/lab)
#   10-ssh.sh down | status
#
# State in $LAB_DIR/ssh: host and client keys, sshd_config, sshd.pid,
# sshd.log, devices/<dev>.conf, state/<dev>/ (each device's running
# config), inventory part $LAB_DIR/inv/ssh.ini.  Users nrlab-<dev> with
# homes in /var/lib/netrun-lab/home are made once and kept; `down` stops
# sshd and every process it spawned, by pid.
set -eu
: "${SRC:?run through tests/lab/lab}" "${LAB_DIR:?}" "${BUILD:?}"
# shellcheck source=tests/lab/svc/common.bash
. "$SRC/tests/lab/svc/common.bash"

D=$LAB_DIR/ssh
SIM=$BUILD/lab/labsim
HOMES=/var/lib/netrun-lab/home
TTL=${NR_LAB_TTL:-14400}   # sshd stops itself after this many seconds

# name platform auth(password|key|both) enable-secret(yes|no) fault
DEVICES="
ios1     cisco_ios     password yes -
ios2     cisco_ios     key      no  -
nxos1    cisco_nxos    password no  -
xr1      cisco_xr      key      no  -
eos1     arista_eos    both     yes -
junos1   juniper_junos password no  -
linux1   linux         both     no  -
slow1    cisco_ios     both     no  slow
hang1    cisco_ios     both     no  hang
drop1    cisco_ios     both     no  drop
huge1    cisco_ios     both     no  huge
garbled1 cisco_nxos    both     no  garbled
nopage1  cisco_ios     both     no  nopage
ansi1    juniper_junos both     no  ansi
"

devices() { printf '%s\n' "$DEVICES" | sed '/^$/d'; }

sshd_pid() {
    local p
    p=$(cat "$D/sshd.pid" 2>/dev/null) || return 1
    [ -n "$p" ] && kill -0 "$p" 2>/dev/null && echo "$p"
}

ensure_user() {  # user auth
    local u=$1 auth=$2 home=$HOMES/$1
    if ! id "$u" >/dev/null 2>&1; then
        useradd -M -d "$home" -s /bin/sh -c "netrun lab device" -U "$u"
    fi
    mkdir -p "$home"
    chown "$u:$u" "$home"
    chmod 755 "$home"
    if [ "$auth" = key ]; then
        # UsePAM is off: sshd refuses locked ('!') accounts, not '*'
        usermod -p '*' "$u"
    fi
}

write_device() {  # name platform enable fault user password
    local name=$1 plat=$2 en=$3 fault=$4 user=$5 f=$D/devices/$1.conf
    mkdir -p "$D/devices" "$D/state/$name"
    rm -f "$D/state/$name/running.cfg"
    chown "$user:$user" "$D/state/$name"
    chmod 700 "$D/state/$name"
    {
        echo "# netrun lab device $name (written by tests/lab/svc/10-ssh.sh)"
        echo "name=$name"
        echo "hostname=$name"
        echo "platform=$plat"
        echo "user=$user"
        echo "state=$D/state/$name/running.cfg"
        [ "$en" = yes ] && echo "enable_secret=$(lab_password "$name" enable)"
        [ "$name" = ios1 ] && echo 'banner=\n*** netrun lab device ios1: authorised access only ***\n'
        if [ "$fault" != - ]; then
            echo "fault=$fault"
            echo "slow_ms=1000"
            echo "hang_s=60"
        fi
    } > "$f.tmp"
    chown "root:$user" "$f.tmp"
    chmod 640 "$f.tmp"
    mv -f "$f.tmp" "$f"
}

up() {
    local port name plat auth en fault user pw try v6=
    lab_parse_args "$@"
    [ "$LAB_BACKEND" = simd ] && return 0
    [ -x /usr/sbin/sshd ] || { echo "ssh: /usr/sbin/sshd missing (make deps)" >&2; return 1; }
    if [ ! -x "$SIM" ] || [ -n "$(find "$SRC/tests/lab" -newer "$SIM" -name '*.[ch]' 2>/dev/null | head -1)" ]; then
        make -s -C "$SRC" BUILD="$BUILD" lab-build >&2
    fi
    down >/dev/null 2>&1 || :
    lab_keys
    mkdir -p "$D" "$HOMES" "$LAB_DIR/inv"
    chmod 755 "$D"
    # The simulator runs as the lab users and reads its device files
    # under $D: every folder above it must let them through.
    if ! su nobody -s /bin/sh -c "test -x '$D'" 2>/dev/null; then
        echo "ssh: $D cannot be reached by the lab users (a folder above it" \
             "is not searchable by others); set NR_LAB_DIR elsewhere" >&2
        return 1
    fi
    cp "$D/id_ed25519.pub" "$D/authorized_keys"
    chmod 644 "$D/authorized_keys"
    # sshd needs privilege separation's empty directory
    mkdir -p /run/sshd && chmod 755 /run/sshd
    ip -6 addr show dev lo 2>/dev/null | grep -q '::1' && v6=yes

    : > "$D/secrets.part"
    : > "$D/match.conf"
    : > "$D/chpasswd"
    chmod 600 "$D/chpasswd"
    while read -r name plat auth en fault; do
        user=nrlab-$name
        ensure_user "$user" "$auth"
        pw=$(lab_password "$name" login)
        if [ "$auth" != key ]; then
            echo "$user:$pw" >> "$D/chpasswd"
            echo "$pw" >> "$D/secrets.part"
        fi
        [ "$en" = yes ] && lab_password "$name" enable >> "$D/secrets.part" && echo >> "$D/secrets.part"
        {
            echo "Match User $user"
            case $auth in
                password) echo "    AuthenticationMethods password" ;;
                key) echo "    AuthenticationMethods publickey" ;;
            esac
            if [ "$plat" != linux ]; then
                write_device "$name" "$plat" "$en" "$fault" "$user"
                echo "    ForceCommand exec $SIM --device $D/devices/$name.conf"
            fi
        } >> "$D/match.conf"
    done < <(devices)
    # one chpasswd for all: each run costs a password hash round anyway
    chpasswd < "$D/chpasswd"
    rm -f "$D/chpasswd"

    for try in 1 2 3 4 5; do
        port=$(lab_free_port 20000 29999)
        write_config "$port" "$v6"
        rm -f "$D/sshd.pid"
        : > "$D/sshd.log"
        setsid timeout --kill-after=10 "$TTL" /usr/sbin/sshd -D -f "$D/sshd_config" -E "$D/sshd.log" \
            </dev/null >/dev/null 2>&1 &
        echo $! > "$D/wrapper.pid"
        if lab_wait_ssh 127.0.0.1 "$port" 10; then
            break
        fi
        kill "$(cat "$D/wrapper.pid")" 2>/dev/null || :
        if ! grep -q 'Address already in use' "$D/sshd.log"; then
            echo "ssh: sshd did not start:" >&2; tail -5 "$D/sshd.log" >&2; return 1
        fi
        port=
    done
    [ -n "$port" ] || { echo "ssh: no free port for sshd" >&2; return 1; }
    echo "$port" > "$D/port"
    lab_known_hosts "$port" > "$D/known_hosts.part"
    lab_join_parts
    write_inventory "$port" "$v6"
    echo "ssh: sshd pid $(sshd_pid) on 127.0.0.1:$port${v6:+ and [::1]:$port}, $(devices | wc -l) devices" >&2
}

write_config() {  # port v6
    {
        echo "# netrun lab sshd (tests/lab/svc/10-ssh.sh); loopback only"
        echo "Port $1"
        echo "ListenAddress 127.0.0.1"
        [ -n "$2" ] && echo "ListenAddress ::1"
        echo "HostKey $D/ssh_host_ed25519_key"
        echo "HostKey $D/ssh_host_rsa_key"
        echo "PidFile $D/sshd.pid"
        echo "LogLevel VERBOSE"
        echo "UsePAM no"
        echo "PermitRootLogin no"
        echo "AllowUsers nrlab-*"
        echo "PasswordAuthentication yes"
        echo "PubkeyAuthentication yes"
        echo "KbdInteractiveAuthentication no"
        echo "AuthorizedKeysFile $D/authorized_keys"
        echo "StrictModes no"
        echo "MaxStartups 2000:90:4000"
        echo "MaxSessions 64"
        echo "MaxAuthTries 10"
        echo "LoginGraceTime 30"
        echo "ClientAliveInterval 30"
        echo "ClientAliveCountMax 4"
        echo "UseDNS no"
        echo "PrintMotd no"
        echo "PrintLastLog no"
        echo "X11Forwarding no"
        echo "AllowTcpForwarding no"
        echo "AllowAgentForwarding no"
        echo "PermitTunnel no"
        echo "PermitUserEnvironment no"
        echo "AcceptEnv LANG LC_*"
        echo "Subsystem sftp internal-sftp"
        cat "$D/match.conf"
        # linux1 doubles as the jump host: it may open channels to the
        # lab's own port on loopback, nowhere else.
        echo "Match User nrlab-linux1"
        echo "    AllowTcpForwarding local"
        echo "    PermitOpen 127.0.0.1:$1 [::1]:$1"
    } > "$D/sshd_config"
    /usr/sbin/sshd -t -f "$D/sshd_config"
}

write_inventory() {  # port v6
    local port=$1 v6=$2 name plat auth en fault user vars g
    {
        echo "# netrun lab: OpenSSH sshd on 127.0.0.1:$port${v6:+ and [::1]:$port} (tests/lab/svc/10-ssh.sh)"
        echo "# known_hosts: $LAB_DIR/known_hosts"
        for g in cisco_ios cisco_nxos cisco_xr arista_eos juniper_junos linux; do
            echo "[$g]"
            while read -r name plat auth en fault; do
                [ "$plat" = "$g" ] || continue
                user=nrlab-$name
                vars="host=127.0.0.1 port=$port user=$user"
                [ "$auth" != key ] && vars="$vars password=$(lab_password "$name" login)"
                [ "$auth" != password ] && vars="$vars key_file=$D/id_ed25519"
                vars="$vars platform=$plat"
                [ "$en" = yes ] && vars="$vars enable_secret=$(lab_password "$name" enable)"
                [ "$fault" != - ] && vars="$vars fault=$fault"
                echo "$name $vars"
                if [ "$name" = ios1 ] && [ -n "$v6" ]; then
                    echo "ios1v6 ${vars/host=127.0.0.1/host=::1}"
                fi
            done < <(devices)
            echo
        done
        echo "[faulty]"
        devices | awk '$5 != "-" {print $1}'
        echo
        echo "[healthy]"
        devices | awk '$5 == "-" {print $1}'
        [ -n "$v6" ] && echo "ios1v6"
        echo
    } > "$LAB_DIR/inv/ssh.ini.tmp"
    chmod 600 "$LAB_DIR/inv/ssh.ini.tmp"
    mv -f "$LAB_DIR/inv/ssh.ini.tmp" "$LAB_DIR/inv/ssh.ini"
}

down() {
    local pids
    lab_stop "$D" sshd.pid
    # devices whose sshd parent died earlier: ours by their device file
    pids=$(pgrep -f "^$SIM --device $D/devices/" || :)
    # shellcheck disable=SC2086
    [ -z "$pids" ] || lab_kill_pids $pids
    rm -f "$LAB_DIR/inv/ssh.ini"
    [ -d "$LAB_DIR" ] && lab_join_parts
    return 0
}

status() {
    local pid n
    if pid=$(sshd_pid); then
        n=$(($(lab_tree "$pid" | wc -l) - 1))
        echo "ssh: sshd pid $pid on port $(cat "$D/port" 2>/dev/null), $n processes below it"
    else
        echo "ssh: not running"
    fi
}

lab_main "$@"
