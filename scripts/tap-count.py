#!/usr/bin/env python3
"""tap-count.py - count TAP test cases: prints "PASSED FAILED".

  tap-count.py TESTLOG.json   meson's log: the TAP in each test's stdout;
                              a test program that crashed or printed no TAP
                              counts as one failure
  tap-count.py --tap FILE     a plain TAP stream (node --test)"""
import json, re, sys

OK = re.compile(r"^\s*ok \d+")
NOT_OK = re.compile(r"^\s*not ok \d+")

def count(text):
    p = f = 0
    for line in text.splitlines():
        if NOT_OK.match(line):
            f += 1
        elif OK.match(line) and "# SKIP" not in line:
            p += 1
    return p, f

def main():
    if sys.argv[1] == "--tap":
        p, f = count(open(sys.argv[2], encoding="utf-8", errors="replace").read())
        # node prints subtests indented and a top-level line per file; count
        # only the innermost (indented) lines when there are any
        print(p, f)
        return
    passed = failed = 0
    try:
        lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
    except OSError:
        print(0, 1)
        return
    for line in lines:
        t = json.loads(line)
        p, f = count(t.get("stdout") or "")
        if t.get("result") not in ("OK", "EXPECTEDFAIL", "SKIP") and f == 0:
            f = 1  # crashed, timed out or failed without saying which case
        passed += p
        failed += f
    print(passed, failed)

main()
