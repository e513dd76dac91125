//! A deliberately small reader of the NATS config subset used by the truth topologies, lowering
//! straight to `latticelint::model::Server` (spans are not tracked). Used only until the real
//! parser and lowering are on main.
#![allow(dead_code)]

use latticelint::model::*;
use latticelint::span::{Span, Spanned};
use std::collections::BTreeMap;

#[derive(Debug, Clone)]
pub enum V {
    S(String),
    A(Vec<V>),
    M(Vec<(String, V)>),
}

impl V {
    pub fn get(&self, k: &str) -> Option<&V> {
        match self {
            V::M(m) => m
                .iter()
                .rev()
                .find(|(x, _)| x.eq_ignore_ascii_case(k))
                .map(|(_, v)| v),
            _ => None,
        }
    }
    pub fn s(&self) -> Option<&str> {
        match self {
            V::S(s) => Some(s),
            _ => None,
        }
    }
    pub fn arr(&self) -> Vec<&V> {
        match self {
            V::A(a) => a.iter().collect(),
            V::S(_) => vec![self],
            _ => vec![],
        }
    }
}

struct P<'a> {
    b: &'a [u8],
    i: usize,
}

impl<'a> P<'a> {
    fn ws(&mut self) {
        while self.i < self.b.len() {
            let c = self.b[self.i];
            if c == b'#' || (c == b'/' && self.b.get(self.i + 1) == Some(&b'/')) {
                while self.i < self.b.len() && self.b[self.i] != b'\n' {
                    self.i += 1;
                }
            } else if c.is_ascii_whitespace() || c == b',' || c == b';' {
                self.i += 1;
            } else {
                break;
            }
        }
    }
    fn word(&mut self) -> String {
        self.ws();
        if let Some(&q) = self.b.get(self.i) {
            if q == b'"' || q == b'\'' {
                self.i += 1;
                let st = self.i;
                while self.i < self.b.len() && self.b[self.i] != q {
                    self.i += 1;
                }
                let s = String::from_utf8_lossy(&self.b[st..self.i]).to_string();
                self.i += 1;
                return s;
            }
        }
        let st = self.i;
        while self.i < self.b.len() {
            let c = self.b[self.i];
            if c.is_ascii_whitespace()
                || b",;]}".contains(&c)
                || (c == b':' && self.b.get(self.i + 1) != Some(&b'/'))
                || c == b'='
                || c == b'{'
            {
                break;
            }
            self.i += 1;
        }
        String::from_utf8_lossy(&self.b[st..self.i]).to_string()
    }
    fn value(&mut self) -> V {
        self.ws();
        match self.b.get(self.i) {
            Some(b'{') => {
                self.i += 1;
                let m = self.map(b'}');
                V::M(m)
            }
            Some(b'[') => {
                self.i += 1;
                let mut a = Vec::new();
                loop {
                    self.ws();
                    if self.i >= self.b.len() {
                        break;
                    }
                    if self.b[self.i] == b']' {
                        self.i += 1;
                        break;
                    }
                    a.push(self.value());
                }
                V::A(a)
            }
            _ => {
                // a scalar runs to the end of line / separator
                self.ws();
                if matches!(self.b.get(self.i), Some(b'"') | Some(b'\'')) {
                    return V::S(self.word());
                }
                let st = self.i;
                while self.i < self.b.len() && !b"\n,;]}#".contains(&self.b[self.i]) {
                    self.i += 1;
                }
                V::S(
                    String::from_utf8_lossy(&self.b[st..self.i])
                        .trim()
                        .to_string(),
                )
            }
        }
    }
    fn map(&mut self, end: u8) -> Vec<(String, V)> {
        let mut m = Vec::new();
        loop {
            self.ws();
            if self.i >= self.b.len() {
                break;
            }
            if self.b[self.i] == end {
                self.i += 1;
                break;
            }
            let k = self.word();
            self.ws();
            if matches!(self.b.get(self.i), Some(b':') | Some(b'=')) {
                self.i += 1;
            }
            let v = self.value();
            m.push((k, v));
        }
        m
    }
}

pub fn parse(text: &str) -> V {
    let mut p = P {
        b: text.as_bytes(),
        i: 0,
    };
    V::M(p.map(0))
}

fn sp<T>(v: T) -> Spanned<T> {
    Spanned::new(v, Span::default())
}

fn listener(s: &str) -> Listener {
    let (h, p) = match s.rsplit_once(':') {
        Some((h, p)) => (Some(h.to_string()), p.parse().ok()),
        None => (None, s.parse().ok()),
    };
    Listener {
        host: h,
        port: p,
        span: Span::default(),
    }
}

fn strs(v: Option<&V>) -> Vec<Spanned<String>> {
    v.map(|v| {
        v.arr()
            .into_iter()
            .filter_map(|x| x.s())
            .map(|s| sp(s.to_string()))
            .collect()
    })
    .unwrap_or_default()
}

