#!/usr/bin/python3
"""A broken SNMP v2c agent on loopback, for netpoll's fault tests.

    snmp_broken.py MODE PORTFILE [TTL]

Binds 127.0.0.1 on a free UDP port, writes the port to PORTFILE, answers
every request the MODE's way, and exits after TTL seconds (default 60)
whatever happens.  Modes:

  repeat     every answer is ifDescr.1 as often as the request asks for:
             the second varbind of a walk does not increase
  backwards  walks ifDescr.3, .2, .1: each answer is one varbind, lower
             than the one before
  garbage    answers bytes that are not SNMP at all
  toobig     a GETBULK with max-repetitions above 3 gets tooBig; smaller
             ones walk ifDescr.1 to .3, then leave the table
"""
import os
import socket
import sys
import time

from pyasn1.codec.ber import decoder, encoder
from pysnmp.proto import api

IFDESCR = (1, 3, 6, 1, 2, 1, 2, 2, 1, 2)
# after ifTable: ifName.1 in ifXTable
PAST_TABLE = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1, 1, 1)


def next_ifdescr(oid):
    """The next of ifDescr.1..3 after oid, else the first OID past ifTable."""
    for i in (1, 2, 3):
        cand = IFDESCR + (i,)
        if cand > tuple(oid):
            return cand, "eth%d" % i
    return PAST_TABLE, "past"


def answer(mode, data, state):
    if mode == "garbage":
        return os.urandom(48)
    ver = int(api.decodeMessageVersion(data))
    p = api.protoModules[ver]
    req, _ = decoder.decode(data, asn1Spec=p.Message())
    rsp = p.apiMessage.getResponse(req)
    rpdu = p.apiMessage.getPDU(req)
    spdu = p.apiMessage.getPDU(rsp)
    asked = [tuple(o) for o, _ in p.apiPDU.getVarBinds(rpdu)]
    bulk = rpdu.isSameTypeWith(p.GetBulkRequestPDU())
    reps = int(p.apiBulkPDU.getMaxRepetitions(rpdu)) if bulk else 1
    vbs = []
    if mode == "repeat":
        vbs = [(IFDESCR + (1,), p.OctetString("eth1"))] * max(2, reps * len(asked))
    elif mode == "backwards":
        state["n"] = state.get("n", 4) - 1
        i = max(state["n"], 1)
        vbs = [(IFDESCR + (i,), p.OctetString("eth%d" % i))]
    elif mode == "toobig":
        if bulk and reps > 3:
            p.apiPDU.setErrorStatus(spdu, 1)   # tooBig
            p.apiPDU.setErrorIndex(spdu, 0)
            vbs = [(o, p.Null("")) for o in asked]
        else:
            for o in asked:
                cur = o
                for _ in range(reps):
                    cur, text = next_ifdescr(cur)
                    vbs.append((cur, p.OctetString(text)))
    p.apiPDU.setVarBinds(spdu, vbs)
    return encoder.encode(rsp)


def main():
    mode, portfile = sys.argv[1], sys.argv[2]
    ttl = float(sys.argv[3]) if len(sys.argv) > 3 else 60.0
    end = time.monotonic() + ttl
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.1", 0))
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % s.getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    state = {}
    while time.monotonic() < end:
        s.settimeout(max(0.05, end - time.monotonic()))
        try:
            data, peer = s.recvfrom(65535)
        except socket.timeout:
            break
        if peer[0] != "127.0.0.1":
            continue
        try:
            s.sendto(answer(mode, data, state), peer)
        except Exception as e:  # a request it cannot read: say so, go on
            print("snmp_broken: %s" % e, file=sys.stderr)


if __name__ == "__main__":
    main()
