//! Lowering one parsed NATS config into a [`Server`]: what the file means to nats-server.
//!
//! Keys are matched like nats-server matches them (case-insensitively, with every alias of the key
//! table [`crate::nats::keys`]); when a key is written twice the last one wins (nats-conf-format.md
//! §1.3). Values of the wrong type are skipped here (the `invalid-value` rule reports them).
//! The result has id 0, [`Origin::ConfigFile`] and no hostnames from deployment files; the
//! assembler (`crate::model::assemble`) numbers servers and merges command-line flags.

use crate::model::{
    Account, Cluster, Gateway, JetStream, LeafNodes, LeafRemote, LeafUser, Listener, Origin, Server, ServerId,
};
use crate::nats::keys::{self, Block};
use crate::nats::{Map, ParsedConfig, Value, ValueKind};
use crate::source::SourceDb;
use crate::span::{Span, Spanned};

/// The [`Server`] a config describes (id 0, origin [`Origin::ConfigFile`]).
pub fn lower(cfg: &ParsedConfig, db: &SourceDb) -> Server {
    let file = db.get(cfg.file);
    let top = keys::top();
    let root = &cfg.root;
    let span = Span::point(cfg.file, 0);
    let name = string(root, top, "server_name");
    let display = file.display.clone();
    let label = name.as_ref().map(|n| n.value.clone()).filter(|n| !n.is_empty()).unwrap_or_else(|| display.clone());
    let locality = match display.rfind('/') {
        Some(i) => display[..i].to_string(),
        None => ".".to_string(),
    };

    let client = listener(root, top, "listen", "port", "host", span);
    let http = hostport(root, top, "http").or_else(|| port_only(root, top, "http_port"));
    let mut hostnames: Vec<String> = Vec::new();
    if let Some(h) = client.as_ref().and_then(|l| l.host.clone()) {
        if !is_wildcard_host(&h) {
            hostnames.push(h);
        }
    }

    let operator_mode = present(root, top, "operator") || present(root, top, "trusted");
    let mut server = Server {
        id: ServerId(0),
        name,
        label,
        origin: Origin::ConfigFile,
        config: Some(cfg.file),
        span,
        hostnames,
        locality,
        replicas: 1,
        client,
        http,
        cluster: cluster(root, top).map(Box::new),
        gateway: gateway(root, top).map(Box::new),
        leafnodes: leafnodes(root, top),
        accounts: accounts(root, top),
        global_users: global_users(root, top),
        system_account: string(root, top, "system_account"),
        no_auth_user: string(root, top, "no_auth_user"),
        no_system_account: keys::get(root, top, "no_system_account").and_then(Value::as_bool).unwrap_or(false),
        operator_mode,
        jetstream: jetstream(root, top),
        default_js_domain: default_js_domain(root, top),
        variants: Vec::new(),
    };
    server.shrink_to_fit();
    server
}

fn present(map: &Map, block: &Block, key: &str) -> bool {
    keys::entry(map, block, key).is_some()
}

fn spanned_str(v: &Value) -> Option<Spanned<String>> {
    v.as_str().map(|s| Spanned::new(s.to_string(), v.span))
}

fn string(map: &Map, block: &Block, key: &str) -> Option<Spanned<String>> {
    keys::get(map, block, key).and_then(spanned_str)
}

fn sub<'m>(map: &'m Map, block: &Block, key: &str) -> Option<(&'m Map, Span)> {
    let e = keys::entry(map, block, key)?;
    e.value.as_map().map(|m| (m, e.key_span.cover(e.value.span)))
}

fn block(path: &str) -> &'static Block {
    keys::block(path).unwrap_or_else(keys::top)
}

/// A string or an array of strings (`url`/`urls`, `deny_imports`, `routes`).
fn strings(v: Option<&Value>) -> Vec<Spanned<String>> {
    match v.map(|v| &v.kind) {
        Some(ValueKind::String(_)) => v.and_then(spanned_str).into_iter().collect(),
        Some(ValueKind::Array(items)) => items.iter().filter_map(spanned_str).collect(),
        _ => Vec::new(),
    }
}

/// `0.0.0.0`, `::`, `[::]` and empty hosts listen on every interface.
fn is_wildcard_host(h: &str) -> bool {
    matches!(h, "" | "0.0.0.0" | "::" | "[::]" | "*")
}

/// Splits a listener's `host:port` like Go's `net.SplitHostPort` (IPv6 in brackets); `None` when
/// malformed or without a port.
pub fn split_host_port(s: &str) -> Option<(String, i64)> {
    let (host, port) = crate::model::address::split_host_port(s)?;
    Some((host.to_string(), port?.parse::<i64>().ok()?))
}

