#!/usr/bin/env python3
"""Generates src/nats/keys/table.rs from the key inventory of truth/nats-conf-keys.json.

Usage: scripts/gen-keys.py ../shared/truth/nats-conf-keys.json > src/nats/keys/table.rs

The inventory's type strings (vocabulary in its `types` field) are translated into `Ty`
expressions; every block keeps its `source` citation (nats-server server/opts.go lines).
"""
import json
import re
import sys

# enum sets that nats-server compares case-insensitively although the inventory's type string does
# not say so (nats-conf-format.md §3.1: jetstream enabled/disabled strings are case-insensitive).
CI_ENUMS = {"enabled|enable|disabled|disable"}


def split_top(s, sep="|"):
    """Splits on `sep` outside (), <>, {}."""
    out, depth, cur = [], 0, ""
    for ch in s:
        if ch in "(<{":
            depth += 1
        elif ch in ")>}":
            depth -= 1
        if ch == sep and depth == 0:
            out.append(cur)
            cur = ""
        else:
            cur += ch
    out.append(cur)
    return [p.strip() for p in out]


def rust_str(s):
    return json.dumps(s)


def ty(t):
    t = t.strip()
    # A trailing parenthesised comment after a space: "string (bcrypt ...)", "bool (accepted, ignored)".
    note = None
    m = re.match(r"^(.*?) \((.*)\)$", t)
    if m and not t.startswith("REJECTED") and not t.startswith("any"):
        t, note = m.group(1).strip(), m.group(2)
    if t.startswith("REJECTED"):
        return "Ty::Rejected(%s)" % rust_str(re.sub(r"^REJECTED \(error: (.*)\)$", r"\1", t))
    if t.startswith("any"):
        return "Ty::Any"
    alts = split_top(t)
    if len(alts) > 1:
        return "Ty::OneOf(&[%s])" % ", ".join(ty(a) for a in alts)
    if note and note.startswith("broken"):
        return "Ty::Rejected(\"always fails: nats-server asserts []string on a parser array\")"
    if t.endswith("[]") and not t.startswith("map:"):
        return "Ty::Array(&%s)" % ty(t[:-2])
    m = re.match(r"^array<(.*)>$", t)
    if m:
        inner = m.group(1)
        if inner.startswith("map{"):
            return "Ty::Array(&Ty::AnyMap)"
        return "Ty::Array(&%s)" % ty(inner)
    m = re.match(r"^map<string,(.*)>$", t)
    if m:
        inner = m.group(1)
        return "Ty::FreeMap(&%s)" % ("Ty::Str" if inner == "jwt" else ty(inner))
    if t.startswith("map{"):
        return "Ty::AnyMap"
    m = re.match(r"^map:(.*)$", t)
    if m:
        return "Ty::Block(%s)" % rust_str(m.group(1))
    m = re.match(r"^enum\((.*)\)$", t)
    if m:
        body = m.group(1)
        ci = body.endswith("; case-insensitive") or body in CI_ENUMS
        body = body.replace("; case-insensitive", "")
        vals = body.split("|")
        return "Ty::Enum { values: &[%s], case_insensitive: %s }" % (
            ", ".join(rust_str(v) for v in vals), "true" if ci else "false")
    if t == '"always"':
        return 'Ty::Enum { values: &["always"], case_insensitive: false }'
    if t == '"N%"':
        return "Ty::PercentStr"
    if t == '"headers"':
        return 'Ty::Enum { values: &["headers"], case_insensitive: false }'
    m = re.match(r"^int(?:\((.*)\))?$", t)
    if m:
        r = m.group(1)
        if r is None:
            return "Ty::Int"
        if r == "seconds":
            return "Ty::Int"
        m2 = re.match(r"^(-?\d+)\.\.(\d+)$", r)
        if m2:
            return "Ty::IntRange { min: %s, max: %s }" % (m2.group(1), m2.group(2))
        m2 = re.match(r"^<=(\d+)$", r)
        if m2:
            return "Ty::IntRange { min: i64::MIN, max: %s }" % m2.group(1)
        m2 = re.match(r"^>=(\d+)$", r)
        if m2:
            return "Ty::IntRange { min: %s, max: i64::MAX }" % m2.group(1)
        raise SystemExit("unknown int range %r" % r)
    if t == "int|float":
        return "Ty::Any"
    m = re.match(r"^duration_str(?:\((.*)\))?$", t)
    if m:
        r = m.group(1)
        mins = {None: "None", ">=0": "Some(0)", ">=30s": "Some(30)"}[r]
        return "Ty::DurationStr { min_secs: %s }" % mins
    m = re.match(r"^size(?:\((.*)\))?$", t)
    if m:
        return "Ty::Size"
    m = re.match(r"^url(?:\((.*)\))?$", t)
    if m:
        return "Ty::Url"
    m = re.match(r"^subject(?:\((.*)\))?$", t)
    if m:
        return "Ty::Subject"
    m = re.match(r"^string(?:\((.*)\))?$", t)
    if m:
        r = m.group(1)
        if r is None or r.startswith("path") or r.startswith("destination"):
            return "Ty::Str"
        if r == "no spaces":
            return "Ty::Name"
        if r.startswith("no . * >"):
            return "Ty::JsDomain"
        if r.startswith("semver"):
            return "Ty::Semver"
        if r.startswith("MEM|"):
            return "Ty::ResolverStr"
        raise SystemExit("unknown string refinement %r" % r)
    nkeys = {"nkey_account_public": "NkeyRole::Account", "nkey_user_public": "NkeyRole::User",
             "nkey_curve_public": "NkeyRole::Curve", "nkey_user_seed": "NkeyRole::UserSeed"}
    if t in nkeys:
        return "Ty::Nkey(%s)" % nkeys[t]
    if t.startswith("nkey_"):
        return "Ty::Str"
    simple = {"bool": "Ty::Bool", "float": "Ty::Float", "duration": "Ty::Duration", "timeout": "Ty::Timeout",
              "hostport": "Ty::HostPort"}
    if t in simple:
        return simple[t]
    raise SystemExit("unknown type %r" % t)


