#!/usr/bin/env python3
"""Sums every suite's results into one line: N passed, N failed, N skipped.

Arguments are meson test logs (testlog.json) and TAP logs of node's test
runner (*.tap). Counts individual test cases: the TAP subtests of each
meson test, and the tests of node's runner. A meson test that crashed
before it reported a failing case counts as one failure more.
"""
import json
import re
import sys

passed = failed = skipped = 0


def count_meson(path):
    global passed, failed, skipped
    with open(path) as log:
        for line in log:
            test = json.loads(line)
            out = test.get("stdout", "") or ""
            cases = re.findall(r"^(not ok|ok)\b[^\n#]*(#\s*skip)?", out, re.M | re.I)
            if not cases:
                if test["result"] in ("OK", "EXPECTEDFAIL"):
                    passed += 1
                elif test["result"] == "SKIP":
                    skipped += 1
                else:
                    failed += 1
                continue
            for status, skip in cases:
                if skip:
                    skipped += 1
                elif status == "ok":
                    passed += 1
                else:
                    failed += 1
            ok = test["result"] in ("OK", "EXPECTEDFAIL", "SKIP")
            if not ok and not any(status == "not ok" for status, _ in cases):
                failed += 1


def count_node(path):
    global passed, failed, skipped
    with open(path, errors="replace") as log:
        text = log.read()
    if not re.search(r"^# tests \d+$", text, re.M):
        failed += 1  # the suite never finished
        return
    totals = {}
    for key in ("pass", "fail", "skipped", "todo", "cancelled"):
        found = re.findall(rf"^# {key} (\d+)$", text, re.M)
        totals[key] = int(found[-1]) if found else 0
    passed += totals["pass"]
    failed += totals["fail"] + totals["cancelled"]
    skipped += totals["skipped"] + totals["todo"]


for path in sys.argv[1:]:
    try:
        (count_meson if path.endswith(".json") else count_node)(path)
    except OSError as error:
        print(f"missing results: {error}", file=sys.stderr)
        failed += 1

print(f"{passed} passed, {failed} failed, {skipped} skipped")
sys.exit(1 if failed else 0)
