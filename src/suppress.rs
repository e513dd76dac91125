//! Inline suppression: `# latticelint: ignore[rule-a, rule-b] reason` (also `//` in NATS configs).
//!
//! A comment at the end of a line covers findings on that line; a comment alone on its line covers
//! the next line (stacked suppression comments all cover the first line after them). Findings are
//! matched on the line where their span starts, in the real file (embedded configs included).
//! `all` or `*` suppresses every rule. A suppression that suppresses nothing is reported
//! (`unused-suppression`), as is one without a reason (`suppression-without-reason`).

pub mod findings;

use self::findings::{SUPPRESSION_WITHOUT_REASON, UNUSED_SUPPRESSION};
use crate::diagnostic::Diagnostic;
use crate::settings::Settings;
use crate::source::SourceDb;
use crate::span::{FileId, Span};
use once_cell::sync::Lazy;
use regex::Regex;
use std::collections::{HashMap, HashSet};

static COMMENT: Lazy<Regex> = Lazy::new(|| {
    Regex::new(r"(?:#|//)[ \t]*latticelint[ \t]*:[ \t]*ignore(?:\[(?P<rules>[^\]\n]*)\])?(?P<reason>[^\n]*)").unwrap()
});

/// One rule name inside a suppression comment.
#[derive(Debug, Clone)]
pub struct SuppressedRule {
    pub name: String,
    pub span: Span,
}

/// One `latticelint: ignore[...]` comment.
#[derive(Debug, Clone)]
pub struct Suppression {
    /// Display path of the file holding the comment.
    pub path: String,
    /// 1-based line whose findings it covers.
    pub target_line: u32,
    pub rules: Vec<SuppressedRule>,
    pub reason: Option<String>,
    /// The whole comment.
    pub span: Span,
}

/// Every suppression comment in the run's real files (each path once).
pub fn collect(db: &SourceDb) -> Vec<Suppression> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for i in 0..db.len() {
        let file = db.get(FileId(i as u32));
        if file.embedding.is_some() || !seen.insert(file.display.clone()) {
            continue;
        }
        scan(FileId(i as u32), &file.display, &file.text, &mut out);
    }
    out
}

/// Finds the suppression comments of one file's text.
pub fn scan(file: FileId, display: &str, text: &str, out: &mut Vec<Suppression>) {
    if !text.contains("latticelint") {
        return;
    }
    // (line number, start offset, own-line comment?) for each line holding a suppression.
    let mut lines: Vec<(u32, usize, usize)> = Vec::new();
    let mut offset = 0;
    for (i, raw) in text.split_inclusive('\n').enumerate() {
        lines.push((i as u32 + 1, offset, raw.len()));
        offset += raw.len();
    }
    let mut pending: Vec<Suppression> = Vec::new();
    for &(line_no, start, len) in &lines {
        let line = &text[start..start + len];
        let Some(c) = COMMENT.captures(line) else {
            let blank = line.trim().is_empty();
            if !blank {
                for mut s in pending.drain(..) {
                    s.target_line = line_no;
                    out.push(s);
                }
            }
            continue;
        };
        let whole = c.get(0).expect("match");
        let own_line = line[..whole.start()].trim().is_empty();
        let rules = c
            .name("rules")
            .map(|m| {
                let mut v = Vec::new();
                let mut at = m.start();
                for part in m.as_str().split(',') {
                    let lead = part.len() - part.trim_start().len();
                    let name = part.trim();
                    if !name.is_empty() {
                        let s = start + at + lead;
                        v.push(SuppressedRule { name: name.to_string(), span: Span::new(file, s, s + name.len()) });
                    }
                    at += part.len() + 1;
                }
                v
            })
            .unwrap_or_default();
        let reason = c
            .name("reason")
            .map(|m| m.as_str().trim().trim_start_matches([':', '-', '—']).trim().to_string())
            .filter(|r| !r.is_empty());
        let comment_end = start + whole.end() - whole.as_str().len() + whole.as_str().trim_end().len();
        let s = Suppression {
            path: display.to_string(),
            target_line: line_no,
            rules,
            reason,
            span: Span::new(file, start + whole.start(), comment_end),
        };
        if own_line {
            pending.push(s);
        } else {
            for mut p in pending.drain(..) {
                p.target_line = line_no;
                out.push(p);
            }
            out.push(s);
        }
    }
    // Comments at the end of the file cover nothing; they are kept so they are reported as unused.
    let last = lines.last().map(|l| l.0 + 1).unwrap_or(1);
    for mut s in pending {
        s.target_line = last;
        out.push(s);
    }
}

