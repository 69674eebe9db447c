#!/usr/bin/env bash
# The project's own templates (templates/parse) chosen through their
# index as a user would (--platform and --command, abbreviated too):
# every fixture under tests/fixtures/parse gives exactly its checked
# JSON, and every raw output of those commands in the conformance
# corpus (when ../shared is there) parses to records.
cd "$(dirname "$0")/../.."
. tests/integration/lib.sh
NP=$BIN/netparse
TPL=templates/parse
FIX=tests/fixtures/parse
CORPUS=$(git rev-parse --show-toplevel 2>/dev/null)/../shared/conformance/ntc/cases

# platform, fixture/corpus folder, command as typed
commands() {
    cat <<'T'
cisco_ios	show_version	show version
cisco_ios	show_interfaces	show interfaces
cisco_ios	show_ip_interface_brief	show ip interface brief
cisco_ios	show_inventory	show inventory
cisco_ios	show_cdp_neighbors	show cdp neighbors
cisco_ios	show_lldp_neighbors	show lldp neighbors
cisco_ios	show_ip_arp	show ip arp
cisco_ios	show_ip_route_summary	show ip route summary
cisco_ios	show_clock	show clock
cisco_nxos	show_version	show version
cisco_nxos	show_interface	show interface
cisco_nxos	show_ip_interface_brief	show ip interface brief
cisco_nxos	show_inventory	show inventory
cisco_nxos	show_cdp_neighbors	show cdp neighbors
cisco_nxos	show_lldp_neighbors	show lldp neighbors
cisco_nxos	show_ip_arp	show ip arp
cisco_xr	show_version	show version
cisco_xr	show_interfaces	show interfaces
cisco_xr	show_ip_interface_brief	show ip interface brief
cisco_xr	show_inventory	show inventory
cisco_xr	show_lldp_neighbors	show lldp neighbors
cisco_xr	show_arp	show arp
cisco_xr	show_cdp_neighbors_detail	show cdp neighbors detail
arista_eos	show_version	show version
arista_eos	show_interfaces	show interfaces
arista_eos	show_ip_interface_brief	show ip interface brief
arista_eos	show_inventory	show inventory
arista_eos	show_lldp_neighbors	show lldp neighbors
arista_eos	show_ip_arp	show ip arp
juniper_junos	show_version	show version
juniper_junos	show_interfaces	show interfaces
juniper_junos	show_chassis_hardware	show chassis hardware
juniper_junos	show_lldp_neighbors	show lldp neighbors
juniper_junos	show_arp_no-resolve	show arp no-resolve
juniper_junos	show_route_summary	show route summary
linux	ip_address_show	ip address show
linux	ip_route_show	ip route show
linux	uname_-a	uname -a
T
}

while IFS=$'\t' read -r plat dir cmd; do
    raw=$FIX/$plat/$dir.raw
    want=$FIX/$plat/$dir.json
    got=$(timeout 10 "$NP" --templates "$TPL" -p "$plat" -c "$cmd" -f json "$raw" 2>&1)
    if [ "$got" = "$(cat "$want")" ]; then
        t_ok "fixture $plat: $cmd"
    else
        t_fail "fixture $plat: $cmd" "$(diff <(printf '%s\n' "$got" | sed 's/}, {/},\n{/g') <(sed 's/}, {/},\n{/g' "$want") | head -20)"
    fi
done < <(commands)

# Abbreviations select the same template as the full command.
check_same() {  # platform full short fixture
    local a b
    a=$("$NP" --templates "$TPL" -p "$1" -c "$2" -f json "$FIX/$1/$4.raw" 2>&1)
    b=$("$NP" --templates "$TPL" -p "$1" -c "$3" -f json "$FIX/$1/$4.raw" 2>&1)
    t_check "'$3' selects the template of '$2' ($1)" [ -n "$a" ] && [ "$a" = "$b" ]
}
check_same cisco_ios "show ip interface brief" "sh ip int br" show_ip_interface_brief
check_same cisco_ios "show version" "sh ver" show_version
check_same cisco_nxos "show interface" "sh int" show_interface
check_same cisco_xr "show ipv4 interface brief" "show ip int brief" show_ip_interface_brief
check_same juniper_junos "show chassis hardware" "sh ch h" show_chassis_hardware
check_same linux "ip address show" "ip a" ip_address_show
check_same linux "ip route show" "ip r" ip_route_show
out=$("$NP" --templates "$TPL" -p cisco_ios -c "show running-config" "$FIX/cisco_ios/show_version.raw" 2>&1)
t_check "a command without a template is a usage error" [ $? -ne 0 ]

# Found without --templates: from a build tree the source tree's
# templates/parse is on the search path.
got=$(cd "$T_TMP" && env -u NETRUN_TEMPLATES "$OLDPWD/$NP" -p cisco_ios -c "sh ip int br" -f json "$OLDPWD/$FIX/cisco_ios/show_ip_interface_brief.raw" 2>&1)
t_check "default search path finds templates/parse" [ "$got" = "$(cat "$FIX/cisco_ios/show_ip_interface_brief.json")" ]

# Every raw output of these commands in the corpus: exit 0, records,
# and a first column that is not always empty.
if [ -d "$CORPUS" ]; then
    while IFS=$'\t' read -r plat dir cmd; do
        for raw in "$CORPUS/$plat/$dir"/*.raw; do
            [ -f "$raw" ] || continue
            got=$(timeout 10 "$NP" --templates "$TPL" -p "$plat" -c "$cmd" -f csv "$raw" 2>&1)
            rc=$?
            n=$(printf '%s\n' "$got" | tail -n +2 | grep -c .)
            first=$(printf '%s\n' "$got" | tail -n +2 | cut -d, -f1 | grep -c .)
            if [ $rc -eq 0 ] && [ "$n" -gt 0 ] && [ "$first" -gt 0 ]; then
                t_ok "corpus $plat/$dir/$(basename "$raw" .raw): $n records"
            else
                t_fail "corpus $plat/$dir/$(basename "$raw" .raw)" "$got"
            fi
        done
    done < <(commands)
else
    echo "skip: no conformance corpus at $CORPUS"
fi
t_done
