"""Python's ParseText alone on one big input (start-up and template
construction excluded)."""
import sys
import time

import textfsm

with open(sys.argv[2], encoding="utf-8") as f:
    data = f.read()
with open(sys.argv[1]) as t:
    fsm = textfsm.TextFSM(t)
t0 = time.perf_counter()
rows = fsm.ParseText(data)
print("%.6f %d" % (time.perf_counter() - t0, len(rows)))
