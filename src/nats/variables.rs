//! `$variables`: what a reference resolves to, like `lookupVariable` of nats-server's parser: a
//! `$2a$` bcrypt hash is a literal, then the enclosing maps innermost first, then the environment
//! given in [`super::ParseOptions`] (whose value is parsed as a config value, cycles detected).
//! Also the releases that delete referenced keys afterwards (`cleanupUsedEnvVars`).

use super::lexer::Item;
use super::parser::{line_of, Ctx, FailKind, Failure, Parser};
use super::value::{Map, Value, ValueKind, VariableOrigin};
use crate::diagnostic::Diagnostic;
use crate::span::Span;
use crate::version::NatsVersion;
use std::path::PathBuf;

/// Environment variables referring to each other deeper than this are refused.
const MAX_ENV_DEPTH: usize = 64;

/// Versions that detect environment variable cycles instead of crashing.
fn detects_env_cycles(v: NatsVersion) -> bool {
    match (v.major, v.minor) {
        (2, 11) => v.patch >= 12,
        (2, 12) => v.patch >= 4,
        (2, 13) => false,
        (2, m) => m >= 14,
        (maj, _) => maj > 2,
    }
}

/// Releases that delete every `$`-referenced key before the server sees the config
/// (`cleanupUsedEnvVars`, v2.11.0-v2.11.17 and v2.12.0-v2.12.5).
pub(crate) fn deletes_used_variables(v: NatsVersion) -> bool {
    matches!((v.major, v.minor, v.patch), (2, 11, 0..=17) | (2, 12, 0..=5))
}

/// Removes `$`-referenced entries recursively through maps (not arrays), like `cleanupUsedEnvVars`,
/// reporting each as `silent-value-loss`.
pub(crate) fn delete_used_variables(m: &mut Map, v: NatsVersion, out: &mut Vec<Diagnostic>) {
    m.entries.retain_mut(|e| {
        if e.used_as_variable {
            out.push(
                Diagnostic::new(
                    &crate::nats::findings::SILENT_VALUE_LOSS,
                    e.key_span,
                    format!("`{}` is referenced as `${}`, and nats-server {v} deletes referenced keys before using the config", e.key, e.key),
                )
                .with_label("deleted by nats-server 2.11.0-2.11.17 and 2.12.0-2.12.5")
                .with_help("upgrade nats-server, or keep the setting and the variable under different names"),
            );
            return false;
        }
        if let ValueKind::Map(inner) = &mut e.value.kind {
            delete_used_variables(inner, v, out);
        }
        true
    });
}

