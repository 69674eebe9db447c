/* mib.c — the built-in name table: the objects people poll, written from
 * the OID assignments of the RFCs (SNMPv2-MIB RFC 3418, IF-MIB RFC 2863,
 * IP-MIB RFC 4293, ENTITY-MIB RFC 6933, HOST-RESOURCES-MIB RFC 2790,
 * BGP4-MIB RFC 4273) and IEEE 802.1AB (LLDP-MIB), so that symbolic names
 * work on a machine without MIB files.  Lookups both ways; no allocation
 * after the one-time index build. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "snmp.h"

#define N NR_MIB_NODE
#define S NR_MIB_SCALAR
#define T NR_MIB_TABLE
#define E NR_MIB_ENTRY
#define C NR_MIB_COLUMN

static const char UPDOWN[] = "1=up,2=down,3=testing,4=unknown,5=dormant,"
                             "6=notPresent,7=lowerLayerDown";
static const char TRUTH[] = "1=true,2=false";
static const char IFTYPE[] =
    "1=other,6=ethernetCsmacd,18=ds1,22=propPointToPointSerial,23=ppp,"
    "24=softwareLoopback,32=frameRelay,33=rs232,37=atm,49=aal5,"
    "53=propVirtual,54=propMultiplexor,62=fastEther,63=isdn,71=ieee80211,"
    "117=gigabitEthernet,131=tunnel,135=l2vlan,136=l3ipvlan,142=ipForward,"
    "150=mplsTunnel,161=ieee8023adLag,166=mpls,209=bridge";
static const char INETTYPE[] = "0=unknown,1=ipv4,2=ipv6,3=ipv4z,4=ipv6z,"
                               "16=dns";

static const struct nr_mib_obj OBJS[] = {
    /* top of the tree */
    { "zeroDotZero", "0.0", N, 0, NULL },
    { "iso", "1", N, 0, NULL },
    { "org", "1.3", N, 0, NULL },
    { "dod", "1.3.6", N, 0, NULL },
    { "internet", "1.3.6.1", N, 0, NULL },
    { "mgmt", "1.3.6.1.2", N, 0, NULL },
    { "mib-2", "1.3.6.1.2.1", N, 0, NULL },
    { "transmission", "1.3.6.1.2.1.10", N, 0, NULL },
    { "private", "1.3.6.1.4", N, 0, NULL },
    { "enterprises", "1.3.6.1.4.1", N, 0, NULL },
    { "snmpV2", "1.3.6.1.6", N, 0, NULL },
    { "snmpModules", "1.3.6.1.6.3", N, 0, NULL },
    /* SNMPv2-MIB: system */
    { "system", "1.3.6.1.2.1.1", N, 0, NULL },
    { "sysDescr", "1.3.6.1.2.1.1.1", S, 'a', NULL },
    { "sysObjectID", "1.3.6.1.2.1.1.2", S, 0, NULL },
    { "sysUpTime", "1.3.6.1.2.1.1.3", S, 0, NULL },
    { "sysContact", "1.3.6.1.2.1.1.4", S, 'a', NULL },
    { "sysName", "1.3.6.1.2.1.1.5", S, 'a', NULL },
    { "sysLocation", "1.3.6.1.2.1.1.6", S, 'a', NULL },
    { "sysServices", "1.3.6.1.2.1.1.7", S, 0, NULL },
    { "sysORLastChange", "1.3.6.1.2.1.1.8", S, 0, NULL },
    { "sysORTable", "1.3.6.1.2.1.1.9", T, 0, NULL },
    { "sysOREntry", "1.3.6.1.2.1.1.9.1", E, 0, NULL },
    { "sysORIndex", "1.3.6.1.2.1.1.9.1.1", C, 0, NULL },
    { "sysORID", "1.3.6.1.2.1.1.9.1.2", C, 0, NULL },
    { "sysORDescr", "1.3.6.1.2.1.1.9.1.3", C, 'a', NULL },
    { "sysORUpTime", "1.3.6.1.2.1.1.9.1.4", C, 0, NULL },
    /* SNMPv2-MIB: snmp group */
    { "snmp", "1.3.6.1.2.1.11", N, 0, NULL },
    { "snmpInPkts", "1.3.6.1.2.1.11.1", S, 0, NULL },
    { "snmpOutPkts", "1.3.6.1.2.1.11.2", S, 0, NULL },
    { "snmpInBadVersions", "1.3.6.1.2.1.11.3", S, 0, NULL },
    { "snmpInBadCommunityNames", "1.3.6.1.2.1.11.4", S, 0, NULL },
    { "snmpInBadCommunityUses", "1.3.6.1.2.1.11.5", S, 0, NULL },
    { "snmpInASNParseErrs", "1.3.6.1.2.1.11.6", S, 0, NULL },
    { "snmpEnableAuthenTraps", "1.3.6.1.2.1.11.30", S, 'e',
      "1=enabled,2=disabled" },
    { "snmpSilentDrops", "1.3.6.1.2.1.11.31", S, 0, NULL },
    { "snmpProxyDrops", "1.3.6.1.2.1.11.32", S, 0, NULL },
    /* SNMP-FRAMEWORK-MIB: the engine */
    { "snmpEngine", "1.3.6.1.6.3.10.2.1", N, 0, NULL },
    { "snmpEngineID", "1.3.6.1.6.3.10.2.1.1", S, 'x', NULL },
    { "snmpEngineBoots", "1.3.6.1.6.3.10.2.1.2", S, 0, NULL },
    { "snmpEngineTime", "1.3.6.1.6.3.10.2.1.3", S, 0, NULL },
    { "snmpEngineMaxMessageSize", "1.3.6.1.6.3.10.2.1.4", S, 0, NULL },
    /* IF-MIB */
    { "interfaces", "1.3.6.1.2.1.2", N, 0, NULL },
    { "ifNumber", "1.3.6.1.2.1.2.1", S, 0, NULL },
    { "ifTable", "1.3.6.1.2.1.2.2", T, 0, NULL },
    { "ifEntry", "1.3.6.1.2.1.2.2.1", E, 0, NULL },
    { "ifIndex", "1.3.6.1.2.1.2.2.1.1", C, 0, NULL },
    { "ifDescr", "1.3.6.1.2.1.2.2.1.2", C, 'a', NULL },
    { "ifType", "1.3.6.1.2.1.2.2.1.3", C, 'e', IFTYPE },
    { "ifMtu", "1.3.6.1.2.1.2.2.1.4", C, 0, NULL },
    { "ifSpeed", "1.3.6.1.2.1.2.2.1.5", C, 0, NULL },
    { "ifPhysAddress", "1.3.6.1.2.1.2.2.1.6", C, 'x', NULL },
    { "ifAdminStatus", "1.3.6.1.2.1.2.2.1.7", C, 'e', "1=up,2=down,3=testing" },
    { "ifOperStatus", "1.3.6.1.2.1.2.2.1.8", C, 'e', UPDOWN },
    { "ifLastChange", "1.3.6.1.2.1.2.2.1.9", C, 0, NULL },
    { "ifInOctets", "1.3.6.1.2.1.2.2.1.10", C, 0, NULL },
    { "ifInUcastPkts", "1.3.6.1.2.1.2.2.1.11", C, 0, NULL },
    { "ifInNUcastPkts", "1.3.6.1.2.1.2.2.1.12", C, 0, NULL },
    { "ifInDiscards", "1.3.6.1.2.1.2.2.1.13", C, 0, NULL },
    { "ifInErrors", "1.3.6.1.2.1.2.2.1.14", C, 0, NULL },
    { "ifInUnknownProtos", "1.3.6.1.2.1.2.2.1.15", C, 0, NULL },
    { "ifOutOctets", "1.3.6.1.2.1.2.2.1.16", C, 0, NULL },
    { "ifOutUcastPkts", "1.3.6.1.2.1.2.2.1.17", C, 0, NULL },
    { "ifOutNUcastPkts", "1.3.6.1.2.1.2.2.1.18", C, 0, NULL },
    { "ifOutDiscards", "1.3.6.1.2.1.2.2.1.19", C, 0, NULL },
    { "ifOutErrors", "1.3.6.1.2.1.2.2.1.20", C, 0, NULL },
    { "ifOutQLen", "1.3.6.1.2.1.2.2.1.21", C, 0, NULL },
    { "ifSpecific", "1.3.6.1.2.1.2.2.1.22", C, 0, NULL },
    { "ifMIB", "1.3.6.1.2.1.31", N, 0, NULL },
    { "ifMIBObjects", "1.3.6.1.2.1.31.1", N, 0, NULL },
    { "ifXTable", "1.3.6.1.2.1.31.1.1", T, 0, NULL },
    { "ifXEntry", "1.3.6.1.2.1.31.1.1.1", E, 0, NULL },
    { "ifName", "1.3.6.1.2.1.31.1.1.1.1", C, 'a', NULL },
    { "ifInMulticastPkts", "1.3.6.1.2.1.31.1.1.1.2", C, 0, NULL },
    { "ifInBroadcastPkts", "1.3.6.1.2.1.31.1.1.1.3", C, 0, NULL },
    { "ifOutMulticastPkts", "1.3.6.1.2.1.31.1.1.1.4", C, 0, NULL },
    { "ifOutBroadcastPkts", "1.3.6.1.2.1.31.1.1.1.5", C, 0, NULL },
    { "ifHCInOctets", "1.3.6.1.2.1.31.1.1.1.6", C, 0, NULL },
    { "ifHCInUcastPkts", "1.3.6.1.2.1.31.1.1.1.7", C, 0, NULL },
    { "ifHCInMulticastPkts", "1.3.6.1.2.1.31.1.1.1.8", C, 0, NULL },
    { "ifHCInBroadcastPkts", "1.3.6.1.2.1.31.1.1.1.9", C, 0, NULL },
    { "ifHCOutOctets", "1.3.6.1.2.1.31.1.1.1.10", C, 0, NULL },
    { "ifHCOutUcastPkts", "1.3.6.1.2.1.31.1.1.1.11", C, 0, NULL },
    { "ifHCOutMulticastPkts", "1.3.6.1.2.1.31.1.1.1.12", C, 0, NULL },
    { "ifHCOutBroadcastPkts", "1.3.6.1.2.1.31.1.1.1.13", C, 0, NULL },
    { "ifLinkUpDownTrapEnable", "1.3.6.1.2.1.31.1.1.1.14", C, 'e',
      "1=enabled,2=disabled" },
    { "ifHighSpeed", "1.3.6.1.2.1.31.1.1.1.15", C, 0, NULL },
    { "ifPromiscuousMode", "1.3.6.1.2.1.31.1.1.1.16", C, 'e', TRUTH },
    { "ifConnectorPresent", "1.3.6.1.2.1.31.1.1.1.17", C, 'e', TRUTH },
    { "ifAlias", "1.3.6.1.2.1.31.1.1.1.18", C, 'a', NULL },
    { "ifCounterDiscontinuityTime", "1.3.6.1.2.1.31.1.1.1.19", C, 0, NULL },
    { "ifStackTable", "1.3.6.1.2.1.31.1.2", T, 0, NULL },
    { "ifStackEntry", "1.3.6.1.2.1.31.1.2.1", E, 0, NULL },
    { "ifStackHigherLayer", "1.3.6.1.2.1.31.1.2.1.1", C, 0, NULL },
    { "ifStackLowerLayer", "1.3.6.1.2.1.31.1.2.1.2", C, 0, NULL },
    { "ifStackStatus", "1.3.6.1.2.1.31.1.2.1.3", C, 0, NULL },
    { "ifTableLastChange", "1.3.6.1.2.1.31.1.5", S, 0, NULL },
    { "ifStackLastChange", "1.3.6.1.2.1.31.1.6", S, 0, NULL },
    /* IP-MIB */
    { "ip", "1.3.6.1.2.1.4", N, 0, NULL },
    { "ipForwarding", "1.3.6.1.2.1.4.1", S, 'e',
      "1=forwarding,2=notForwarding" },
    { "ipDefaultTTL", "1.3.6.1.2.1.4.2", S, 0, NULL },
    { "ipInReceives", "1.3.6.1.2.1.4.3", S, 0, NULL },
    { "ipInHdrErrors", "1.3.6.1.2.1.4.4", S, 0, NULL },
    { "ipInAddrErrors", "1.3.6.1.2.1.4.5", S, 0, NULL },
    { "ipForwDatagrams", "1.3.6.1.2.1.4.6", S, 0, NULL },
    { "ipInUnknownProtos", "1.3.6.1.2.1.4.7", S, 0, NULL },
    { "ipInDiscards", "1.3.6.1.2.1.4.8", S, 0, NULL },
    { "ipInDelivers", "1.3.6.1.2.1.4.9", S, 0, NULL },
    { "ipOutRequests", "1.3.6.1.2.1.4.10", S, 0, NULL },
    { "ipOutDiscards", "1.3.6.1.2.1.4.11", S, 0, NULL },
    { "ipOutNoRoutes", "1.3.6.1.2.1.4.12", S, 0, NULL },
    { "ipReasmTimeout", "1.3.6.1.2.1.4.13", S, 0, NULL },
    { "ipReasmReqds", "1.3.6.1.2.1.4.14", S, 0, NULL },
    { "ipReasmOKs", "1.3.6.1.2.1.4.15", S, 0, NULL },
    { "ipReasmFails", "1.3.6.1.2.1.4.16", S, 0, NULL },
    { "ipFragOKs", "1.3.6.1.2.1.4.17", S, 0, NULL },
    { "ipFragFails", "1.3.6.1.2.1.4.18", S, 0, NULL },
    { "ipFragCreates", "1.3.6.1.2.1.4.19", S, 0, NULL },
    { "ipAddrTable", "1.3.6.1.2.1.4.20", T, 0, NULL },
    { "ipAddrEntry", "1.3.6.1.2.1.4.20.1", E, 0, NULL },
    { "ipAdEntAddr", "1.3.6.1.2.1.4.20.1.1", C, 0, NULL },
    { "ipAdEntIfIndex", "1.3.6.1.2.1.4.20.1.2", C, 0, NULL },
    { "ipAdEntNetMask", "1.3.6.1.2.1.4.20.1.3", C, 0, NULL },
    { "ipAdEntBcastAddr", "1.3.6.1.2.1.4.20.1.4", C, 0, NULL },
    { "ipAdEntReasmMaxSize", "1.3.6.1.2.1.4.20.1.5", C, 0, NULL },
    { "ipNetToMediaTable", "1.3.6.1.2.1.4.22", T, 0, NULL },
    { "ipNetToMediaEntry", "1.3.6.1.2.1.4.22.1", E, 0, NULL },
    { "ipNetToMediaIfIndex", "1.3.6.1.2.1.4.22.1.1", C, 0, NULL },
    { "ipNetToMediaPhysAddress", "1.3.6.1.2.1.4.22.1.2", C, 'x', NULL },
    { "ipNetToMediaNetAddress", "1.3.6.1.2.1.4.22.1.3", C, 0, NULL },
    { "ipNetToMediaType", "1.3.6.1.2.1.4.22.1.4", C, 'e',
      "1=other,2=invalid,3=dynamic,4=static" },
    { "ipRoutingDiscards", "1.3.6.1.2.1.4.23", S, 0, NULL },
    { "ipv6IpForwarding", "1.3.6.1.2.1.4.25", S, 'e',
      "1=forwarding,2=notForwarding" },
    { "ipv6IpDefaultHopLimit", "1.3.6.1.2.1.4.26", S, 0, NULL },
    { "ipTrafficStats", "1.3.6.1.2.1.4.31", N, 0, NULL },
    { "ipSystemStatsTable", "1.3.6.1.2.1.4.31.1", T, 0, NULL },
    { "ipSystemStatsEntry", "1.3.6.1.2.1.4.31.1.1", E, 0, NULL },
    { "ipSystemStatsIPVersion", "1.3.6.1.2.1.4.31.1.1.1", C, 'e', INETTYPE },
    { "ipSystemStatsInReceives", "1.3.6.1.2.1.4.31.1.1.3", C, 0, NULL },
    { "ipSystemStatsHCInReceives", "1.3.6.1.2.1.4.31.1.1.4", C, 0, NULL },
    { "ipSystemStatsInOctets", "1.3.6.1.2.1.4.31.1.1.5", C, 0, NULL },
    { "ipSystemStatsHCInOctets", "1.3.6.1.2.1.4.31.1.1.6", C, 0, NULL },
    { "ipSystemStatsInDelivers", "1.3.6.1.2.1.4.31.1.1.18", C, 0, NULL },
    { "ipSystemStatsHCInDelivers", "1.3.6.1.2.1.4.31.1.1.19", C, 0, NULL },
    { "ipSystemStatsOutRequests", "1.3.6.1.2.1.4.31.1.1.20", C, 0, NULL },
    { "ipSystemStatsHCOutRequests", "1.3.6.1.2.1.4.31.1.1.21", C, 0, NULL },
    { "ipSystemStatsOutOctets", "1.3.6.1.2.1.4.31.1.1.32", C, 0, NULL },
    { "ipSystemStatsHCOutOctets", "1.3.6.1.2.1.4.31.1.1.33", C, 0, NULL },
    { "ipAddressTable", "1.3.6.1.2.1.4.34", T, 0, NULL },
    { "ipAddressEntry", "1.3.6.1.2.1.4.34.1", E, 0, NULL },
    { "ipAddressAddrType", "1.3.6.1.2.1.4.34.1.1", C, 'e', INETTYPE },
    { "ipAddressAddr", "1.3.6.1.2.1.4.34.1.2", C, 'x', NULL },
    { "ipAddressIfIndex", "1.3.6.1.2.1.4.34.1.3", C, 0, NULL },
    { "ipAddressType", "1.3.6.1.2.1.4.34.1.4", C, 'e',
      "1=unicast,2=anycast,3=broadcast" },
    { "ipAddressPrefix", "1.3.6.1.2.1.4.34.1.5", C, 0, NULL },
    { "ipAddressOrigin", "1.3.6.1.2.1.4.34.1.6", C, 'e',
      "1=other,2=manual,4=dhcp,5=linklayer,6=random" },
    { "ipAddressStatus", "1.3.6.1.2.1.4.34.1.7", C, 'e',
      "1=preferred,2=deprecated,3=invalid,4=inaccessible,5=unknown,"
      "6=tentative,7=duplicate,8=optimistic" },
    { "ipAddressCreated", "1.3.6.1.2.1.4.34.1.8", C, 0, NULL },
    { "ipAddressLastChanged", "1.3.6.1.2.1.4.34.1.9", C, 0, NULL },
    { "ipAddressRowStatus", "1.3.6.1.2.1.4.34.1.10", C, 0, NULL },
    { "ipAddressStorageType", "1.3.6.1.2.1.4.34.1.11", C, 0, NULL },
    { "ipNetToPhysicalTable", "1.3.6.1.2.1.4.35", T, 0, NULL },
    { "ipNetToPhysicalEntry", "1.3.6.1.2.1.4.35.1", E, 0, NULL },
    { "ipNetToPhysicalIfIndex", "1.3.6.1.2.1.4.35.1.1", C, 0, NULL },
    { "ipNetToPhysicalNetAddressType", "1.3.6.1.2.1.4.35.1.2", C, 'e',
      INETTYPE },
    { "ipNetToPhysicalNetAddress", "1.3.6.1.2.1.4.35.1.3", C, 'x', NULL },
    { "ipNetToPhysicalPhysAddress", "1.3.6.1.2.1.4.35.1.4", C, 'x', NULL },
    { "ipNetToPhysicalLastUpdated", "1.3.6.1.2.1.4.35.1.5", C, 0, NULL },
    { "ipNetToPhysicalType", "1.3.6.1.2.1.4.35.1.6", C, 'e',
      "1=other,2=invalid,3=dynamic,4=static,5=local" },
    { "ipNetToPhysicalState", "1.3.6.1.2.1.4.35.1.7", C, 'e',
      "1=reachable,2=stale,3=delay,4=probe,5=invalid,6=unknown,"
      "7=incomplete" },
    { "ipNetToPhysicalRowStatus", "1.3.6.1.2.1.4.35.1.8", C, 0, NULL },
    { "icmp", "1.3.6.1.2.1.5", N, 0, NULL },
    { "tcp", "1.3.6.1.2.1.6", N, 0, NULL },
    { "udp", "1.3.6.1.2.1.7", N, 0, NULL },
    /* BGP4-MIB */
    { "bgp", "1.3.6.1.2.1.15", N, 0, NULL },
    { "bgpVersion", "1.3.6.1.2.1.15.1", S, 'x', NULL },
    { "bgpLocalAs", "1.3.6.1.2.1.15.2", S, 0, NULL },
    { "bgpPeerTable", "1.3.6.1.2.1.15.3", T, 0, NULL },
    { "bgpPeerEntry", "1.3.6.1.2.1.15.3.1", E, 0, NULL },
    { "bgpPeerIdentifier", "1.3.6.1.2.1.15.3.1.1", C, 0, NULL },
    { "bgpPeerState", "1.3.6.1.2.1.15.3.1.2", C, 'e',
      "1=idle,2=connect,3=active,4=opensent,5=openconfirm,6=established" },
    { "bgpPeerAdminStatus", "1.3.6.1.2.1.15.3.1.3", C, 'e', "1=stop,2=start" },
    { "bgpPeerNegotiatedVersion", "1.3.6.1.2.1.15.3.1.4", C, 0, NULL },
    { "bgpPeerLocalAddr", "1.3.6.1.2.1.15.3.1.5", C, 0, NULL },
    { "bgpPeerLocalPort", "1.3.6.1.2.1.15.3.1.6", C, 0, NULL },
    { "bgpPeerRemoteAddr", "1.3.6.1.2.1.15.3.1.7", C, 0, NULL },
    { "bgpPeerRemotePort", "1.3.6.1.2.1.15.3.1.8", C, 0, NULL },
    { "bgpPeerRemoteAs", "1.3.6.1.2.1.15.3.1.9", C, 0, NULL },
    { "bgpPeerInUpdates", "1.3.6.1.2.1.15.3.1.10", C, 0, NULL },
    { "bgpPeerOutUpdates", "1.3.6.1.2.1.15.3.1.11", C, 0, NULL },
    { "bgpPeerInTotalMessages", "1.3.6.1.2.1.15.3.1.12", C, 0, NULL },
    { "bgpPeerOutTotalMessages", "1.3.6.1.2.1.15.3.1.13", C, 0, NULL },
    { "bgpPeerLastError", "1.3.6.1.2.1.15.3.1.14", C, 'x', NULL },
    { "bgpPeerFsmEstablishedTransitions", "1.3.6.1.2.1.15.3.1.15", C, 0,
      NULL },
    { "bgpPeerFsmEstablishedTime", "1.3.6.1.2.1.15.3.1.16", C, 0, NULL },
    { "bgpPeerConnectRetryInterval", "1.3.6.1.2.1.15.3.1.17", C, 0, NULL },
    { "bgpPeerHoldTime", "1.3.6.1.2.1.15.3.1.18", C, 0, NULL },
    { "bgpPeerKeepAlive", "1.3.6.1.2.1.15.3.1.19", C, 0, NULL },
    { "bgpPeerHoldTimeConfigured", "1.3.6.1.2.1.15.3.1.20", C, 0, NULL },
    { "bgpPeerKeepAliveConfigured", "1.3.6.1.2.1.15.3.1.21", C, 0, NULL },
    { "bgpPeerMinASOriginationInterval", "1.3.6.1.2.1.15.3.1.22", C, 0,
      NULL },
    { "bgpPeerMinRouteAdvertisementInterval", "1.3.6.1.2.1.15.3.1.23", C, 0,
      NULL },
    { "bgpPeerInUpdateElapsedTime", "1.3.6.1.2.1.15.3.1.24", C, 0, NULL },
    { "bgpIdentifier", "1.3.6.1.2.1.15.4", S, 0, NULL },
    /* HOST-RESOURCES-MIB */
    { "host", "1.3.6.1.2.1.25", N, 0, NULL },
    { "hrSystem", "1.3.6.1.2.1.25.1", N, 0, NULL },
    { "hrSystemUptime", "1.3.6.1.2.1.25.1.1", S, 0, NULL },
    { "hrSystemDate", "1.3.6.1.2.1.25.1.2", S, 'x', NULL },
    { "hrSystemInitialLoadDevice", "1.3.6.1.2.1.25.1.3", S, 0, NULL },
    { "hrSystemInitialLoadParameters", "1.3.6.1.2.1.25.1.4", S, 0, NULL },
    { "hrSystemNumUsers", "1.3.6.1.2.1.25.1.5", S, 0, NULL },
    { "hrSystemProcesses", "1.3.6.1.2.1.25.1.6", S, 0, NULL },
    { "hrSystemMaxProcesses", "1.3.6.1.2.1.25.1.7", S, 0, NULL },
    { "hrStorage", "1.3.6.1.2.1.25.2", N, 0, NULL },
    { "hrStorageTypes", "1.3.6.1.2.1.25.2.1", N, 0, NULL },
    { "hrStorageOther", "1.3.6.1.2.1.25.2.1.1", N, 0, NULL },
    { "hrStorageRam", "1.3.6.1.2.1.25.2.1.2", N, 0, NULL },
    { "hrStorageVirtualMemory", "1.3.6.1.2.1.25.2.1.3", N, 0, NULL },
    { "hrStorageFixedDisk", "1.3.6.1.2.1.25.2.1.4", N, 0, NULL },
    { "hrStorageRemovableDisk", "1.3.6.1.2.1.25.2.1.5", N, 0, NULL },
    { "hrStorageFloppyDisk", "1.3.6.1.2.1.25.2.1.6", N, 0, NULL },
    { "hrStorageCompactDisc", "1.3.6.1.2.1.25.2.1.7", N, 0, NULL },
    { "hrStorageRamDisk", "1.3.6.1.2.1.25.2.1.8", N, 0, NULL },
    { "hrStorageFlashMemory", "1.3.6.1.2.1.25.2.1.9", N, 0, NULL },
    { "hrStorageNetworkDisk", "1.3.6.1.2.1.25.2.1.10", N, 0, NULL },
    { "hrMemorySize", "1.3.6.1.2.1.25.2.2", S, 0, NULL },
    { "hrStorageTable", "1.3.6.1.2.1.25.2.3", T, 0, NULL },
    { "hrStorageEntry", "1.3.6.1.2.1.25.2.3.1", E, 0, NULL },
    { "hrStorageIndex", "1.3.6.1.2.1.25.2.3.1.1", C, 0, NULL },
    { "hrStorageType", "1.3.6.1.2.1.25.2.3.1.2", C, 0, NULL },
    { "hrStorageDescr", "1.3.6.1.2.1.25.2.3.1.3", C, 'a', NULL },
    { "hrStorageAllocationUnits", "1.3.6.1.2.1.25.2.3.1.4", C, 0, NULL },
    { "hrStorageSize", "1.3.6.1.2.1.25.2.3.1.5", C, 0, NULL },
    { "hrStorageUsed", "1.3.6.1.2.1.25.2.3.1.6", C, 0, NULL },
    { "hrStorageAllocationFailures", "1.3.6.1.2.1.25.2.3.1.7", C, 0, NULL },
    { "hrDevice", "1.3.6.1.2.1.25.3", N, 0, NULL },
    { "hrDeviceTable", "1.3.6.1.2.1.25.3.2", T, 0, NULL },
    { "hrDeviceEntry", "1.3.6.1.2.1.25.3.2.1", E, 0, NULL },
    { "hrDeviceIndex", "1.3.6.1.2.1.25.3.2.1.1", C, 0, NULL },
    { "hrDeviceType", "1.3.6.1.2.1.25.3.2.1.2", C, 0, NULL },
    { "hrDeviceDescr", "1.3.6.1.2.1.25.3.2.1.3", C, 'a', NULL },
    { "hrDeviceID", "1.3.6.1.2.1.25.3.2.1.4", C, 0, NULL },
    { "hrDeviceStatus", "1.3.6.1.2.1.25.3.2.1.5", C, 'e',
      "1=unknown,2=running,3=warning,4=testing,5=down" },
    { "hrDeviceErrors", "1.3.6.1.2.1.25.3.2.1.6", C, 0, NULL },
    { "hrProcessorTable", "1.3.6.1.2.1.25.3.3", T, 0, NULL },
    { "hrProcessorEntry", "1.3.6.1.2.1.25.3.3.1", E, 0, NULL },
    { "hrProcessorFrwID", "1.3.6.1.2.1.25.3.3.1.1", C, 0, NULL },
    { "hrProcessorLoad", "1.3.6.1.2.1.25.3.3.1.2", C, 0, NULL },
    { "hrSWRun", "1.3.6.1.2.1.25.4", N, 0, NULL },
    { "hrSWOSIndex", "1.3.6.1.2.1.25.4.1", S, 0, NULL },
    { "hrSWRunTable", "1.3.6.1.2.1.25.4.2", T, 0, NULL },
    { "hrSWRunEntry", "1.3.6.1.2.1.25.4.2.1", E, 0, NULL },
    { "hrSWRunIndex", "1.3.6.1.2.1.25.4.2.1.1", C, 0, NULL },
    { "hrSWRunName", "1.3.6.1.2.1.25.4.2.1.2", C, 'a', NULL },
    { "hrSWRunID", "1.3.6.1.2.1.25.4.2.1.3", C, 0, NULL },
    { "hrSWRunPath", "1.3.6.1.2.1.25.4.2.1.4", C, 'a', NULL },
    { "hrSWRunParameters", "1.3.6.1.2.1.25.4.2.1.5", C, 'a', NULL },
    { "hrSWRunType", "1.3.6.1.2.1.25.4.2.1.6", C, 'e',
      "1=unknown,2=operatingSystem,3=deviceDriver,4=application" },
    { "hrSWRunStatus", "1.3.6.1.2.1.25.4.2.1.7", C, 'e',
      "1=running,2=runnable,3=notRunnable,4=invalid" },
    { "hrSWRunPerf", "1.3.6.1.2.1.25.5", N, 0, NULL },
    { "hrSWRunPerfTable", "1.3.6.1.2.1.25.5.1", T, 0, NULL },
    { "hrSWRunPerfEntry", "1.3.6.1.2.1.25.5.1.1", E, 0, NULL },
    { "hrSWRunPerfCPU", "1.3.6.1.2.1.25.5.1.1.1", C, 0, NULL },
    { "hrSWRunPerfMem", "1.3.6.1.2.1.25.5.1.1.2", C, 0, NULL },
    /* ENTITY-MIB */
    { "entityMIB", "1.3.6.1.2.1.47", N, 0, NULL },
    { "entityMIBObjects", "1.3.6.1.2.1.47.1", N, 0, NULL },
    { "entityPhysical", "1.3.6.1.2.1.47.1.1", N, 0, NULL },
    { "entPhysicalTable", "1.3.6.1.2.1.47.1.1.1", T, 0, NULL },
    { "entPhysicalEntry", "1.3.6.1.2.1.47.1.1.1.1", E, 0, NULL },
    { "entPhysicalIndex", "1.3.6.1.2.1.47.1.1.1.1.1", C, 0, NULL },
    { "entPhysicalDescr", "1.3.6.1.2.1.47.1.1.1.1.2", C, 'a', NULL },
    { "entPhysicalVendorType", "1.3.6.1.2.1.47.1.1.1.1.3", C, 0, NULL },
    { "entPhysicalContainedIn", "1.3.6.1.2.1.47.1.1.1.1.4", C, 0, NULL },
    { "entPhysicalClass", "1.3.6.1.2.1.47.1.1.1.1.5", C, 'e',
      "1=other,2=unknown,3=chassis,4=backplane,5=container,6=powerSupply,"
      "7=fan,8=sensor,9=module,10=port,11=stack,12=cpu,13=energyObject,"
      "14=battery,15=storageDrive" },
    { "entPhysicalParentRelPos", "1.3.6.1.2.1.47.1.1.1.1.6", C, 0, NULL },
    { "entPhysicalName", "1.3.6.1.2.1.47.1.1.1.1.7", C, 'a', NULL },
    { "entPhysicalHardwareRev", "1.3.6.1.2.1.47.1.1.1.1.8", C, 'a', NULL },
    { "entPhysicalFirmwareRev", "1.3.6.1.2.1.47.1.1.1.1.9", C, 'a', NULL },
    { "entPhysicalSoftwareRev", "1.3.6.1.2.1.47.1.1.1.1.10", C, 'a', NULL },
    { "entPhysicalSerialNum", "1.3.6.1.2.1.47.1.1.1.1.11", C, 'a', NULL },
    { "entPhysicalMfgName", "1.3.6.1.2.1.47.1.1.1.1.12", C, 'a', NULL },
    { "entPhysicalModelName", "1.3.6.1.2.1.47.1.1.1.1.13", C, 'a', NULL },
    { "entPhysicalAlias", "1.3.6.1.2.1.47.1.1.1.1.14", C, 'a', NULL },
    { "entPhysicalAssetID", "1.3.6.1.2.1.47.1.1.1.1.15", C, 'a', NULL },
    { "entPhysicalIsFRU", "1.3.6.1.2.1.47.1.1.1.1.16", C, 'e', TRUTH },
    { "entPhysicalMfgDate", "1.3.6.1.2.1.47.1.1.1.1.17", C, 'x', NULL },
    { "entPhysicalUris", "1.3.6.1.2.1.47.1.1.1.1.18", C, 'a', NULL },
    /* LLDP-MIB (IEEE 802.1AB-2005) */
    { "lldpMIB", "1.0.8802.1.1.2", N, 0, NULL },
    { "lldpObjects", "1.0.8802.1.1.2.1", N, 0, NULL },
    { "lldpLocalSystemData", "1.0.8802.1.1.2.1.3", N, 0, NULL },
    { "lldpLocChassisIdSubtype", "1.0.8802.1.1.2.1.3.1", S, 'e',
      "1=chassisComponent,2=interfaceAlias,3=portComponent,4=macAddress,"
      "5=networkAddress,6=interfaceName,7=local" },
    { "lldpLocChassisId", "1.0.8802.1.1.2.1.3.2", S, 0, NULL },
    { "lldpLocSysName", "1.0.8802.1.1.2.1.3.3", S, 'a', NULL },
    { "lldpLocSysDesc", "1.0.8802.1.1.2.1.3.4", S, 'a', NULL },
    { "lldpLocSysCapSupported", "1.0.8802.1.1.2.1.3.5", S, 'x', NULL },
    { "lldpLocSysCapEnabled", "1.0.8802.1.1.2.1.3.6", S, 'x', NULL },
    { "lldpLocPortTable", "1.0.8802.1.1.2.1.3.7", T, 0, NULL },
    { "lldpLocPortEntry", "1.0.8802.1.1.2.1.3.7.1", E, 0, NULL },
    { "lldpLocPortNum", "1.0.8802.1.1.2.1.3.7.1.1", C, 0, NULL },
    { "lldpLocPortIdSubtype", "1.0.8802.1.1.2.1.3.7.1.2", C, 'e',
      "1=interfaceAlias,2=portComponent,3=macAddress,4=networkAddress,"
      "5=interfaceName,6=agentCircuitId,7=local" },
    { "lldpLocPortId", "1.0.8802.1.1.2.1.3.7.1.3", C, 0, NULL },
    { "lldpLocPortDesc", "1.0.8802.1.1.2.1.3.7.1.4", C, 'a', NULL },
    { "lldpRemoteSystemsData", "1.0.8802.1.1.2.1.4", N, 0, NULL },
    { "lldpRemTable", "1.0.8802.1.1.2.1.4.1", T, 0, NULL },
    { "lldpRemEntry", "1.0.8802.1.1.2.1.4.1.1", E, 0, NULL },
    { "lldpRemTimeMark", "1.0.8802.1.1.2.1.4.1.1.1", C, 0, NULL },
    { "lldpRemLocalPortNum", "1.0.8802.1.1.2.1.4.1.1.2", C, 0, NULL },
    { "lldpRemIndex", "1.0.8802.1.1.2.1.4.1.1.3", C, 0, NULL },
    { "lldpRemChassisIdSubtype", "1.0.8802.1.1.2.1.4.1.1.4", C, 'e',
      "1=chassisComponent,2=interfaceAlias,3=portComponent,4=macAddress,"
      "5=networkAddress,6=interfaceName,7=local" },
    { "lldpRemChassisId", "1.0.8802.1.1.2.1.4.1.1.5", C, 0, NULL },
    { "lldpRemPortIdSubtype", "1.0.8802.1.1.2.1.4.1.1.6", C, 'e',
      "1=interfaceAlias,2=portComponent,3=macAddress,4=networkAddress,"
      "5=interfaceName,6=agentCircuitId,7=local" },
    { "lldpRemPortId", "1.0.8802.1.1.2.1.4.1.1.7", C, 0, NULL },
    { "lldpRemPortDesc", "1.0.8802.1.1.2.1.4.1.1.8", C, 'a', NULL },
    { "lldpRemSysName", "1.0.8802.1.1.2.1.4.1.1.9", C, 'a', NULL },
    { "lldpRemSysDesc", "1.0.8802.1.1.2.1.4.1.1.10", C, 'a', NULL },
    { "lldpRemSysCapSupported", "1.0.8802.1.1.2.1.4.1.1.11", C, 'x', NULL },
    { "lldpRemSysCapEnabled", "1.0.8802.1.1.2.1.4.1.1.12", C, 'x', NULL },
    { "lldpRemManAddrTable", "1.0.8802.1.1.2.1.4.2", T, 0, NULL },
    { "lldpRemManAddrEntry", "1.0.8802.1.1.2.1.4.2.1", E, 0, NULL },
    { "lldpRemManAddrSubtype", "1.0.8802.1.1.2.1.4.2.1.1", C, 'e', INETTYPE },
    { "lldpRemManAddr", "1.0.8802.1.1.2.1.4.2.1.2", C, 'x', NULL },
    { "lldpRemManAddrIfSubtype", "1.0.8802.1.1.2.1.4.2.1.3", C, 'e',
      "1=unknown,2=ifIndex,3=systemPortNumber" },
    { "lldpRemManAddrIfId", "1.0.8802.1.1.2.1.4.2.1.4", C, 0, NULL },
    { "lldpRemManAddrOID", "1.0.8802.1.1.2.1.4.2.1.5", C, 0, NULL },
};
#define NOBJS (sizeof(OBJS) / sizeof(OBJS[0]))

