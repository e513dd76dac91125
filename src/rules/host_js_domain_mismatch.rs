//! `host-js-domain-mismatch`: hosts of one lattice, or wadm and those hosts, keep their data in different JetStreams.

use super::host_analysis::{components, domains_near, TRIED};
use crate::diagnostic::Diagnostic;
use crate::jetstream::clients::wadm_entry;
use crate::jetstream::{Outcome, Simulator};
use crate::model::{ServerId, Wadm};
use crate::rules::Context;
use crate::topology::InstanceId;
use std::collections::BTreeMap;

/// (connected component, lattice, ctl prefix, account) → (host index, responders).
type Groups = BTreeMap<(usize, String, String, String), Vec<(usize, Vec<String>)>>;

crate::declare_rule! {
    /// ## What it does
    /// Groups wasmCloud hosts that share a lattice (same `WASMCLOUD_LATTICE`, ctl topic prefix and
    /// NATS account, in one connected deployment) and flags hosts whose lattice-data requests are
    /// answered by a different JetStream than the other hosts' (error). A wadm in the same account and
    /// deployment whose `WADM_JETSTREAM_DOMAIN` (or its absence) leads to another JetStream than the
    /// lattice's is flagged too (warning). The JetStream reached is compared, not the domain string:
    /// wadm without a domain on the hub and hosts with the hub's domain on a leaf agree.
    ///
    /// ## Why is this bad?
    /// Links and config are written by one host into *its* `LATTICEDATA`/`CONFIGDATA` bucket and
    /// read by every host from *its own*: hosts with different JetStream homes see different links
    /// and config, silently (truth/jetstream-leafnodes.md §4.1, §5 rule 2). wadm keeps its manifests,
    /// state and the `wasmbus_events` capture in the JetStream of `WADM_JETSTREAM_DOMAIN` (§4.3):
    /// elsewhere than the lattice's, the deployment depends on two JetStreams, and a second wadm in
    /// another domain of the account captures the same events twice (§5 rule 8).
    ///
    /// ## Example
    /// ```yaml title="docker-compose.yml"
    /// services:
    ///   hub: { image: nats, command: -c /etc/nats/hub.conf, volumes: ["./hub.conf:/etc/nats/hub.conf"] }
    ///   edge: { image: nats, command: -c /etc/nats/edge.conf, volumes: ["./edge.conf:/etc/nats/edge.conf"] }
    ///   host-a:
    ///     image: ghcr.io/wasmcloud/wasmcloud:1.9.2
    ///     environment: { WASMCLOUD_NATS_HOST: edge, WASMCLOUD_JS_DOMAIN: hub }
    ///   host-b:
    ///     image: ghcr.io/wasmcloud/wasmcloud:1.9.2
    ///     environment: { WASMCLOUD_NATS_HOST: edge, WASMCLOUD_JS_DOMAIN: edge }
    /// ```
    /// ```nats title="hub.conf"
    /// server_name: hub
    /// jetstream { domain: hub }
    /// leafnodes { listen: "hub:7422" }
    /// ```
    /// ```nats title="edge.conf"
    /// server_name: edge
    /// jetstream { domain: edge }
    /// leafnodes { remotes: [ { url: "nats-leaf://hub:7422" } ] }
    /// ```
    ///
    /// ## How to fix
    /// Give every host of the lattice (and wadm: `WADM_JETSTREAM_DOMAIN`) a domain that leads to one
    /// JetStream they all reach; the help names the value that works from the host's server, or the
    /// server change when no value can work (a server answering the domain itself shadows the hub).
    pub(crate) static META = {
        name: "host-js-domain-mismatch",
        summary: "hosts of one lattice, or wadm and those hosts, keep their data in different JetStreams",
        severity: Error,
    }
}

