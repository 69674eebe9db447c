"""The reference side of the benchmark: python textfsm over the corpus in
one interpreter, template construction and ParseText timed apart."""
import io
import os
import sys
import time

import textfsm

# The same untimed warm-up as bench.c's: one small template and input of
# our own, so that neither side's first corpus case carries one-time
# costs, and no corpus pattern is in re's cache before it is timed.
WARM_TPL = r"""Value Required NAME (\S+)
Value List ADDR (\d+\.\d+\.\d+\.\d+)

Start
  ^\S -> Continue.Record
  ^${NAME}\s+is\s+up\s*$$
  ^\s+address\s+${ADDR}\s*$$
  ^. -> Error
"""
WARM_RAW = "eth0 is up\n  address 192.0.2.1\neth1 is up\n  address 192.0.2.2\n"
assert len(textfsm.TextFSM(io.StringIO(WARM_TPL)).ParseText(WARM_RAW)) == 2

corpus, out_path = sys.argv[1], sys.argv[2]
tc = tp = 0.0
nbytes = nlines = nrec = ncases = 0
with open(os.path.join(corpus, "MANIFEST.tsv"), encoding="utf-8") as man, \
        open(out_path, "w") as out:
    man.readline()
    for row in man:
        plat, cmd, case, tpl = row.rstrip("\n").split("\t")[:4]
        raw_path = os.path.join(corpus, "cases", plat, cmd, case + ".raw")
        with open(raw_path, encoding="utf-8") as f:
            data = f.read()
        files = [open(os.path.join(corpus, "templates", t)) for t in tpl.split(":")]
        t0 = time.perf_counter()
        fsms = [textfsm.TextFSM(f) for f in files]
        t1 = time.perf_counter()
        rows = [fsm.ParseText(data) for fsm in fsms]
        t2 = time.perf_counter()
        for f in files:
            f.close()
        tc += t1 - t0
        tp += t2 - t1
        nbytes += os.path.getsize(raw_path)
        nlines += len(data.splitlines())
        nrec += len(rows[0])
        ncases += 1
        out.write("%s/%s/%s\t%.9f\t%.9f\t%d\n" % (plat, cmd, case, t1 - t0, t2 - t1, len(rows[0])))
print("%d cases, %d bytes, %d lines, %d records, compile %.4f s, parse %.4f s"
      % (ncases, nbytes, nlines, nrec, tc, tp))
