#!/usr/bin/env python3
"""Agreement of `latticelint check` with `nats-server -t` on every NATS config of a corpus.

For each config listed in the corpus's nats-t.tsv (kinds nats-conf and doc-extract) and each target:
  * runs `nats-server -t -c NAME` from the file's folder with an empty environment;
  * runs `latticelint check -f json --nats-version V NAME` the same way;
  * classifies nats-server's complaints: syntax (parser, includes, variables), unknown field, type
    (interface conversion, address, size, duration parse), missing file (certs, creds, JWTs),
    duration warning, other semantic;
  * checks: every syntax/unknown/type complaint has a latticelint error on the same file and line
    (rules syntax-error, include-not-found, include-cycle, undefined-variable, unknown-key,
    invalid-value; startup-only invalid-value findings do not count); every file nats-server accepts
    gets none of those errors. Files that fail only for missing files are listed apart.

Usage: scripts/nats-t-agreement.py [--corpus DIR] [--cases DIR] [--latticelint BIN] [--only 2.9|newest] [-v]
  --corpus DIR  default: $LATTICELINT_SHARED/corpus, else ../shared/corpus beside the clone
  The servers: $LATTICELINT_NATS_DEBIAN (else the nats-server 2.9 Debian's package installed or on
  PATH) and $LATTICELINT_NATS_NEWEST (else a nats-server on PATH that is not 2.9).
  --cases DIR   also check every *.conf of DIR (e.g. ../shared/truth/conf-cases); cases 140 and 152
                crash nats-server (Go stack overflow on include/env cycles) and are skipped.
Exit status: 0 when both targets agree on every file, 1 otherwise.
"""
import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys

ERROR_RULES = {"syntax-error", "include-not-found", "include-cycle", "undefined-variable", "unknown-key", "invalid-value"}
STARTUP_LABEL = "does not report it"  # invalid_value::LABEL_STARTUP
REQUIRED = {"syntax", "unknown", "type"}
# nats-server messages about a value's type or format besides Go conversion errors.
TYPE_WORDS = ("cannot contain spaces", "Expected 'enabled' or 'disabled'", "unsupported type", "minimum is",
              "error parsing leafnode url", "is not a valid subject", "Not a valid public nkey", "not a valid seed")


def shared_root():
    """The shared data: $LATTICELINT_SHARED, else ../shared beside the clone."""
    return os.environ.get("LATTICELINT_SHARED") or os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared")


