#!/usr/bin/env python3
"""Sums every suite's results into one line: N passed, N failed, N skipped.

Counts individual test cases: the TAP subtests of each meson test, and the
tests of node's runner. A meson test that crashed before printing its plan
counts as one failure.
"""
import json
import re
import sys

passed = failed = skipped = 0

with open(sys.argv[1]) as log:
    for line in log:
        test = json.loads(line)
        out = test.get("stdout", "") or ""
        oks = re.findall(r"^(not ok|ok)\b.*?(# skip.*)?$", out, re.M | re.I)
        if not oks:
            if test["result"] in ("OK", "EXPECTEDFAIL"):
                passed += 1
            elif test["result"] == "SKIP":
                skipped += 1
            else:
                failed += 1
            continue
        for status, directive in oks:
            if directive:
                skipped += 1
            elif status == "ok":
                passed += 1
            else:
                failed += 1
        if test["result"] not in ("OK", "EXPECTEDFAIL", "SKIP") and not any(s == "not ok" for s, _ in oks):
            failed += 1  # crashed after its last reported case

with open(sys.argv[2], errors="replace") as log:
    text = log.read()
web = {k: 0 for k in ("pass", "fail", "skipped", "todo", "cancelled")}
for key in web:
    m = re.findall(rf"^# {key} (\d+)$", text, re.M)
    if m:
        web[key] = int(m[-1])
if not re.search(r"^# tests \d+$", text, re.M):
    failed += 1  # the browser suite never finished
passed += web["pass"]
failed += web["fail"] + web["cancelled"]
skipped += web["skipped"] + web["todo"]

print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