pub(crate) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    if cx.model.hosts.is_empty() {
        return;
    }
    let sim = cx.simulator;
    let comp = components(cx.topology);
    let views = cx.hosts;
    // (component, lattice, prefix, account) -> hosts with an answering home
    let mut groups: Groups = BTreeMap::new();
    for (i, v) in views.iter().enumerate() {
        let (Some(entry), Some(acc), Some(res)) = (v.entry, &v.account, &v.home) else {
            continue;
        };
        if !matches!(res.outcome, Outcome::Answered | Outcome::Duplicate) {
            continue;
        }
        let key = (comp[entry.0 as usize], v.host.lattice.value.clone(), v.host.ctl_topic_prefix.clone(), acc.clone());
        groups.entry(key).or_default().push((i, res.responder_servers()));
    }
    let wadms = wadm_views(cx, sim);
    for ((component, lattice, _, account), members) in groups {
        // The reference is the JetStream most hosts of the lattice reach (the earliest on a tie).
        let mut counts: std::collections::HashMap<&Vec<String>, usize> = std::collections::HashMap::new();
        for (_, h) in &members {
            *counts.entry(h).or_default() += 1;
        }
        let reference = members.iter().max_by_key(|(i, h)| (counts[h], std::cmp::Reverse(*i)));
        let Some((first, first_home)) = reference.cloned() else {
            continue;
        };
        let f = &views[first];
        let fdom = f.host.js_domain.as_ref().map(|d| d.value.as_str());
        for (i, home) in members.iter() {
            if *home == first_home {
                continue;
            }
            let v = &views[*i];
            let span = v.host.js_domain.as_ref().map(|d| d.span).unwrap_or(v.host.span);
            let fix = Fix {
                var: "WASMCLOUD_JS_DOMAIN",
                who: format!("host `{}`", v.host.label),
                entry: v.entry.expect("grouped hosts have an entry"),
                account: &account,
                current: v.host.js_domain.as_ref().map(|d| d.value.as_str()),
                preferred: fdom,
                home,
                target: &first_home,
                lattice: &lattice,
            };
            let mut d = Diagnostic::new(
                &META,
                span,
                format!(
                    "hosts of lattice `{lattice}` use different JetStreams: `{}` reaches `{}`, `{}` reaches `{}`",
                    v.host.label,
                    home.join("`, `"),
                    f.host.label,
                    first_home.join("`, `")
                ),
            )
            .with_label(match &v.host.js_domain {
                Some(d) => format!("domain `{}` here", d.value),
                None => "no `WASMCLOUD_JS_DOMAIN` here".to_string(),
            })
            .with_related(
                f.host.js_domain.as_ref().map(|d| d.span).unwrap_or(f.host.span),
                format!("host `{}` of the same lattice", f.host.label),
            )
            .with_help(fix.help(cx, sim));
            if let Some(s) = v.server {
                let s = cx.model.server(s);
                d = d.with_related(s.span, format!("host `{}` connects to server `{}`", v.host.label, s.label));
            }
            out.push(d);
        }
        // wadm serves every lattice its account sees: it should keep its state where the hosts keep theirs.
        for w in wadms.iter().filter(|w| comp[w.entry.0 as usize] == component && w.account == account) {
            if w.home == first_home {
                continue;
            }
            let span = w.wadm.js_domain.as_ref().map(|d| d.span).unwrap_or(w.wadm.span);
            let fix = Fix {
                var: "WADM_JETSTREAM_DOMAIN",
                who: format!("wadm `{}`", w.wadm.label),
                entry: w.entry,
                account: &account,
                current: w.wadm.js_domain.as_ref().map(|d| d.value.as_str()),
                preferred: fdom,
                home: &w.home,
                target: &first_home,
                lattice: &lattice,
            };
            let s = cx.model.server(w.server);
            out.push(
                Diagnostic::new(
                    &META,
                    span,
                    format!(
                        "wadm `{}` keeps its state in a different JetStream than the hosts of lattice `{lattice}`: it reaches `{}`, `{}` reaches `{}`",
                        w.wadm.label,
                        w.home.join("`, `"),
                        f.host.label,
                        first_home.join("`, `")
                    ),
                )
                .with_severity(crate::diagnostic::Severity::Warning)
                .with_label(match &w.wadm.js_domain {
                    Some(d) => format!("domain `{}` here", d.value),
                    None => "no `WADM_JETSTREAM_DOMAIN` here".to_string(),
                })
                .with_related(
                    f.host.js_domain.as_ref().map(|d| d.span).unwrap_or(f.host.span),
                    format!("host `{}` of lattice `{lattice}`", f.host.label),
                )
                .with_related(s.span, format!("wadm `{}` connects to server `{}`", w.wadm.label, s.label))
                .with_help(fix.help(cx, sim)),
            );
        }
    }
}