/// Removes suppressed findings; returns the kept ones plus findings about the suppressions themselves.
/// Those findings (`unused-suppression`, `suppression-without-reason`) can be suppressed too, so
/// matching repeats until no further suppression gets used. `is_rule` tells registered rule names
/// (the registry sits in a layer above this module).
pub fn apply(
    db: &SourceDb,
    settings: &Settings,
    diagnostics: Vec<Diagnostic>,
    is_rule: &dyn Fn(&str) -> bool,
) -> Vec<Diagnostic> {
    let sups = collect(db);
    if sups.is_empty() {
        return diagnostics;
    }
    let mut by_line: HashMap<(&str, u32), Vec<usize>> = HashMap::new();
    for (i, s) in sups.iter().enumerate() {
        by_line.entry((s.path.as_str(), s.target_line)).or_default().push(i);
    }
    let m = Matcher { db, sups: &sups, by_line };
    // used: (suppression index, rule index)
    let mut used: HashSet<(usize, usize)> = HashSet::new();
    let mut kept: Vec<Diagnostic> =
        diagnostics.into_iter().filter(|d| !m.suppress_except(d, None, &mut used)).collect();
    loop {
        let before = used.len();
        let meta: Vec<Diagnostic> = m
            .meta_findings(settings, is_rule, &used)
            .into_iter()
            .filter(|(own, d)| !m.suppress_except(d, Some(*own), &mut used))
            .map(|(_, d)| d)
            .collect();
        if used.len() == before {
            kept.extend(meta);
            return kept;
        }
    }
}

struct Matcher<'a> {
    db: &'a SourceDb,
    sups: &'a [Suppression],
    by_line: HashMap<(&'a str, u32), Vec<usize>>,
}

