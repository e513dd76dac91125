//! A small POSIX-shell lexer for deployment scripts and Makefile recipes: simple commands split on
//! `;`, `&`, `&&`, `|`, `||`, `(`, `)` and new lines; words with quotes removed, `\` newline
//! continuations joined, comments and here-documents skipped, redirections dropped, and variables
//! expanded from a [`Vars`] table (`$X`, `${X}`, `${X:-d}`, `${X-d}`, `${X:=d}`; in Makefiles also
//! `$(X)` and `$$` for a shell `$`). Every word keeps the span of its raw text; a word whose value is
//! exactly one variable also carries the span of that variable's assigned value.
//!
//! [`split_words`] splits command lines no shell reads the same way, expanding nothing.
//!
//! Unset variables expand to the empty string (latticelint reads files with an empty environment);
//! command substitutions (`$(...)`, backquotes) cannot be known and mark the word `unknown`.

use crate::span::{FileId, Span};
use std::collections::HashMap;

/// A shell or make variable: value, span of the value as written, exported to commands.
#[derive(Debug, Clone)]
pub struct Var {
    pub value: String,
    pub span: Span,
    pub exported: bool,
    /// The value came from a command substitution or an unknown expansion.
    pub unknown: bool,
}

/// Variables in scope, by name.
#[derive(Debug, Clone, Default)]
pub struct Vars {
    pub shell: HashMap<String, Var>,
    /// Makefile variables (`$(X)` in recipes).
    pub make: HashMap<String, Var>,
}

/// One word of a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    /// The value after quote removal and expansion.
    pub value: String,
    /// The raw text of the word.
    pub span: Span,
    /// When the whole value (after `NAME=` for assignments) is one variable assigned in the file:
    /// the span of that assignment's value.
    pub var_span: Option<Span>,
    /// Part of the value could not be known (command substitution).
    pub unknown: bool,
    /// For `NAME=value` words (the `=` unquoted, `NAME` an identifier): the name and the span of
    /// the value as written.
    pub assign: Option<(String, Span)>,
}

impl Word {
    /// The span to report the value at: where its variable was assigned, else the word itself.
    pub fn value_span(&self) -> Span {
        self.var_span.unwrap_or(self.span)
    }
}

/// A simple command: its words (assignments first, as written).
pub type Command = Vec<Word>;

#[derive(Clone, Copy, PartialEq)]
enum Single {
    Empty,
    Var(Option<Span>),
    Mixed,
}

struct Lexer<'a> {
    text: &'a str,
    b: &'a [u8],
    pos: usize,
    file: FileId,
    base: usize,
    make: bool,
    /// Words only ([`split_words`]): no expansion, operators, comments or redirections.
    literal: bool,
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_'
}