/// A `hostport` value: an int port or a `host:port` string.
fn hostport(map: &Map, block: &Block, key: &str) -> Option<Listener> {
    let v = keys::get(map, block, key)?;
    match &v.kind {
        ValueKind::Integer(p) => Some(Listener { host: None, port: Some(*p), span: v.span }),
        ValueKind::String(s) => {
            let (host, port) = split_host_port(s)?;
            Some(Listener { host: Some(host).filter(|h| !h.is_empty()), port: Some(port), span: v.span })
        }
        _ => None,
    }
}

fn port_only(map: &Map, block: &Block, key: &str) -> Option<Listener> {
    let v = keys::get(map, block, key)?;
    v.as_i64().map(|p| Listener { host: None, port: Some(p), span: v.span })
}

/// A listener from `listen` and/or `port` + `host` (explicit `port`/`host` override the parts of `listen`).
fn listener(map: &Map, block: &Block, listen: &str, port: &str, host: &str, fallback: Span) -> Option<Listener> {
    let base = hostport(map, block, listen);
    let port_v = keys::get(map, block, port).filter(|v| v.as_i64().is_some());
    let host_v = keys::get(map, block, host).filter(|v| v.as_str().is_some());
    if base.is_none() && port_v.is_none() && host_v.is_none() {
        return None;
    }
    let mut l = base.unwrap_or(Listener { host: None, port: None, span: fallback });
    if let Some(p) = port_v {
        l.port = p.as_i64();
        l.span = p.span;
    }
    if let Some(h) = host_v {
        l.host = h.as_str().map(str::to_string).filter(|h| !h.is_empty());
        if port_v.is_none() && l.port.is_none() {
            l.span = h.span;
        }
    }
    Some(l)
}

fn cluster(root: &Map, top: &Block) -> Option<Cluster> {
    let (m, span) = sub(root, top, "cluster")?;
    let b = block("cluster");
    Some(Cluster {
        name: string(m, b, "name"),
        listen: listener(m, b, "listen", "port", "host", span),
        routes: strings(keys::get(m, b, "routes")),
        span,
    })
}

fn gateway(root: &Map, top: &Block) -> Option<Gateway> {
    let (m, span) = sub(root, top, "gateway")?;
    let b = block("gateway");
    let gb = block("gateway.gateways[]");
    let remotes = keys::get(m, b, "gateways")
        .and_then(Value::as_array)
        .unwrap_or(&[])
        .iter()
        .filter_map(|g| {
            let gm = g.as_map()?;
            let name = string(gm, gb, "name")?;
            let mut urls = strings(keys::get(gm, gb, "url"));
            urls.extend(strings(keys::get(gm, gb, "urls")));
            Some((name, urls))
        })
        .collect();
    Some(Gateway { name: string(m, b, "name"), listen: listener(m, b, "listen", "port", "host", span), remotes, span })
}

fn leafnodes(root: &Map, top: &Block) -> Option<LeafNodes> {
    let (m, span) = sub(root, top, "leafnodes")?;
    let b = block("leafnodes");
    let mut out = LeafNodes { span, ..LeafNodes::default() };
    // The listener exists only when a port or listen is given (a host alone does not start it).
    if present(m, b, "listen") || present(m, b, "port") {
        out.listen = listener(m, b, "listen", "port", "host", span);
    }
    if let Some((auth, _)) = sub(m, b, "authorization") {
        let ab = block("leafnodes.authorization");
        out.auth_account = string(auth, ab, "account");
        if let Some(user) = string(auth, ab, "user").or_else(|| string(auth, ab, "nkey")) {
            out.auth_user = Some(LeafUser { user: user.value, account: out.auth_account.clone() });
        }
        let ub = block("leafnodes.authorization.users[]");
        for u in keys::get(auth, ab, "users").and_then(Value::as_array).unwrap_or(&[]) {
            let Some(um) = u.as_map() else { continue };
            if let Some(user) = string(um, ub, "user") {
                out.auth_users.push(LeafUser { user: user.value, account: string(um, ub, "account") });
            }
        }
    }
    let rb = block("leafnodes.remotes[]");
    for r in keys::get(m, b, "remotes").and_then(Value::as_array).unwrap_or(&[]) {
        let Some(rm) = r.as_map() else { continue };
        out.remotes.push(LeafRemote {
            urls: strings(keys::get(rm, rb, "url")),
            account: string(rm, rb, "account"),
            credentials: string(rm, rb, "credentials"),
            deny_imports: strings(keys::get(rm, rb, "deny_imports")),
            deny_exports: strings(keys::get(rm, rb, "deny_exports")),
            hub: keys::get(rm, rb, "hub").and_then(Value::as_bool).unwrap_or(false),
            span: r.span,
        });
    }
    Some(out)
}

