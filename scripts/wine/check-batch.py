#!/usr/bin/env python3
"""The counts of a demo batch through chorus-central, checked as on Linux:
what demo-fill says it made is what verify found in the batch, what merge
merged, and what the analysis files and the report hold.

    check-batch.py FILL.txt VERIFY.txt MERGE.txt ANALYSIS_DIR REPORT.html
"""
import csv
import os
import re
import sys


def counts(path, what):
    text = open(path, encoding="utf-8").read()
    m = re.search(r"(\d+) responses, .*?(\d+) declined", text)
    if not m:
        sys.exit(f"check-batch: {what} ({path}) has no counts: {text!r}")
    return int(m.group(1)), int(m.group(2))


def main():
    fill, verify, merge, analysis, report = sys.argv[1:6]
    want = counts(fill, "demo-fill")
    for path, what in ((verify, "verify"), (merge, "merge")):
        got = counts(path, what)
        if got != want:
            sys.exit(f"check-batch: {what} counted {got[0]} responses, {got[1]} declined; demo-fill made {want}")
    if not re.search(r"\.tar\.age: ok: batch 1 ", open(verify, encoding="utf-8").read()):
        sys.exit("check-batch: verify did not say the batch is ok")
    with open(os.path.join(analysis, "responses_wide.csv"), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    if len(rows) != want[0]:
        sys.exit(f"check-batch: responses_wide.csv has {len(rows)} rows, want {want[0]}")
    with open(os.path.join(analysis, "declined.csv"), encoding="utf-8", newline="") as f:
        declined = sum(int(r["declined"]) for r in csv.DictReader(f))
    if declined != want[1]:
        sys.exit(f"check-batch: declined.csv sums to {declined}, want {want[1]}")
    for name in ("answers_long.csv", "codebook.csv", "analysis.xlsx"):
        if os.path.getsize(os.path.join(analysis, name)) == 0:
            sys.exit(f"check-batch: {name} is empty")
    html = open(report, encoding="utf-8").read()
    if "<html" not in html or str(want[0]) not in html:
        sys.exit("check-batch: the report is not an HTML page naming the response count")
    print(f"wine-e2e:   counts agree: {want[0]} responses, {want[1]} declined "
          f"(demo-fill, verify, merge, responses_wide.csv, declined.csv, report)")


if __name__ == "__main__":
    main()