fn is_ident(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// Lexes `text` (found at byte `base` of `file`) command by command, expanding variables from
/// `vars` as they are when the command is reached: `f` sees each command and may update `vars`
/// (so `D=x; wash up --nats-js-domain "$D"` expands `$D`).
pub fn for_each_command(
    text: &str,
    file: FileId,
    base: usize,
    make: bool,
    vars: &mut Vars,
    mut f: impl FnMut(&mut Vars, Command),
) {
    let mut lx = Lexer { text, b: text.as_bytes(), pos: 0, file, base, make, literal: false };
    while let Some(cmd) = lx.next_command(vars) {
        f(vars, cmd);
    }
}

/// Splits `text` (found at byte `base` of `file`) into words the way a POSIX shell does (quotes
/// removed, `\` escapes), with nothing expanded: `$X`, `;`, `#` and `>` are text. Each word has
/// the span of its raw text. For command lines that no shell reads (systemd `ExecStart=`, compose
/// and Kubernetes `command:` strings).
pub fn split_words(text: &str, file: FileId, base: usize) -> Vec<crate::span::Spanned<String>> {
    let mut lx = Lexer { text, b: text.as_bytes(), pos: 0, file, base, make: false, literal: true };
    let vars = Vars::default();
    let mut out = Vec::new();
    loop {
        while lx.pos < lx.b.len() && lx.b[lx.pos].is_ascii_whitespace() {
            lx.pos += 1;
        }
        if lx.pos >= lx.b.len() {
            return out;
        }
        let w = lx.word(&vars);
        out.push(crate::span::Spanned::new(w.value, w.span));
    }
}

/// Every command of `text`, expanded with `vars` as given (no assignment is applied).
pub fn commands(text: &str, file: FileId, base: usize, vars: &Vars, make: bool) -> Vec<Command> {
    let mut out = Vec::new();
    let mut vars = vars.clone();
    for_each_command(text, file, base, make, &mut vars, |_, c| out.push(c));
    out
}

/// Splits a script into logical lines: `(offset, text)`, joining `\` newline continuations and
/// skipping here-document bodies. Newlines inside quotes also continue a line.
pub fn logical_lines(text: &str) -> Vec<(usize, &str)> {
    let b = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    let mut quote: Option<u8> = None;
    let mut heredocs: Vec<(String, bool)> = Vec::new();
    let mut word_start = true;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' && q == b'"' {
                    i += 2;
                    continue;
                }
                if c == q {
                    quote = None;
                }
            }
            None => match c {
                b'\\' => {
                    i += 2;
                    word_start = false;
                    continue;
                }
                b'\'' | b'"' => quote = Some(c),
                b'#' if word_start => {
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                b'<' if b.get(i + 1) == Some(&b'<') && b.get(i + 2) != Some(&b'<') => {
                    let mut j = i + 2;
                    let strip = b.get(j) == Some(&b'-');
                    if strip {
                        j += 1;
                    }
                    while j < b.len() && (b[j] == b' ' || b[j] == b'\t') {
                        j += 1;
                    }
                    let s = j;
                    while j < b.len() && !b[j].is_ascii_whitespace() && !matches!(b[j], b';' | b'&' | b'|' | b')') {
                        j += 1;
                    }
                    let delim: String = text[s..j].chars().filter(|c| !matches!(c, '\'' | '"' | '\\')).collect();
                    if !delim.is_empty() {
                        heredocs.push((delim, strip));
                    }
                    i = j;
                    word_start = false;
                    continue;
                }
                b'\n' => {
                    out.push((start, &text[start..i]));
                    i += 1;
                    // Skip here-document bodies started on this line.
                    for (delim, strip) in std::mem::take(&mut heredocs) {
                        while i < b.len() {
                            let end = text[i..].find('\n').map_or(b.len(), |e| i + e);
                            let line = text[i..end].trim_end_matches('\r');
                            let line = if strip { line.trim_start_matches('\t') } else { line };
                            i = (end + 1).min(b.len());
                            if line == delim {
                                break;
                            }
                        }
                    }
                    start = i;
                    word_start = true;
                    continue;
                }
                _ => {}
            },
        }
        word_start = quote.is_none() && (c.is_ascii_whitespace() || matches!(c, b';' | b'&' | b'|' | b'(' | b')'));
        i += 1;
    }
    if start < b.len() {
        out.push((start, &text[start..]));
    }
    out
}