/* The numeric index, sorted by OID, built once. */
struct ent {
    oid num[NR_MIB_MAXDEPTH];
    size_t len;
    const struct nr_mib_obj *o;
};

static struct ent ENTS[NOBJS];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static int ent_cmp(const void *a, const void *b)
{
    const struct ent *x = a, *y = b;

    return snmp_oid_compare(x->num, x->len, y->num, y->len);
}

static void build(void)
{
    for (size_t i = 0; i < NOBJS; i++) {
        const char *p = OBJS[i].oid;
        size_t n = 0;

        while (*p != '\0' && n < NR_MIB_MAXDEPTH) {
            char *end;

            ENTS[i].num[n++] = (oid)strtoul(p, &end, 10);
            p = *end == '.' ? end + 1 : end;
        }
        ENTS[i].len = n;
        ENTS[i].o = &OBJS[i];
    }
    qsort(ENTS, NOBJS, sizeof(ENTS[0]), ent_cmp);
}

const struct nr_mib_obj *nr_mib__by_name(const char *name, size_t len,
                                         oid *num, size_t *numlen)
{
    pthread_once(&once, build);
    for (size_t i = 0; i < NOBJS; i++) {
        const char *n = ENTS[i].o->name;

        if (strncmp(n, name, len) == 0 && n[len] == '\0') {
            memcpy(num, ENTS[i].num, ENTS[i].len * sizeof(oid));
            *numlen = ENTS[i].len;
            return ENTS[i].o;
        }
    }
    return NULL;
}