/// User names of a `users: [...]` array (the `user`, else the `nkey`); passwords are never kept.
fn user_names(v: Option<&Value>) -> Vec<String> {
    let ub = block("authorization.users[]");
    v.and_then(Value::as_array)
        .unwrap_or(&[])
        .iter()
        .filter_map(|u| {
            let um = u.as_map()?;
            string(um, ub, "user").or_else(|| string(um, ub, "nkey")).map(|s| s.value)
        })
        .collect()
}

/// `true`/`false`, `enabled`/`disabled` (any case) or a map with `enabled` (default true).
fn js_enabled(v: &Value, block: &Block) -> Option<bool> {
    match &v.kind {
        ValueKind::Bool(b) => Some(*b),
        ValueKind::String(s) => match s.to_ascii_lowercase().as_str() {
            "enabled" | "enable" => Some(true),
            "disabled" | "disable" => Some(false),
            _ => None,
        },
        ValueKind::Map(m) => Some(keys::get(m, block, "enabled").and_then(Value::as_bool).unwrap_or(true)),
        _ => None,
    }
}

fn accounts(root: &Map, top: &Block) -> Vec<Account> {
    let Some(v) = keys::get(root, top, "accounts") else {
        return Vec::new();
    };
    let ab = block("accounts.<name>");
    let jb = block("accounts.<name>.jetstream");
    match &v.kind {
        ValueKind::Array(items) => items
            .iter()
            .filter_map(spanned_str)
            .map(|name| Account { name, jetstream: None, users: Vec::new() })
            .collect(),
        ValueKind::Map(m) => {
            let mut out: Vec<Account> = Vec::new();
            for e in m.effective() {
                // nats-server skips entries used as $variables (opts.go:3711-3713).
                if e.used_as_variable {
                    continue;
                }
                let Some(am) = e.value.as_map() else { continue };
                let jetstream = keys::entry(am, ab, "jetstream")
                    .and_then(|je| js_enabled(&je.value, jb).map(|on| Spanned::new(on, je.value.span)));
                out.push(Account {
                    name: Spanned::new(e.key.clone(), e.key_span),
                    jetstream,
                    users: user_names(keys::get(am, ab, "users")),
                });
            }
            out
        }
        _ => Vec::new(),
    }
}

fn global_users(root: &Map, top: &Block) -> Vec<String> {
    let Some((auth, _)) = sub(root, top, "authorization") else {
        return Vec::new();
    };
    let ab = block("authorization");
    let mut out = Vec::new();
    if let Some(u) = string(auth, ab, "user") {
        out.push(u.value);
    }
    out.extend(user_names(keys::get(auth, ab, "users")));
    out
}

fn jetstream(root: &Map, top: &Block) -> Option<JetStream> {
    let e = keys::entry(root, top, "jetstream")?;
    let jb = block("jetstream");
    let enabled = js_enabled(&e.value, jb)?;
    let span = e.key_span.cover(e.value.span);
    let (domain, extension_hint) = match e.value.as_map() {
        Some(m) => (string(m, jb, "domain"), string(m, jb, "extension_hint")),
        None => (None, None),
    };
    Some(JetStream { enabled, domain, extension_hint, span })
}