impl Lexer<'_> {
    fn span(&self, s: usize, e: usize) -> Span {
        Span::new(self.file, self.base + s, self.base + e)
    }

    /// The next non-empty command, or `None` at the end of the text.
    fn next_command(&mut self, vars: &Vars) -> Option<Command> {
        let mut cur: Command = Vec::new();
        let mut skip_next = false;
        loop {
            // blanks
            while self.pos < self.b.len() && matches!(self.b[self.pos], b' ' | b'\t' | b'\r') {
                self.pos += 1;
            }
            if self.pos >= self.b.len() {
                break;
            }
            let c = self.b[self.pos];
            match c {
                b'\\' if self.b.get(self.pos + 1) == Some(&b'\n') => {
                    self.pos += 2;
                }
                b'#' => {
                    while self.pos < self.b.len() && self.b[self.pos] != b'\n' {
                        self.pos += 1;
                    }
                }
                b'\n' | b';' | b'&' | b'|' | b'(' | b')' => {
                    self.pos += 1;
                    if !cur.is_empty() {
                        return Some(cur);
                    }
                    skip_next = false;
                }
                b'<' | b'>' => {
                    self.redirection();
                    skip_next = self.pos >= self.b.len() || matches!(self.b[self.pos], b' ' | b'\t');
                    if !skip_next {
                        // target attached: `>file`, `>&2`
                        let _ = self.word(vars);
                    }
                }
                _ => {
                    let w = self.word(vars);
                    // `2>file`: a word of digits followed by a redirection is the fd number.
                    if self.pos < self.b.len()
                        && matches!(self.b[self.pos], b'<' | b'>')
                        && !w.value.is_empty()
                        && w.value.bytes().all(|c| c.is_ascii_digit())
                        && self.text[w.span.start as usize - self.base..self.pos].bytes().all(|c| c.is_ascii_digit())
                    {
                        continue;
                    }
                    if skip_next {
                        skip_next = false;
                        continue;
                    }
                    cur.push(w);
                }
            }
        }
        (!cur.is_empty()).then_some(cur)
    }

    /// Consumes a redirection operator (`>`, `>>`, `<`, `>&`, `<<`, `<<-`, `<<<`, `&>`).
    fn redirection(&mut self) {
        let first = self.b[self.pos];
        self.pos += 1;
        while self.pos < self.b.len()
            && (self.b[self.pos] == first || self.b[self.pos] == b'&' || self.b[self.pos] == b'|')
        {
            self.pos += 1;
        }
        if first == b'<' && self.b.get(self.pos) == Some(&b'-') {
            self.pos += 1;
        }
    }

    fn word(&mut self, vars: &Vars) -> Word {
        let start = self.pos;
        let mut value = String::new();
        let mut single = Single::Empty;
        let mut unknown = false;
        let mut assign_at: Option<usize> = None; // raw offset of the `=` of `NAME=`
        let mut name_ok = true; // only unquoted identifier chars so far
        let mut quote: Option<u8> = None;
        while self.pos < self.b.len() {
            let c = self.b[self.pos];
            if quote.is_none() {
                let operator = matches!(c, b';' | b'&' | b'|' | b'(' | b')' | b'<' | b'>');
                if c.is_ascii_whitespace() || (operator && !self.literal) {
                    break;
                }
                if c == b'=' && assign_at.is_none() && name_ok && self.pos > start && is_ident_start(self.b[start]) {
                    assign_at = Some(self.pos);
                    value.push('=');
                    single = Single::Empty;
                    self.pos += 1;
                    continue;
                }
            }
            if !(quote.is_none() && is_ident(c)) {
                name_ok = false;
            }
            match (quote, c) {
                (None, b'\'') => {
                    self.pos += 1;
                    let s = self.pos;
                    while self.pos < self.b.len() && self.b[self.pos] != b'\'' {
                        self.pos += 1;
                    }
                    if self.pos > s {
                        value.push_str(&self.text[s..self.pos]);
                        single = Single::Mixed;
                    }
                    self.pos = (self.pos + 1).min(self.b.len());
                }
                (None, b'"') => {
                    quote = Some(b'"');
                    self.pos += 1;
                }
                (Some(b'"'), b'"') => {
                    quote = None;
                    self.pos += 1;
                }
                (_, b'\\') => {
                    let n = self.b.get(self.pos + 1).copied();
                    match n {
                        Some(b'\n') => self.pos += 2,
                        Some(n) if quote.is_none() || matches!(n, b'"' | b'\\' | b'$' | b'`') => {
                            let ch = self.text[self.pos + 1..].chars().next().unwrap_or('\\');
                            value.push(ch);
                            single = Single::Mixed;
                            self.pos += 1 + ch.len_utf8();
                        }
                        _ => {
                            value.push('\\');
                            single = Single::Mixed;
                            self.pos += 1;
                        }
                    }
                }
                (_, b'`') if !self.literal => {
                    self.pos += 1;
                    while self.pos < self.b.len() && self.b[self.pos] != b'`' {
                        self.pos += 1;
                    }
                    self.pos = (self.pos + 1).min(self.b.len());
                    unknown = true;
                    single = Single::Mixed;
                }
                (_, b'$') if !self.literal => {
                    let (v, sp, unk) = self.dollar(vars);
                    unknown |= unk;
                    single = match single {
                        Single::Empty if !unk => Single::Var(sp),
                        _ => Single::Mixed,
                    };
                    value.push_str(&v);
                }
                _ => {
                    let ch = self.text[self.pos..].chars().next().unwrap_or(' ');
                    value.push(ch);
                    single = Single::Mixed;
                    self.pos += ch.len_utf8();
                }
            }
        }
        let span = self.span(start, self.pos);
        let var_span = match single {
            Single::Var(s) => s,
            _ => None,
        };
        let assign = assign_at.map(|eq| {
            let name = self.text[start..eq].to_string();
            let vspan = var_span.unwrap_or_else(|| self.span(eq + 1, self.pos));
            (name, vspan)
        });
        Word { value, span, var_span, unknown, assign }
    }

    /// Expands a `$` expansion at `pos`: value, span of the variable's assignment, unknown.
    fn dollar(&mut self, vars: &Vars) -> (String, Option<Span>, bool) {
        let b = self.b;
        let next = b.get(self.pos + 1).copied();
        let lookup = |name: &str, make: bool| -> Option<&Var> {
            if make {
                vars.make.get(name).or_else(|| vars.shell.get(name))
            } else {
                vars.shell.get(name)
            }
        };
        match next {
            Some(b'$') if self.make => {
                // `$$` in a recipe: a `$` for the shell
                self.pos += 1;
                self.dollar_shell(vars)
            }
            Some(b'(') if self.make => {
                let (name, end) = self.balanced(self.pos + 1, b'(', b')');
                self.pos = end;
                match lookup(name.trim(), true) {
                    Some(v) => (v.value.clone(), Some(v.span), v.unknown),
                    None if is_plain_name(name.trim()) => (String::new(), None, false),
                    None => (String::new(), None, true),
                }
            }
            Some(b'(') => {
                let (_, end) = self.balanced(self.pos + 1, b'(', b')');
                self.pos = end;
                (String::new(), None, true)
            }
            _ => self.dollar_shell(vars),
        }
    }

    fn dollar_shell(&mut self, vars: &Vars) -> (String, Option<Span>, bool) {
        let b = self.b;
        let lookup = |name: &str| -> Option<&Var> {
            if self.make {
                vars.shell.get(name).or_else(|| vars.make.get(name))
            } else {
                vars.shell.get(name)
            }
        };
        match b.get(self.pos + 1).copied() {
            Some(b'{') => {
                let (inner, end) = self.balanced(self.pos + 1, b'{', b'}');
                self.pos = end;
                let nlen = inner.bytes().take_while(|c| is_ident(*c)).count();
                let (name, rest) = inner.as_str().split_at(nlen);
                let var = lookup(name).filter(|_| !name.is_empty());
                let set = var.is_some_and(|v| !v.value.is_empty() || v.unknown);
                let (op, word) = if let Some(w) = rest.strip_prefix(":-").or_else(|| rest.strip_prefix(":=")) {
                    (Some(true), w)
                } else if let Some(w) = rest.strip_prefix('-').or_else(|| rest.strip_prefix('=')) {
                    (Some(false), w)
                } else {
                    (None, "")
                };
                match (op, var) {
                    (None, Some(v)) if rest.is_empty() => (v.value.clone(), Some(v.span), v.unknown),
                    (None, None) if rest.is_empty() => (String::new(), None, false),
                    (Some(colon), v) => {
                        let use_default = if colon { !set } else { v.is_none() };
                        match v {
                            Some(v) if !use_default => (v.value.clone(), Some(v.span), v.unknown),
                            _ => {
                                let simple = !word.contains(['$', '`', '"', '\'']);
                                (word.to_string(), None, !simple)
                            }
                        }
                    }
                    // `${#X}`, `${X%y}`...: not followed
                    _ => (String::new(), None, true),
                }
            }
            Some(c) if is_ident_start(c) => {
                let s = self.pos + 1;
                let mut e = s;
                while e < b.len() && is_ident(b[e]) {
                    e += 1;
                }
                self.pos = e;
                match lookup(&self.text[s..e]) {
                    Some(v) => (v.value.clone(), Some(v.span), v.unknown),
                    None => (String::new(), None, false),
                }
            }
            Some(c) if c.is_ascii_digit() || matches!(c, b'@' | b'*' | b'#' | b'?' | b'$' | b'!' | b'-') => {
                // positional and special parameters: not known
                self.pos += 2;
                (String::new(), None, true)
            }
            _ => {
                self.pos += 1;
                ("$".to_string(), None, false)
            }
        }
    }

    /// The text between the `open` at `at` and its matching `close`, and the offset after it.
    fn balanced(&self, at: usize, open: u8, close: u8) -> (String, usize) {
        let mut depth = 0usize;
        let mut i = at;
        while i < self.b.len() {
            if self.b[i] == open {
                depth += 1;
            } else if self.b[i] == close {
                depth -= 1;
                if depth == 0 {
                    return (self.text[at + 1..i].to_string(), i + 1);
                }
            }
            i += 1;
        }
        (self.text[(at + 1).min(self.b.len())..].to_string(), self.b.len())
    }
}