def version(v):
    a, b, c = (int(x) for x in v.split("."))
    return "Some(NatsVersion::new(%d, %d, %d))" % (a, b, c)


def main():
    d = json.load(open(sys.argv[1]))
    out = []
    w = out.append
    w("// @generated by scripts/gen-keys.py from truth/nats-conf-keys.json (nats-server main@1787eee0 == v2.14.5).")
    w("// Do not edit by hand: change the generator or the inventory and regenerate.")
    w("")
    w("use super::{Block, Key, KeyMatch, NkeyRole, Ty, UnknownPolicy};")
    w("use crate::version::NatsVersion;")
    w("")
    w("/// Every block of the inventory, in inventory order.")
    w("pub static BLOCKS: &[Block] = &[")
    for b in d["blocks"]:
        keys = b["keys"]
        aliases = b.get("aliases", {})
        since = b.get("since", {})
        km = b["key_match"]
        key_match = "KeyMatch::Exact" if km.startswith("exact") else "KeyMatch::CaseInsensitive"
        uk = b["unknown_key"]
        if uk.startswith("n/a"):
            policy = "UnknownPolicy::FreeForm"
        elif uk.startswith("ignored"):
            policy = "UnknownPolicy::Ignored"
        else:
            policy = "UnknownPolicy::Error"
        ve = b.get("variable_exemption")
        w("    Block {")
        w("        path: %s," % rust_str(b["path"]))
        w("        key_match: %s," % key_match)
        w("        unknown: %s," % policy)
        w("        unknown_text: %s," % rust_str(uk))
        w("        variable_exemption: %s," % ("false" if ve is False else "true"))
        w("        source: %s," % rust_str(b["source"]))
        w("        keys: &[")
        for name in sorted(keys):
            canon = aliases.get(name, name)
            s = since.get(name)
            w("            Key { name: %s, canonical: %s, ty: %s, ty_text: %s, since: %s }," % (
                rust_str(name), rust_str(canon), ty(keys[name]), rust_str(keys[name]),
                version(s) if s else "None"))
        w("        ],")
        w("    },")
    w("];")
    print("\n".join(out))


if __name__ == "__main__":
    main()
