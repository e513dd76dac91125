#!/usr/bin/env python3
"""Runs `latticelint check -f json` on each topology group of a corpus (MANIFEST.tsv `topology_group`,
the group's files named explicitly) and prints the findings per group, per-file rules first.

Usage: scripts/corpus-groups.py [--corpus DIR] [--latticelint BIN] [--all] [--json OUT]
  --all   also list findings of topology/host rules (default: counts only)
"""
import argparse
import collections
import csv
import json
import os
import subprocess

PER_FILE = {"syntax-error", "include-not-found", "include-cycle", "include-outside-root", "undefined-variable",
            "unknown-key", "invalid-value", "silent-value-loss", "unreadable-file", "invalid-encoding",
            "file-not-linted"}


def main():
    ap = argparse.ArgumentParser()
    # the shared data: $LATTICELINT_SHARED, else ../shared beside the clone
    shared = os.environ.get("LATTICELINT_SHARED") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared")
    ap.add_argument("--corpus", default=os.path.join(shared, "corpus"))
    ap.add_argument("--latticelint", default=os.path.join(os.path.dirname(__file__), "..", "target", "release", "latticelint"))
    ap.add_argument("--all", action="store_true")
    ap.add_argument("--json")
    a = ap.parse_args()
    groups = collections.defaultdict(list)
    with open(os.path.join(a.corpus, "MANIFEST.tsv")) as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            groups[r["topology_group"]].append(r["local_path"])
    result = {}
    for g, files in sorted(groups.items()):
        p = subprocess.run([os.path.abspath(a.latticelint), "check", "-f", "json", *files], cwd=a.corpus,
                           capture_output=True, text=True, timeout=120)
        doc = json.loads(p.stdout)
        result[g] = {"files": len(files), "summary": doc["summary"], "findings": doc["findings"]}
        per = [f for f in doc["findings"] if f["rule"] in PER_FILE]
        other = [f for f in doc["findings"] if f["rule"] not in PER_FILE]
        print(f"## {g} ({len(files)} files): {len(per)} per-file, {len(other)} other")
        for f in per + (other if a.all else []):
            print(f"  {f['file']}:{f['line']}:{f['column']} {f['severity']}[{f['rule']}] {f['message']}")
    if a.json:
        with open(a.json, "w") as fh:
            json.dump(result, fh, indent=1)


if __name__ == "__main__":
    main()