fn is_plain_name(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|c| is_ident(c) || c == b'.' || c == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lex(text: &str, vars: &Vars) -> Vec<Vec<String>> {
        let mut out = Vec::new();
        for (off, line) in logical_lines(text) {
            for c in commands(line, FileId(0), off, vars, false) {
                out.push(c.into_iter().map(|w| w.value).collect());
            }
        }
        out
    }

    fn var(v: &str, s: usize) -> Var {
        Var { value: v.into(), span: Span::new(FileId(0), s, s + v.len()), exported: false, unknown: false }
    }

    #[test]
    fn commands_quotes_continuations_and_separators() {
        let text = "#!/bin/sh\n# wash up --no\nwash up \\\n  --nats-js-domain 'a b' \\\n  -x \"l\\\"x\" # note\nA=1 B=\"2 3\" nats-server -c x.conf > log 2>&1 &\necho hi && wash up; true\n";
        let got = lex(text, &Vars::default());
        assert_eq!(
            got,
            vec![
                vec!["wash", "up", "--nats-js-domain", "a b", "-x", "l\"x"],
                vec!["A=1", "B=2 3", "nats-server", "-c", "x.conf"],
                vec!["echo", "hi"],
                vec!["wash", "up"],
                vec!["true"],
            ]
        );
    }

    #[test]
    fn words_without_expansion() {
        let text = "-c '/etc/my server.conf' --name=na_1 $HOME a;b \"x\\\"y\"";
        let w = split_words(text, FileId(0), 10);
        let values: Vec<&str> = w.iter().map(|w| w.value.as_str()).collect();
        assert_eq!(values, vec!["-c", "/etc/my server.conf", "--name=na_1", "$HOME", "a;b", "x\"y"]);
        assert_eq!(w[1].span, Span::new(FileId(0), 13, 34));
    }

    #[test]
    fn heredocs_are_skipped() {
        let text = "cat <<EOF > nats.conf\nnats-server -p 1\nEOF\ncat <<-'X'\n\twash up\n\tX\nwash up\n";
        assert_eq!(lex(text, &Vars::default()), vec![vec!["cat"], vec!["cat"], vec!["wash", "up"]]);
    }

    #[test]
    fn expansion_keeps_the_assignment_span() {
        let mut vars = Vars::default();
        vars.shell.insert("D".into(), var("hub", 2));
        let text = "wash up --d \"$D\" --e ${D}x --f ${U:-dflt} --g $(cat f) --h '$D' --i ${D:-z}";
        let cmds = commands(text, FileId(0), 100, &vars, false);
        let w = &cmds[0];
        assert_eq!(w[3].value, "hub");
        assert_eq!(w[3].var_span, Some(Span::new(FileId(0), 2, 5)));
        assert_eq!(w[3].span, Span::new(FileId(0), 112, 116));
        assert_eq!((w[5].value.as_str(), w[5].var_span), ("hubx", None));
        assert_eq!(w[7].value, "dflt");
        assert!(w[9].unknown);
        assert_eq!(w[11].value, "$D");
        assert_eq!(w[13].value, "hub");
    }

    #[test]
    fn assignments_and_make_variables() {
        let mut vars = Vars::default();
        vars.make.insert("DOMAIN".into(), var("edge", 7));
        let cmds = commands("X=$(DOMAIN) wash up --nats-js-domain $(DOMAIN) $$HOME", FileId(0), 0, &vars, true);
        let w = &cmds[0];
        assert_eq!(w[0].assign.as_ref().map(|a| (a.0.as_str(), a.1)), Some(("X", Span::new(FileId(0), 7, 11))));
        assert_eq!(w[0].value, "X=edge");
        assert_eq!(w[4].value, "edge");
        assert_eq!(w[5].value, "");
        let cmds = commands("'A'=1 a=b=c --x=1", FileId(0), 0, &Vars::default(), false);
        assert!(cmds[0][0].assign.is_none());
        assert_eq!(cmds[0][1].assign.as_ref().map(|a| a.0.as_str()), Some("a"));
        assert!(cmds[0][2].assign.is_none());
    }
}
