#!/usr/bin/env bash
# A second, small OpenSSH sshd that only offers keyboard-interactive,
# answered through PAM, for the client's keyboard-interactive login.
# OpenSSH names its PAM service after the program, so a symlink
# nrlab-kbd-sshd -> /usr/sbin/sshd gets its own minimal stack in
# /etc/pam.d/nrlab-kbd-sshd (pam_unix for the password, nothing else)
# and the system's sshd stack is not touched.
#
#   15-kbd.sh up | down | status
#
# One user, nrlab-kbd1 (password from lab_password), a /bin/sh account
# reached on exec channels: inventory group [kbd], platform linux.
set -eu
: "${SRC:?run through tests/lab/lab}" "${LAB_DIR:?}" "${BUILD:?}"
# shellcheck source=tests/lab/svc/common.bash
. "$SRC/tests/lab/svc/common.bash"

D=$LAB_DIR/kbd
USER_=nrlab-kbd1
PAM=/etc/pam.d/nrlab-kbd-sshd
TTL=${NR_LAB_TTL:-14400}

kbd_pid() {
    local p
    p=$(cat "$D/sshd.pid" 2>/dev/null) || return 1
    [ -n "$p" ] && kill -0 "$p" 2>/dev/null && echo "$p"
}

up() {
    local port try pw
    lab_parse_args "$@"
    [ "$LAB_BACKEND" = simd ] && return 0
    [ -x /usr/sbin/sshd ] || { echo "kbd: /usr/sbin/sshd missing (make deps)" >&2; return 1; }
    down >/dev/null 2>&1 || :
    lab_keys
    mkdir -p "$D" "$LAB_DIR/inv" /run/sshd
    chmod 755 "$D"
    if [ ! -f "$PAM" ] || ! grep -q netrun "$PAM"; then
        printf '%s\n' "# netrun lab (tests/lab/svc/15-kbd.sh): password questions only" \
            "auth     required pam_unix.so" "account  required pam_permit.so" \
            "session  required pam_permit.so" "password required pam_deny.so" > "$PAM"
    fi
    if ! id "$USER_" >/dev/null 2>&1; then
        useradd -M -d /var/lib/netrun-lab/home/"$USER_" -s /bin/sh -c "netrun lab kbd" -U "$USER_"
    fi
    mkdir -p /var/lib/netrun-lab/home/"$USER_"
    chown "$USER_:$USER_" /var/lib/netrun-lab/home/"$USER_"
    pw=$(lab_password kbd1 login)
    echo "$USER_:$pw" | chpasswd
    ln -sf /usr/sbin/sshd "$D/nrlab-kbd-sshd"
    for try in 1 2 3 4 5; do
        port=$(lab_free_port 20000 29999)
        printf '%s\n' "# netrun lab kbd sshd; loopback only" "Port $port" \
            "ListenAddress 127.0.0.1" \
            "HostKey $LAB_DIR/ssh/ssh_host_ed25519_key" "PidFile $D/sshd.pid" \
            "UsePAM yes" "KbdInteractiveAuthentication yes" \
            "PasswordAuthentication no" "PubkeyAuthentication no" \
            "PermitRootLogin no" "AllowUsers $USER_" "StrictModes no" \
            "UseDNS no" "PrintMotd no" "X11Forwarding no" \
            "AllowTcpForwarding no" "LoginGraceTime 20" > "$D/sshd_config"
        : > "$D/sshd.log"
        setsid timeout --kill-after=10 "$TTL" "$D/nrlab-kbd-sshd" -D \
            -f "$D/sshd_config" -E "$D/sshd.log" </dev/null >/dev/null 2>&1 &
        echo $! > "$D/wrapper.pid"
        if lab_wait_ssh 127.0.0.1 "$port" 10; then
            break
        fi
        kill "$(cat "$D/wrapper.pid")" 2>/dev/null || :
        port=
    done
    [ -n "$port" ] || { echo "kbd: sshd did not start:" >&2; tail -5 "$D/sshd.log" >&2; return 1; }
    lab_known_hosts "$port" | grep '^\[127' | grep ed25519 > "$D/known_hosts.part"
    echo "$pw" > "$D/secrets.part"
    lab_join_parts
    printf '%s\n' "# netrun lab: keyboard-interactive only sshd on 127.0.0.1:$port (tests/lab/svc/15-kbd.sh)" \
        "[kbd]" "kbd1 host=127.0.0.1 port=$port user=$USER_ password=$pw platform=linux" "" \
        > "$LAB_DIR/inv/kbd.ini.tmp"
    chmod 600 "$LAB_DIR/inv/kbd.ini.tmp"
    mv -f "$LAB_DIR/inv/kbd.ini.tmp" "$LAB_DIR/inv/kbd.ini"
    echo "kbd: sshd (keyboard-interactive via PAM) on 127.0.0.1:$port" >&2
}

down() {
    lab_stop "$D" sshd.pid
    rm -f "$LAB_DIR/inv/kbd.ini"
    lab_join_parts
}

status() {
    local p
    if p=$(kbd_pid); then
        echo "kbd: sshd pid $p"
    else
        echo "kbd: not running"
        return 1
    fi
}

lab_main "$@"
