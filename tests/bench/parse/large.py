"""Python's ParseText alone on one big input (start-up and template
construction excluded), best of three."""
import sys
import time

import textfsm

with open(sys.argv[2], encoding="utf-8") as f:
    data = f.read()
with open(sys.argv[1]) as t:
    fsm = textfsm.TextFSM(t)
best = None
for _ in range(3):
    fsm.Reset()
    t0 = time.perf_counter()
    rows = fsm.ParseText(data)
    t = time.perf_counter() - t0
    best = t if best is None or t < best else best
print("%.6f %d" % (best, len(rows)))