def server_version(path):
    """The release `path --version` reports (`2.9.10`), or None when it does not run."""
    try:
        out = subprocess.run([path, "--version"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    m = re.search(r"\bv(\d+\.\d+\.\d+)", out)
    return m.group(1) if m else None


def nats_servers_on_path():
    dirs = os.environ.get("PATH", "").split(os.pathsep)
    return [p for p in (os.path.join(d, "nats-server") for d in dirs if d) if os.access(p, os.X_OK)]


def debian_binary():
    """nats-server 2.9: $LATTICELINT_NATS_DEBIAN, else PATH, else what Debian's package installed."""
    if os.environ.get("LATTICELINT_NATS_DEBIAN"):
        return os.environ["LATTICELINT_NATS_DEBIAN"]
    try:
        listed = subprocess.run(["dpkg-query", "-L", "nats-server"], capture_output=True, text=True).stdout.split()
    except OSError:
        listed = []
    for p in nats_servers_on_path() + [p for p in listed if p.endswith("/nats-server")]:
        if (server_version(p) or "").startswith("2.9."):
            return p
    return None


def newest_binary():
    """The newest nats-server: $LATTICELINT_NATS_NEWEST, else one on PATH that is not 2.9."""
    if os.environ.get("LATTICELINT_NATS_NEWEST"):
        return os.environ["LATTICELINT_NATS_NEWEST"]
    for p in nats_servers_on_path():
        v = server_version(p)
        if v and not v.startswith("2.9."):
            return p
    return None


def classify(line):
    """(category, file, line) of one line of nats-server -t output, or None."""
    l = line.strip()
    if not l or "configuration file" in l and "is valid" in l:
        return None
    l = re.sub(r"^nats-server: ", "", l)
    m = re.match(r"^Parse error on line (\d+)", l) or re.search(r"on line (\d+) (could not be parsed|can not be found)", l)
    if m:
        return ("syntax", None, int(m.group(1)))
    if "is out of the range" in l or l.startswith("config is invalid ("):
        m = re.search(r":(\d+):\d+\)", l)
        return ("syntax", None, int(m.group(1)) if m else None)
    if "error parsing include file" in l:
        m = re.search(r"line (\d+)", l)
        return ("syntax", None, int(m.group(1)) if m else None)
    m = re.match(r"^(.+?):(\d+):(\d+): (.*)$", l)
    f, ln, msg = (os.path.basename(m.group(1)), int(m.group(2)), m.group(4)) if m else (None, None, l)
    if "no such file or directory" in msg or re.search(r"\bopen \S+", msg):
        return ("missing file", f, ln)
    if "unknown field" in msg or "unsupported field" in msg:
        return ("unknown", f, ln)
    if "should be converted to a duration" in msg or "consider keeping it under 60 seconds" in msg:
        return ("duration warning", f, ln)
    if ("interface conversion" in msg or "could not parse address" in msg or "strconv." in msg
            or "invalid duration" in msg or "time: " in msg or any(w in msg for w in TYPE_WORDS)):
        return ("type", f, ln)
    return ("semantic", f, ln)


def run_nats(binary, folder, name):
    p = subprocess.run([binary, "-t", "-c", name], cwd=folder, env={}, capture_output=True, text=True, timeout=30)
    out = (p.stdout + "\n" + p.stderr).strip()
    complaints = [c for c in (classify(x) for x in out.splitlines()) if c]
    if p.returncode != 0 and not complaints:
        complaints = [("semantic", None, None)]
    return p.returncode == 0, complaints, out


def run_lint(binary, folder, name, version):
    args = [binary, "check", "-f", "json", name]
    if version:
        args[2:2] = ["--nats-version", version]
    p = subprocess.run(args, cwd=folder, env={}, capture_output=True, text=True, timeout=60)
    try:
        doc = json.loads(p.stdout)
    except json.JSONDecodeError:
        return None, p.stderr.strip()[:300]
    if doc.get("summary", {}).get("files") == 0 or any(f.get("rule") == "file-not-linted" for f in doc.get("findings", [])):
        return None, "latticelint did not read the file as a NATS config"
    errors, t_fatal_warnings = [], []
    for f in doc.get("findings", []):
        if f.get("rule") == "silent-value-loss" and "-t` fails" in (f.get("label") or ""):
            t_fatal_warnings.append((os.path.basename(f.get("file", "")), f.get("line")))
        if f.get("severity") != "error" or f.get("rule") not in ERROR_RULES:
            continue
        if f.get("rule") == "invalid-value" and STARTUP_LABEL in (f.get("label") or ""):
            continue
        errors.append((os.path.basename(f.get("file", "")), f.get("line"), f.get("rule"), f.get("message")))
        # Related places (e.g. where the file of an unclosed map ends) count for the line check too.
        for r in f.get("related") or []:
            errors.append((os.path.basename(r.get("file", "")), r.get("line"), f.get("rule"), f.get("message")))
    return (errors, t_fatal_warnings), None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=os.path.join(shared_root(), "corpus"))
    ap.add_argument("--latticelint", default=os.path.join(os.path.dirname(__file__), "..", "target", "debug", "latticelint"))
    ap.add_argument("--cases")
    ap.add_argument("--only", choices=["2.9", "newest"])
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()
    lint = os.path.abspath(a.latticelint)
    targets = [("2.9", debian_binary(), "2.9"), ("newest", newest_binary(), None)]
    for name, binary, _ in targets:
        if binary is None and a.only in (None, name):
            sys.exit(f"nats-t-agreement: no nats-server for target {name} (set LATTICELINT_NATS_DEBIAN / LATTICELINT_NATS_NEWEST)")
    rows = []
    with open(os.path.join(a.corpus, "nats-t.tsv")) as fh:
        for r in csv.DictReader(fh, delimiter="\t"):
            if r["kind"] in ("nats-conf", "doc-extract"):
                rows.append(os.path.join(a.corpus, r["local_path"]))
    if a.cases:
        for n in sorted(os.listdir(a.cases)):
            if n.endswith(".conf") and not n.startswith(("140_", "152_")):
                rows.append(os.path.join(a.cases, n))
    all_ok = True
    summary = []
    for label, binary, version in targets:
        if a.only and a.only != label:
            continue
        if not binary or not os.path.exists(binary):
            print(f"skipping {label}: no nats-server binary")
            continue
        vers = subprocess.run([binary, "--version"], capture_output=True, text=True).stdout.strip()
        stats = dict(files=0, accepted=0, rejected=0, missing_only=0, other_only=0, agree=0)
        disagreements, missing_only, other_only = [], [], []
        for path in rows:
            rel = os.path.relpath(path, os.path.dirname(os.path.abspath(a.corpus)))
            folder, name = os.path.dirname(path), os.path.basename(path)
            ok, complaints, raw = run_nats(binary, folder, name)
            res, lint_err = run_lint(lint, folder, name, version)
            stats["files"] += 1
            if res is None:
                disagreements.append((rel, f"latticelint failed: {lint_err}"))
                continue
            errors, warnings = res
            cats = {c[0] for c in complaints}
            if ok:
                stats["accepted"] += 1
                if errors:
                    disagreements.append((rel, "nats-server accepts; latticelint: " + "; ".join(
                        f"{f}:{ln} {rule}: {msg}" for f, ln, rule, msg in errors[:3])))
                else:
                    stats["agree"] += 1
                continue
            required = [c for c in complaints if c[0] in REQUIRED]
            if not required:
                if cats == {"missing file"}:
                    stats["missing_only"] += 1
                    missing_only.append(rel)
                else:
                    stats["other_only"] += 1
                    other_only.append((rel, ", ".join(sorted(cats))))
                    # The duration warning makes -t fail: latticelint must flag it (silent-value-loss).
                    for cat, f, ln in complaints:
                        if cat == "duration warning" and not any(wl == ln for _, wl in warnings):
                            disagreements.append((rel, f"duration warning at line {ln} not flagged"))
                continue
            stats["rejected"] += 1
            missed = []
            for cat, f, ln in required:
                hit = any(ln is None or (eln == ln and (f is None or ef == f)) for ef, eln, _, _ in errors)
                if not hit:
                    missed.append(f"{cat} at {f or name}:{ln}")
            if missed:
                disagreements.append((rel, "latticelint misses " + "; ".join(missed) + " | nats-server: "
                                      + raw.replace("\n", " // ")[:300]))
            else:
                stats["agree"] += 1
        all_ok &= not disagreements
        summary.append((label, vers, stats, disagreements, missing_only, other_only))
    for label, vers, s, dis, miss, other in summary:
        print(f"\n## target {label} ({vers})\n")
        print("| files | accepted | rejected (syntax/unknown/type) | missing files only | other semantic only | latticelint agrees | disagreements |")
        print("|---|---|---|---|---|---|---|")
        print(f"| {s['files']} | {s['accepted']} | {s['rejected']} | {s['missing_only']} | {s['other_only']} | "
              f"{s['agree']}/{s['accepted'] + s['rejected']} | {len(dis)} |")
        if dis:
            print("\nDisagreements:")
            for rel, why in dis:
                print(f"- {rel}: {why}")
        if a.verbose:
            print("\nMissing files only (certificates, creds, JWTs, resolver dirs):")
            for rel in miss:
                print(f"- {rel}")
            print("\nOther semantic failures only (not required either way):")
            for rel, cats in other:
                print(f"- {rel}: {cats}")
        else:
            print(f"\nMissing files only: {len(miss)} files; other semantic only: {len(other)} files (-v lists them)")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