impl Parser<'_, '_, '_> {
    pub(super) fn variable(&mut self, it: &Item, span: Span) -> Result<(), Failure> {
        let name = self.lx.text(it).to_string();
        // Only errors need the line: counting it for every reference is quadratic in big files.
        let line = |text: &str| line_of(text, it.end);
        match self.lookup(&name, span) {
            Ok(Some(v)) => {
                let used = false;
                self.set_value(v, None, used)
            }
            Ok(None) => {
                let go = format!("variable reference for '{name}' on line {} can not be found", line(self.text));
                let help = if name.starts_with("2b$") || name.starts_with("2y$") {
                    "nats-server only treats `$2a$` bcrypt hashes as literals: quote the hash or generate a `$2a$` one"
                        .to_string()
                } else if name.starts_with('{') {
                    "`${NAME}` is not supported: write `$NAME`".to_string()
                } else {
                    format!("define `{name}` earlier in this or an enclosing block, or set the environment variable `{name}`")
                };
                let d = Diagnostic::new(
                    &crate::nats::findings::UNDEFINED_VARIABLE,
                    span,
                    format!("variable `{name}` is not defined"),
                )
                .with_label("not defined before this point nor in the environment")
                .with_help(help);
                Err(self.fail(go, d, FailKind::NotFound(name)))
            }
            Err(f) => {
                let go = format!(
                    "variable reference for '{name}' on line {} could not be parsed: {}",
                    line(self.text),
                    f.go
                );
                let d = match &f.kind {
                    FailKind::Cycle(chain) => {
                        let crash = if detects_env_cycles(self.s.opts.version) {
                            String::new()
                        } else {
                            format!("; nats-server {} crashes with a stack overflow here", self.s.opts.version)
                        };
                        Diagnostic::new(
                            &crate::nats::findings::UNDEFINED_VARIABLE,
                            span,
                            format!(
                                "environment variables refer to each other in a cycle: {}{crash}",
                                chain.join(" → ")
                            ),
                        )
                        .with_label("cycle starts here")
                        .with_help("make one of the environment variables hold a value instead of a `$` reference")
                    }
                    FailKind::NotFound(inner) => Diagnostic::new(
                        &crate::nats::findings::UNDEFINED_VARIABLE,
                        span,
                        format!("environment variable `{name}` refers to `{inner}`, which is not defined"),
                    )
                    .with_label("resolved through the environment")
                    .with_help(format!("set `{inner}` or change the value of `{name}`")),
                    _ => Diagnostic::new(
                        &crate::nats::findings::SYNTAX_ERROR,
                        span,
                        format!("value of environment variable `{name}` does not parse: {}", f.go),
                    )
                    .with_label("value comes from the environment")
                    .with_help("quote the value inside the variable (e.g. `\"hello world\"`) or fix its syntax"),
                };
                let kind = f.kind.clone();
                if matches!(kind, FailKind::Reported) {
                    return Err(Failure { go, kind });
                }
                Err(self.fail(go, d, kind))
            }
        }
    }

    /// `lookupVariable`: bcrypt literal, enclosing maps innermost first, then the environment.
    fn lookup(&mut self, name: &str, reference: Span) -> Result<Option<Value>, Failure> {
        if name.starts_with("2a$") {
            return Ok(Some(Value::new(ValueKind::String(format!("${name}")), reference)));
        }
        for ctx in self.ctxs.iter_mut().rev() {
            if let Ctx::Map { map, .. } = ctx {
                if let Some(e) = map.entries.iter_mut().rev().find(|e| e.key == name) {
                    e.used_as_variable = true;
                    let mut v = e.value.clone();
                    let definition = Some(e.value.span);
                    v.span = reference;
                    v.via_variable = Some(Box::new(VariableOrigin { name: name.to_string(), reference, definition }));
                    return Ok(Some(v));
                }
            }
        }
        if self.s.env_chain.iter().any(|n| n == name) {
            let mut chain: Vec<String> =
                self.s.env_chain.iter().skip_while(|n| *n != name).map(|n| format!("`{n}`")).collect();
            chain.push(format!("`{name}`"));
            return Err(Failure { go: format!("variable reference cycle for '{name}'"), kind: FailKind::Cycle(chain) });
        }
        let Some(raw) = self.s.opts.env.lookup(name) else {
            return Ok(None);
        };
        if self.s.env_chain.len() >= MAX_ENV_DEPTH {
            return Err(Failure {
                go: format!("variable reference for '{name}' nests environment variables too deeply"),
                kind: FailKind::Syntax,
            });
        }
        let text = format!("pk={raw}");
        self.s.env_chain.push(name.to_string());
        let (map, res) = {
            let sub = Parser::new(&text, self.file, PathBuf::new(), &mut *self.s, true);
            sub.run()
        };
        self.s.env_chain.pop();
        res?;
        Ok(map.get("pk").cloned().map(|mut v| {
            respan(&mut v, reference);
            v.via_variable = Some(Box::new(VariableOrigin { name: name.to_string(), reference, definition: None }));
            v
        }))
    }
}

/// Points every span of an environment-derived value at the `$NAME` reference.
fn respan(v: &mut Value, span: Span) {
    v.span = span;
    match &mut v.kind {
        ValueKind::Map(m) => {
            for e in &mut m.entries {
                e.key_span = span;
                respan(&mut e.value, span);
            }
        }
        ValueKind::Array(a) => a.iter_mut().for_each(|x| respan(x, span)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn env_cycle_versions() {
        assert!(detects_env_cycles(NatsVersion::NEWEST));
        assert!(detects_env_cycles(NatsVersion::new(2, 11, 12)));
        assert!(!detects_env_cycles(NatsVersion::new(2, 11, 11)));
        assert!(!detects_env_cycles(NatsVersion::new(2, 10, 27)));
        assert!(!detects_env_cycles(NatsVersion::V2_9_10));
    }
}
