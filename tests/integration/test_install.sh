#!/usr/bin/env bash
# make install / uninstall into a DESTDIR: everything lands where the
# FHS says, an installed tool runs, a program builds against the
# installed header and pkg-config file, and uninstall leaves nothing.
. "$(dirname "$0")/lib.sh"
cd "$(dirname "$0")/../.."
D=$T_TMP/dest
P=/usr/local
make -s install DESTDIR="$D" PREFIX=$P BUILD="${NR_BUILD:-build}" >"$T_TMP/inst.log" 2>&1
t_check "make install exits 0" test $? = 0
for f in bin/netrun bin/netinv bin/netparse include/netrun.h lib/libnetrun.a \
         lib/pkgconfig/netrun.pc share/man/man1/netrun.1 \
         share/man/man5/netrun-platform.5 share/man/man5/netrun-inventory.5 \
         share/netrun/templates/platforms/cisco_ios.conf; do
    t_check "installed $f" test -e "$D$P/$f"
done
t_check "libnetrun.so symlink chain" test -L "$D$P/lib/libnetrun.so"
t_check "installed netrun runs from its prefix" \
    sh -c "'$D$P/bin/netrun' --version | grep -q '^netrun '"
cat > "$T_TMP/prog.c" <<'C'
#include <netrun.h>
#include <stdio.h>
int main(void) { printf("%s\n", nr_version()); return 0; }
C
cflags=$(PKG_CONFIG_SYSROOT_DIR= PKG_CONFIG_PATH="$D$P/lib/pkgconfig" pkg-config --cflags netrun | sed "s|-I$P|-I$D$P|")
# An instrumented library (make asan) needs an instrumented program.
san=
if nm -D "$D$P/lib/libnetrun.so" 2>/dev/null | grep -q __asan_init; then
    san="-fsanitize=address,undefined"
fi
t_check "a program builds and runs against the installed library" \
    sh -c "cc $san $cflags '$T_TMP/prog.c' -o '$T_TMP/prog' -L'$D$P/lib' -lnetrun -Wl,-rpath,'$D$P/lib' && '$T_TMP/prog' | grep -q ."
make -s uninstall DESTDIR="$D" PREFIX=$P >>"$T_TMP/inst.log" 2>&1
left=$(find "$D" -type f | wc -l)
t_check "uninstall removes every file ($left left)" test "$left" = 0
t_done