/// A wadm whose JetStream home is known.
struct WadmView<'a> {
    wadm: &'a Wadm,
    server: ServerId,
    entry: InstanceId,
    account: String,
    home: Vec<String>,
}

fn wadm_views<'a>(cx: &Context<'a>, sim: &Simulator) -> Vec<WadmView<'a>> {
    cx.model
        .wadms
        .iter()
        .filter_map(|w| {
            let (entry, account) = wadm_entry(cx.model, cx.topology, w)?;
            let account = account?;
            let res = sim.resolve(entry, &account, w.js_domain.as_ref().map(|d| d.value.as_str()));
            if !matches!(res.outcome, Outcome::Answered | Outcome::Duplicate) {
                return None;
            }
            let server = cx.topology.instance(entry).server;
            Some(WadmView { wadm: w, server, entry, account, home: res.responder_servers() })
        })
        .collect()
}

/// What would bring a client (host or wadm) from its entry point to the lattice's JetStream.
struct Fix<'a> {
    var: &'static str,
    who: String,
    entry: InstanceId,
    account: &'a str,
    current: Option<&'a str>,
    /// The domain the reference host uses, tried first.
    preferred: Option<&'a str>,
    home: &'a [String],
    target: &'a [String],
    lattice: &'a str,
}

impl Fix<'_> {
    /// The help: the value that works from the client's server, or the server change when none does.
    fn help(&self, cx: &Context, sim: &Simulator) -> String {
        let reaches = |d: Option<&str>| {
            let r = sim.resolve(self.entry, self.account, d);
            r.outcome == Outcome::Answered && r.responder_servers() == self.target
        };
        let mut options: Vec<Option<String>> = Vec::new();
        if let Some(p) = self.preferred {
            options.push(Some(p.to_string()));
        }
        // Nearest first and at most `TRIED` of them: a fleet declares thousands.
        options.extend(domains_near(cx, self.entry, TRIED).into_iter().map(Some));
        options.push(None);
        let works = options.into_iter().find(|o| o.as_deref() != self.current && reaches(o.as_deref()));
        let server = cx.topology.instance(self.entry).label.clone();
        let target = self.target.join("`, `");
        match works {
            Some(Some(d)) => format!(
                "set `{}={d}` on {}: from `{server}` that domain reaches `{target}`, where lattice `{}` keeps its data",
                self.var, self.who, self.lattice
            ),
            Some(None) => format!(
                "remove `{}` from {}: from `{server}` unprefixed `$JS.API` reaches `{target}`, where lattice `{}` keeps its data",
                self.var, self.who, self.lattice
            ),
            None => match self.current {
                Some(d) if self.home.iter().all(|h| !self.target.contains(h)) && self.home_has_domain(cx, d) => format!(
                    "no `{}` value leads from `{server}` to `{target}`: `{}` answers `$JS.{d}.API` itself; give that JetStream a domain other than `{d}`, or connect {} to a server that reaches `{target}`",
                    self.var,
                    self.home.join("`, `"),
                    self.who
                ),
                _ => format!(
                    "no `{}` value leads from `{server}` to `{target}`: connect {} to a server that reaches it, or give `{server}` a leaf connection in account `{}` to `{target}`",
                    self.var, self.who, self.account
                ),
            },
        }
    }

    /// True when a server answering for this client declares domain `d` itself (it shadows the target).
    fn home_has_domain(&self, cx: &Context, d: &str) -> bool {
        cx.model.servers.iter().any(|s| self.home.contains(&s.label) && s.js_domain() == Some(d))
    }
}
