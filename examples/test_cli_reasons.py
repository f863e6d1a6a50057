#!/usr/bin/python3
"""Every refusal reason of lend.h has a name in the CLI.

usage: /usr/bin/python3 test_cli_reasons.py PATH/TO/lend PATH/TO/lend.h

Reads `enum lend_reason` from the header and asks `lend --json reasons`:
each value the header declares (but LEND_REASON_NONE) must be listed with a
unique, lowercase id made from its name, and nothing else may be listed. A
reason added to lend.h without a name in examples/lend/out.c fails here.
"""
import json
import re
import subprocess
import sys

LEND, HEADER = sys.argv[1], sys.argv[2]
passed = failed = 0


def ok(cond, desc, extra=""):
    global passed, failed
    if cond:
        passed += 1
        print("ok - " + desc)
    else:
        failed += 1
        print("not ok - " + desc)
        for line in str(extra).splitlines()[:20]:
            print("    " + line)


text = open(HEADER, encoding="utf-8").read()
body = re.search(r"enum\s+lend_reason\s*\{(.*?)\};", text, re.S)
ok(body is not None, "lend.h declares enum lend_reason")
body = re.sub(r"/\*.*?\*/", "", body.group(1) if body else "", flags=re.S)
declared = {int(v): n for n, v in re.findall(r"LEND_REASON_(\w+)\s*=\s*(\d+)", body)}
ok(len(declared) >= 30 and declared.get(0) == "NONE", "the header's reasons are read (%d)" % len(declared),
   declared)

p = subprocess.run([LEND, "--json", "reasons"], capture_output=True)
ok(p.returncode == 0, "lend --json reasons runs without a database", p.stderr.decode())
listed = json.loads(p.stdout.decode("utf-8")) if p.returncode == 0 else []
by_number = {r["reason"]: r for r in listed}

for value, name in sorted(declared.items()):
    if value == 0:
        ok(0 not in by_number, "LEND_REASON_NONE has no id")
        continue
    r = by_number.get(value)
    ok(r is not None and r["id"] == name.lower(), "reason %d (LEND_REASON_%s) is named %s" % (value, name, name.lower()),
       r)
    ok(r is not None and r["text"] and r["text"] != "unknown reason",
       "reason %d has words from lend_reason_string" % value, r)
extra = sorted(set(by_number) - set(declared))
ok(not extra, "no id for a value lend.h does not declare", extra)
ids = [r["id"] for r in listed]
ok(len(ids) == len(set(ids)), "the ids are unique", ids)

p = subprocess.run([LEND, "reasons"], capture_output=True)
out = p.stdout.decode("utf-8")
ok(p.returncode == 0 and "self_service_limit" in out and out.splitlines()[0].split() == ["NUMBER", "ID", "MEANING"],
   "lend reasons prints a table", out[:400])

print()
print("%d passed, %d failed" % (passed, failed))
sys.exit(1 if failed else 0)