fn default_js_domain(root: &Map, top: &Block) -> Vec<(Spanned<String>, Spanned<String>)> {
    let Some((m, _)) = sub(root, top, "default_js_domain") else {
        return Vec::new();
    };
    m.effective()
        .into_iter()
        .filter_map(|e| spanned_str(&e.value).map(|d| (Spanned::new(e.key.clone(), e.key_span), d)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::nats::{Entry, ValueKind};
    use crate::span::FileId;

    /// Builds values by hand; offsets are made up but distinct so spans can be asserted.
    struct B {
        next: usize,
    }

    impl B {
        fn span(&mut self) -> Span {
            self.next += 10;
            Span::new(FileId(0), self.next, self.next + 5)
        }
        fn v(&mut self, kind: ValueKind) -> Value {
            Value::new(kind, self.span())
        }
        fn s(&mut self, s: &str) -> Value {
            self.v(ValueKind::String(s.into()))
        }
        fn i(&mut self, i: i64) -> Value {
            self.v(ValueKind::Integer(i))
        }
        fn b(&mut self, b: bool) -> Value {
            self.v(ValueKind::Bool(b))
        }
        fn arr(&mut self, items: Vec<Value>) -> Value {
            self.v(ValueKind::Array(items))
        }
        fn map(&mut self, entries: Vec<(&str, Value)>) -> Value {
            let m = self.m(entries);
            self.v(ValueKind::Map(m))
        }
        fn m(&mut self, entries: Vec<(&str, Value)>) -> Map {
            Map {
                entries: entries
                    .into_iter()
                    .map(|(k, value)| Entry {
                        key: k.into(),
                        key_span: self.span(),
                        value,
                        used_as_variable: false,
                        included_from: None,
                    })
                    .collect(),
            }
        }
    }

    fn lower_map(root: Map) -> Server {
        let db = SourceDb::new("/corpus");
        let file = db.add("/corpus/hub/nats.conf".into(), "# test\n");
        let cfg = ParsedConfig { file, root, ok: true, error: None, diagnostics: Vec::new(), includes: Vec::new() };
        lower(&cfg, &db)
    }

    #[test]
    fn lowers_a_leaf_with_jetstream_domain() {
        let mut b = B { next: 0 };
        let remote = {
            let urls = vec![b.s("nats-leaf://hub:7422"), b.s("nats-leaf://hub2:7422")];
            let urls = b.arr(urls);
            let acc = b.s("ACC");
            let creds = b.s("/creds/leaf.creds");
            let deny = b.s("$JS.API.>");
            let hub = b.b(true);
            b.map(vec![("URLS", urls), ("local", acc), ("creds", creds), ("deny_import", deny), ("hub", hub)])
        };
        let remotes = b.arr(vec![remote]);
        let leaf = b.map(vec![("remotes", remotes)]);
        let js_domain = b.s("leaf");
        let hint = b.s("will_extend");
        let js = b.map(vec![("Domain", js_domain), ("extension_hint", hint)]);
        let name = b.s("leaf-1");
        let listen = b.s("127.0.0.1:4111");
        let root = b.m(vec![("server_name", name), ("listen", listen), ("leaf", leaf), ("JetStream", js)]);
        let s = lower_map(root);
        assert_eq!(s.label, "leaf-1");
        assert_eq!(s.locality, "hub");
        assert_eq!(s.client.as_ref().unwrap().port, Some(4111));
        assert_eq!(s.client.as_ref().unwrap().host.as_deref(), Some("127.0.0.1"));
        assert_eq!(s.hostnames, vec!["127.0.0.1".to_string()]);
        assert_eq!(s.js_domain(), Some("leaf"));
        assert!(s.js_enabled());
        let js = s.jetstream.unwrap();
        assert_eq!(js.extension_hint.unwrap().value, "will_extend");
        let leaf = s.leafnodes.unwrap();
        assert!(leaf.listen.is_none(), "remotes alone open no leafnode listener");
        let r = &leaf.remotes[0];
        assert_eq!(
            r.urls.iter().map(|u| u.value.as_str()).collect::<Vec<_>>(),
            ["nats-leaf://hub:7422", "nats-leaf://hub2:7422"]
        );
        assert_eq!(r.account.as_ref().unwrap().value, "ACC");
        assert_eq!(r.credentials.as_ref().unwrap().value, "/creds/leaf.creds");
        assert_eq!(r.deny_imports[0].value, "$JS.API.>");
        assert!(r.hub);
    }

    #[test]
    fn lowers_accounts_auth_and_jetstream_forms() {
        let mut b = B { next: 0 };
        let u1 = {
            let u = b.s("alice");
            let p = b.s("secret");
            b.map(vec![("user", u), ("password", p)])
        };
        let users = b.arr(vec![u1]);
        let js_on = b.s("ENABLED");
        let acc_a = b.map(vec![("users", users), ("jetstream", js_on)]);
        let js_map = {
            let lim = b.i(1024);
            b.map(vec![("max_mem", lim)])
        };
        let acc_b = b.map(vec![("JetStream", js_map)]);
        let js_off = b.b(false);
        let acc_c = b.map(vec![("jetstream", js_off)]);
        let acc_sys = b.map(vec![]);
        let accounts = b.map(vec![("A", acc_a), ("B", acc_b), ("C", acc_c), ("SYS", acc_sys)]);
        let sys = b.s("SYS");
        let top_user = b.s("admin");
        let auth = b.map(vec![("username", top_user)]);
        let js = b.s("disabled");
        let dom = b.s("hub");
        let djd = b.map(vec![("A", dom)]);
        let port = b.i(4222);
        let root = b.m(vec![
            ("accounts", accounts),
            ("system", sys),
            ("authorization", auth),
            ("jetstream", js),
            ("default_js_domain", djd),
            ("PORT", port),
        ]);
        let s = lower_map(root);
        assert_eq!(s.label, "hub/nats.conf");
        assert_eq!(s.client.as_ref().unwrap().port, Some(4222));
        let names: Vec<&str> = s.accounts.iter().map(|a| a.name.value.as_str()).collect();
        assert_eq!(names, ["A", "B", "C", "SYS"]);
        assert!(s.account("A").unwrap().jetstream.as_ref().unwrap().value);
        assert_eq!(s.account("A").unwrap().users, vec!["alice".to_string()]);
        assert!(s.account("B").unwrap().jetstream.as_ref().unwrap().value);
        assert!(!s.account("C").unwrap().jetstream.as_ref().unwrap().value);
        assert!(s.account("SYS").unwrap().jetstream.is_none());
        assert_eq!(s.system_account.as_ref().unwrap().value, "SYS");
        assert_eq!(s.global_users, vec!["admin".to_string()]);
        assert!(!s.js_enabled());
        assert!(s.jetstream.is_some());
        assert_eq!(s.default_js_domain[0].0.value, "A");
        assert_eq!(s.default_js_domain[0].1.value, "hub");
        assert!(!s.operator_mode);
    }

    #[test]
    fn lowers_cluster_gateway_leaf_listener_and_operator() {
        let mut b = B { next: 0 };
        let cname = b.s("C1");
        let clisten = b.s("0.0.0.0:6222");
        let r1 = b.s("nats://a:6222");
        let r2 = b.s("nats://b:6222");
        let routes = b.arr(vec![r1, r2]);
        let cluster = b.map(vec![("name", cname), ("listen", clisten), ("routes", routes)]);
        let gw = {
            let n = b.s("A");
            let p = b.i(7222);
            let gname = b.s("B");
            let gurl = b.s("nats://b:7222");
            let g = b.map(vec![("name", gname), ("url", gurl)]);
            let gws = b.arr(vec![g]);
            b.map(vec![("name", n), ("port", p), ("gateways", gws)])
        };
        let leaf = {
            let p = b.i(7422);
            let h = b.s("10.0.0.1");
            let acc = b.s("LEAF");
            let auth = b.map(vec![("account", acc)]);
            b.map(vec![("port", p), ("host", h), ("authorization", auth)])
        };
        let op = b.s("/op.jwt");
        let http = b.s("localhost:8222");
        let js = b.b(true);
        let nsa = b.b(true);
        let root = b.m(vec![
            ("cluster", cluster),
            ("gateway", gw),
            ("leafnodes", leaf),
            ("operator", op),
            ("http", http),
            ("jetstream", js),
            ("no_sys_acc", nsa),
        ]);
        let s = lower_map(root);
        assert!(s.js_enabled());
        assert!(s.js_domain().is_none());
        let c = s.cluster.unwrap();
        assert_eq!(c.name.unwrap().value, "C1");
        assert_eq!(c.listen.unwrap().port, Some(6222));
        assert_eq!(c.routes.len(), 2);
        let g = s.gateway.unwrap();
        assert_eq!(g.name.unwrap().value, "A");
        assert_eq!(g.listen.unwrap().port, Some(7222));
        assert_eq!(g.remotes[0].0.value, "B");
        assert_eq!(g.remotes[0].1[0].value, "nats://b:7222");
        let l = s.leafnodes.unwrap();
        let ll = l.listen.unwrap();
        assert_eq!((ll.host.as_deref(), ll.port), (Some("10.0.0.1"), Some(7422)));
        assert_eq!(l.auth_account.unwrap().value, "LEAF");
        assert!(s.operator_mode);
        assert_eq!(s.http.as_ref().unwrap().host.as_deref(), Some("localhost"));
        assert!(s.no_system_account);
    }

    #[test]
    fn splits_host_port_like_go() {
        assert_eq!(split_host_port(":4222"), Some((String::new(), 4222)));
        assert_eq!(split_host_port("[::1]:4222"), Some(("::1".into(), 4222)));
        assert_eq!(split_host_port("4222"), None);
        assert_eq!(split_host_port("::1:4222"), None);
        assert_eq!(split_host_port("host:port"), None);
    }
}