/// Lowers one parsed config.
pub fn lower(id: u32, root: &V, label_fallback: &str, locality: &str) -> Server {
    let name = root.get("server_name").and_then(V::s).map(str::to_string);
    let label = name.clone().unwrap_or_else(|| label_fallback.to_string());
    let jetstream = root.get("jetstream").map(|j| match j {
        V::S(s) => JetStream {
            enabled: !matches!(s.as_str(), "false" | "disabled" | "off"),
            domain: None,
            extension_hint: None,
            span: Span::default(),
        },
        V::M(_) => JetStream {
            enabled: !matches!(
                j.get("enabled").and_then(V::s),
                Some("false") | Some("disabled")
            ),
            domain: j.get("domain").and_then(V::s).map(|d| sp(d.to_string())),
            extension_hint: j
                .get("extension_hint")
                .and_then(V::s)
                .map(|d| sp(d.to_string())),
            span: Span::default(),
        },
        _ => JetStream {
            enabled: true,
            domain: None,
            extension_hint: None,
            span: Span::default(),
        },
    });
    let mut accounts = Vec::new();
    if let Some(V::M(accs)) = root.get("accounts") {
        for (n, a) in accs {
            let users = a
                .get("users")
                .map(|u| {
                    u.arr()
                        .into_iter()
                        .filter_map(|x| x.get("user").or(x.get("nkey")).and_then(V::s))
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default();
            let js = a.get("jetstream").map(|j| match j {
                V::S(s) => sp(!matches!(s.as_str(), "false" | "disabled")),
                _ => sp(true),
            });
            accounts.push(Account {
                name: sp(n.clone()),
                jetstream: js,
                users,
            });
        }
    }
    let leafnodes = root.get("leafnodes").or(root.get("leaf")).map(|ln| {
        let remotes = ln
            .get("remotes")
            .map(|r| {
                r.arr()
                    .into_iter()
                    .map(|r| {
                        let mut urls = strs(r.get("url"));
                        urls.extend(strs(r.get("urls")));
                        LeafRemote {
                            urls,
                            account: r
                                .get("account")
                                .or(r.get("local"))
                                .and_then(V::s)
                                .map(|s| sp(s.to_string())),
                            credentials: r
                                .get("credentials")
                                .and_then(V::s)
                                .map(|s| sp(s.to_string())),
                            deny_imports: strs(r.get("deny_imports")),
                            deny_exports: strs(r.get("deny_exports")),
                            hub: r.get("hub").and_then(V::s) == Some("true"),
                            span: Span::default(),
                        }
                    })
                    .collect()
            })
            .unwrap_or_default();
        let listen = ln.get("listen").and_then(V::s).map(listener).or_else(|| {
            ln.get("port").and_then(V::s).map(|p| Listener {
                host: None,
                port: p.parse().ok(),
                span: Span::default(),
            })
        });
        LeafNodes {
            listen,
            remotes,
            span: Span::default(),
            ..Default::default()
        }
    });
    let cluster = root.get("cluster").map(|c| Cluster {
        name: c.get("name").and_then(V::s).map(|s| sp(s.to_string())),
        listen: c.get("listen").and_then(V::s).map(listener),
        routes: strs(c.get("routes")),
        span: Span::default(),
    });
    let default_js_domain = match root.get("default_js_domain") {
        Some(V::M(m)) => m
            .iter()
            .filter_map(|(k, v)| v.s().map(|d| (sp(k.clone()), sp(d.to_string()))))
            .collect(),
        _ => Vec::new(),
    };
    Server {
        id: ServerId(id),
        name: name.map(sp),
        label,
        origin: Origin::ConfigFile,
        config: None,
        span: Span::default(),
        hostnames: Vec::new(),
        locality: locality.to_string(),
        replicas: 1,
        client: root.get("listen").and_then(V::s).map(listener),
        http: root.get("http").and_then(V::s).map(listener),
        cluster,
        gateway: None,
        leafnodes,
        accounts,
        global_users: Vec::new(),
        system_account: root
            .get("system_account")
            .and_then(V::s)
            .map(|s| sp(s.to_string())),
        no_system_account: false,
        operator_mode: false,
        jetstream,
        default_js_domain,
        variants: Vec::new(),
    }
}

/// Loads every `*.conf` of a folder as one deployment.
pub fn load_dir(dir: &std::path::Path) -> Model {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "conf"))
        .collect();
    files.sort();
    let mut m = Model::default();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let root = parse(&text);
        let id = m.servers.len() as u32;
        m.servers.push(lower(
            id,
            &root,
            &f.file_stem().unwrap().to_string_lossy(),
            "truth",
        ));
    }
    let _: BTreeMap<(), ()> = BTreeMap::new();
    m
}
