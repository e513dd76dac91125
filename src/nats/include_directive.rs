//! `include` directives: where the file is (`filepath.Join(dir(including file), path)`), cycle
//! and depth checks, the parse of the included file, and how its keys join the including map
//! (each key's last assignment, in order). Reading goes through [`super::include::IncludeLoader`].

use super::include::{go_dir, go_join, IncludeRequest};
use super::lexer::Item;
use super::parser::{FailKind, Failure, KeyRec, Parser};
use super::value::Entry;
use crate::diagnostic::Diagnostic;
use crate::span::{FileId, Span};
use std::path::{Path, PathBuf};

/// Includes nested deeper than this are refused (cycles are caught earlier).
const MAX_INCLUDE_DEPTH: usize = 64;

impl Parser<'_, '_, '_> {
    pub(super) fn include(&mut self, it: &Item, directive: Span) -> Result<(), Failure> {
        let written = self.lx.text(it).to_string();
        let resolved = go_join(&go_dir(&self.path), &written);
        let req = IncludeRequest {
            including: self.file,
            including_path: &self.path,
            written: &written,
            resolved: resolved.clone(),
        };
        let loaded = match self.s.loader.load(self.s.db, &req) {
            Ok(l) => l,
            Err(e) => {
                let go = format!("error parsing include file '{written}', error opening config file: {}", e.reason);
                // Paths in diagnostics are relative to the scanned root, like every other path shown.
                let shown = self.s.db.display_path(&resolved);
                let reason = e.reason.replace(&resolved.display().to_string(), &shown);
                let help = if written.starts_with('/') {
                    format!("nats-server joins even absolute include paths under the including file's folder (it opens `{shown}`): use a path relative to this file")
                } else {
                    format!("include paths are relative to the including file's folder; nats-server opens `{shown}`")
                };
                let d = Diagnostic::new(
                    &crate::nats::findings::INCLUDE_NOT_FOUND,
                    directive,
                    format!("included file `{written}` cannot be read: {reason}"),
                )
                .with_label("included here")
                .with_help(help);
                return Err(self.fail(go, d, FailKind::Syntax));
            }
        };
        if self.s.include_stack[0].0.is_empty() {
            let p = &self.s.root_path;
            self.s.include_stack[0].0 = self.s.db.canonical_or_same(p).to_string_lossy().into_owned();
        }
        if let Some(pos) = self.s.include_stack.iter().position(|(id, ..)| *id == loaded.identity) {
            let mut names: Vec<String> = self.s.include_stack[pos..]
                .iter()
                .map(|(_, f, _)| format!("`{}`", self.s.db.get(*f).display))
                .collect();
            names.push(format!("`{}`", self.s.db.get(loaded.file).display));
            let mut d = Diagnostic::new(
                &crate::nats::findings::INCLUDE_CYCLE,
                directive,
                format!("include cycle: {}", names.join(" → ")),
            )
            .with_label("this include closes the cycle")
            .with_help("remove one of the includes; nats-server recurses until it crashes with a stack overflow");
            for (_, _, dir) in self.s.include_stack[pos..].iter() {
                if let Some(sp) = dir {
                    d = d.with_related(*sp, "included here");
                }
            }
            let plain: Vec<String> = names.iter().map(|n| n.trim_matches('`').to_string()).collect();
            let go = format!("error parsing include file '{written}', include cycle: {}", plain.join(" -> "));
            return Err(self.fail(go, d, FailKind::Syntax));
        }
        if self.s.include_stack.len() > MAX_INCLUDE_DEPTH {
            let d = Diagnostic::new(
                &crate::nats::findings::INCLUDE_CYCLE,
                directive,
                format!("includes nest deeper than {MAX_INCLUDE_DEPTH} files"),
            )
            .with_label("included here")
            .with_help("flatten the include chain");
            return Err(self.fail(
                format!("error parsing include file '{written}', includes nest too deeply"),
                d,
                FailKind::Syntax,
            ));
        }
        if let Some(d) = self.outside_root(loaded.file, directive, &written) {
            self.push_diag(d);
        }
        if let Some(w) = &loaded.warning {
            let d = Diagnostic::new(
                &crate::nats::findings::INVALID_ENCODING,
                directive,
                format!("included file `{written}` has {w}"),
            )
            .with_label("included here")
            .with_help("save the file as UTF-8");
            self.push_diag(d);
        }
        if !self.s.includes.contains(&loaded.file) {
            self.s.includes.push(loaded.file);
        }
        let source = self.s.db.get(loaded.file);
        self.s.include_stack.push((loaded.identity.clone(), loaded.file, Some(directive)));
        let (map, res) = {
            let sub = Parser::new(&source.text[..], loaded.file, resolved, &mut *self.s, self.quiet);
            sub.run()
        };
        self.s.include_stack.pop();
        if let Err(f) = res {
            return Err(Failure { go: format!("error parsing include file '{written}', {}", f.go), kind: f.kind });
        }
        let mut seen = std::collections::HashSet::new();
        let entries: Vec<Entry> = map.entries.into_iter().rev().filter(|e| seen.insert(e.key.clone())).collect();
        for e in entries.into_iter().rev() {
            self.keys.push(KeyRec { name: e.key, span: e.key_span, reported: false });
            self.set_value(e.value, Some(directive), e.used_as_variable)?;
        }
        Ok(())
    }

    /// `include-outside-root` when `opts.root` is set and the file read (a real file, after
    /// following symbolic links) lies outside it.
    fn outside_root(&self, file: FileId, directive: Span, written: &str) -> Option<Diagnostic> {
        let root = self.s.opts.root.as_ref()?;
        let source = self.s.db.get(file);
        if source.embedding.is_some() {
            return None;
        }
        let abs = |p: &Path| -> PathBuf {
            self.s.db.canonical(p).unwrap_or_else(|| {
                let joined =
                    if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir().unwrap_or_default().join(p) };
                PathBuf::from(super::include::go_clean(&joined.to_string_lossy()))
            })
        };
        let (root_abs, file_abs) = (abs(root), abs(&source.path));
        if file_abs.starts_with(&root_abs) {
            return None;
        }
        Some(
            Diagnostic::new(
                &crate::nats::findings::INCLUDE_OUTSIDE_ROOT,
                directive,
                format!(
                    "include `{written}` reads `{}`, outside the scanned folder",
                    relative_to(&root_abs, &file_abs)
                ),
            )
            .with_label("leaves the scanned folder")
            .with_help("keep included files inside the deployment folder, or lint the folder that holds both"),
        )
    }
}

/// `to` relative to the folder `from` (both absolute), with `/` separators: `../outside/a.conf`.
fn relative_to(from: &Path, to: &Path) -> String {
    let f: Vec<_> = from.components().collect();
    let t: Vec<_> = to.components().collect();
    let common = f.iter().zip(&t).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".into(); f.len() - common];
    parts.extend(t[common..].iter().map(|c| c.as_os_str().to_string_lossy().into_owned()));
    parts.join("/")
}