const struct nr_mib_obj *nr_mib__by_oid(const oid *num, size_t len,
                                        size_t *matched)
{
    /* A walk names the same column again and again: a leaf (column or
     * scalar, which have nothing under them) that matched last time and
     * is a prefix again is the answer. */
    static __thread const struct ent *last;

    pthread_once(&once, build);
    if (last != NULL && last->len <= len &&
        memcmp(last->num, num, last->len * sizeof(oid)) == 0) {
        *matched = last->len;
        return last->o;
    }
    /* The deepest known object that is a prefix of num: try each prefix
     * length from the longest, a binary search each. */
    for (size_t l = len < NR_MIB_MAXDEPTH ? len : NR_MIB_MAXDEPTH; l > 0;
         l--) {
        size_t lo = 0, hi = NOBJS;

        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            int c = snmp_oid_compare(ENTS[mid].num, ENTS[mid].len, num, l);

            if (c == 0) {
                const struct nr_mib_obj *o = ENTS[mid].o;

                if (o->kind == NR_MIB_COLUMN || o->kind == NR_MIB_SCALAR) {
                    last = &ENTS[mid];
                }
                *matched = l;
                return o;
            }
            if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
    }
    *matched = 0;
    return NULL;
}

const char *nr_mib__enum(const struct nr_mib_obj *o, long v, size_t *len)
{
    const char *p;

    if (o == NULL || o->enums == NULL) {
        return NULL;
    }
    p = o->enums;
    while (*p != '\0') {
        char *end;
        long k = strtol(p, &end, 10);
        size_t n;

        if (*end != '=') {
            return NULL;
        }
        end++;
        n = strcspn(end, ",");
        if (k == v) {
            *len = n;
            return end;
        }
        p = end + n + (end[n] == ',');
    }
    return NULL;
}

size_t nr_mib__columns(const struct nr_mib_obj *table,
                       const struct nr_mib_obj **cols, size_t max)
{
    size_t n = 0, tl = strlen(table->oid);

    /* columns are "TABLE.1.N": entries of kind column right under the
     * table's entry, in OID order (the index is sorted) */
    pthread_once(&once, build);
    for (size_t i = 0; i < NOBJS && n < max; i++) {
        const struct nr_mib_obj *o = ENTS[i].o;

        if (o->kind == NR_MIB_COLUMN && strncmp(o->oid, table->oid, tl) == 0 &&
            strncmp(o->oid + tl, ".1.", 3) == 0 &&
            strchr(o->oid + tl + 3, '.') == NULL) {
            cols[n++] = o;
        }
    }
    return n;
}

size_t nr_mib__count(void)
{
    return NOBJS;
}

const struct nr_mib_obj *nr_mib__at(size_t i)
{
    return i < NOBJS ? &OBJS[i] : NULL;
}