impl Matcher<'_> {
    /// True when a suppression (other than `except`) covers `d`; marks the rule entries that matched as used.
    fn suppress_except(&self, d: &Diagnostic, except: Option<usize>, used: &mut HashSet<(usize, usize)>) -> bool {
        if (d.span.file.0 as usize) >= self.db.len() {
            return false;
        }
        let loc = self.db.locate(d.span);
        let mut suppressed = false;
        for &si in self.by_line.get(&(loc.path.as_str(), loc.line)).into_iter().flatten() {
            if Some(si) == except {
                continue;
            }
            for (ri, r) in self.sups[si].rules.iter().enumerate() {
                if r.name == d.rule.name || r.name == "all" || r.name == "*" {
                    used.insert((si, ri));
                    suppressed = true;
                }
            }
        }
        suppressed
    }

    /// Findings about suppressions that matched nothing, name no or unknown rules, or give no reason.
    fn meta_findings(
        &self,
        settings: &Settings,
        is_rule: &dyn Fn(&str) -> bool,
        used: &HashSet<(usize, usize)>,
    ) -> Vec<(usize, Diagnostic)> {
        let mut out = Vec::new();
        for (si, s) in self.sups.iter().enumerate() {
            if s.rules.is_empty() {
                out.push((
                    si,
                    Diagnostic::new(&UNUSED_SUPPRESSION, s.span, "suppression names no rule")
                        .with_label("`ignore` needs rule names in brackets")
                        .with_help("write `# latticelint: ignore[rule-name] reason`"),
                ));
                continue;
            }
            for (ri, r) in s.rules.iter().enumerate() {
                if used.contains(&(si, ri)) {
                    continue;
                }
                let wildcard = r.name == "all" || r.name == "*";
                let known = wildcard || is_rule(&r.name);
                if known && !wildcard && !settings.rule_enabled(&r.name) {
                    continue; // the rule did not run, so the suppression cannot be judged
                }
                out.push((
                    si,
                    if known {
                        Diagnostic::new(
                            &UNUSED_SUPPRESSION,
                            r.span,
                            format!("suppression of `{}` matches no finding on line {}", r.name, s.target_line),
                        )
                        .with_label("nothing to suppress here")
                        .with_help("remove it, or move it onto the line of the finding or the line before")
                    } else {
                        Diagnostic::new(
                            &UNUSED_SUPPRESSION,
                            r.span,
                            format!("suppression names unknown rule `{}`", r.name),
                        )
                        .with_label("no such rule")
                        .with_help("`latticelint rules` lists the rule names")
                    },
                ));
            }
            let any_used = (0..s.rules.len()).any(|ri| used.contains(&(si, ri)));
            if s.reason.is_none() && any_used {
                out.push((
                    si,
                    Diagnostic::new(&SUPPRESSION_WITHOUT_REASON, s.span, "suppression gives no reason")
                        .with_label("why is this finding acceptable?")
                        .with_help("add the reason after the brackets: `# latticelint: ignore[rule] reason`"),
                ));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scanned(text: &str) -> Vec<Suppression> {
        let mut v = Vec::new();
        scan(FileId(0), "a.conf", text, &mut v);
        v
    }

    #[test]
    fn finds_trailing_and_own_line_comments() {
        let text = "a: 1 # latticelint: ignore[unused-suppression] legacy\n\
                    // latticelint: ignore[x, y] two rules\n\
                    # latticelint: ignore[z]\n\
                    \n\
                    b: 2\n";
        let s = scanned(text);
        assert_eq!(s.len(), 3);
        assert_eq!((s[0].target_line, s[0].reason.as_deref()), (1, Some("legacy")));
        assert_eq!(s[1].target_line, 5);
        assert_eq!(s[1].rules.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(), ["x", "y"]);
        assert_eq!(&text[s[1].rules[1].span.range()], "y");
        assert_eq!((s[2].target_line, s[2].reason.as_deref()), (5, None));
        assert_eq!(&text[s[0].span.range()], "# latticelint: ignore[unused-suppression] legacy");
    }

    fn is_rule(name: &str) -> bool {
        crate::rules::find(name).is_some()
    }

    fn db_with(text: &str) -> (SourceDb, FileId) {
        let db = SourceDb::new("/d");
        let id = db.add(std::path::PathBuf::from("/d/a.conf"), text);
        (db, id)
    }

    fn at(db: &SourceDb, file: FileId, needle: &str, rule: &'static crate::diagnostic::RuleMeta) -> Diagnostic {
        let text = db.get(file).text.clone();
        let i = text.find(needle).unwrap();
        Diagnostic::new(rule, Span::new(file, i, i + needle.len()), "m")
    }

    #[test]
    fn suppresses_on_the_line_and_the_line_before_and_reports_the_rest() {
        let text = "a: 1 # latticelint: ignore[unused-suppression] known\n\
                    # latticelint: ignore[suppression-without-reason]\n\
                    b: 2\n\
                    c: 3 # latticelint: ignore[unused-suppression, no-such-rule] why\n\
                    d: 4\n";
        let (db, f) = db_with(text);
        let diags = vec![
            at(&db, f, "a: 1", &findings::UNUSED_SUPPRESSION),
            at(&db, f, "b: 2", &findings::SUPPRESSION_WITHOUT_REASON),
            at(&db, f, "d: 4", &findings::UNUSED_SUPPRESSION),
        ];
        let out = apply(&db, &Settings::default(), diags, &is_rule);
        let loc = |d: &Diagnostic| db.locate(d.span);
        let mut got: Vec<(String, u32, String)> =
            out.iter().map(|d| (d.rule.name.to_string(), loc(d).line, d.message.clone())).collect();
        got.sort();
        assert_eq!(
            got,
            vec![
                ("suppression-without-reason".into(), 2, "suppression gives no reason".into()),
                ("unused-suppression".into(), 4, "suppression names unknown rule `no-such-rule`".into()),
                (
                    "unused-suppression".into(),
                    4,
                    "suppression of `unused-suppression` matches no finding on line 4".into()
                ),
                ("unused-suppression".into(), 5, "m".into()),
            ]
        );
    }

    #[test]
    fn skips_rules_that_did_not_run() {
        let (db, _) = db_with("a: 1 # latticelint: ignore[unused-suppression] off\n");
        let settings = Settings { ignore: vec!["unused-suppression".into()], ..Settings::default() };
        assert!(apply(&db, &settings, Vec::new(), &is_rule).is_empty());
    }

    #[test]
    fn findings_about_suppressions_can_be_suppressed() {
        let text = "# latticelint: ignore[unused-suppression] the next comment is kept on purpose\n\
                    x: 1 # latticelint: ignore[suppression-without-reason] stale\n\
                    y: 2 # latticelint: ignore[suppression-without-reason, unused-suppression] self\n";
        let (db, _) = db_with(text);
        let out = apply(&db, &Settings::default(), Vec::new(), &is_rule);
        // Lines 1-2: the comment on line 1 covers the stale one on line 2. Line 3: a suppression
        // never covers findings about itself, so both of its entries are reported.
        let lines: Vec<u32> = out.iter().map(|d| db.locate(d.span).line).collect();
        assert_eq!(lines, [3, 3], "{out:?}");
    }
}
