//! `js-account-disabled`: an account without JetStream on a JetStream server, bound to a leaf connection.

use crate::diagnostic::Diagnostic;
use crate::jetstream::facts::{account_js, is_sys, GLOBAL};
use crate::model::ServerId;
use crate::rules::Context;
use crate::topology::spans;
use std::collections::BTreeSet;

crate::declare_rule! {
    /// ## What it does
    /// Flags an account that has no JetStream on a JetStream-enabled server while a leaf
    /// connection binds it there (on either end).
    ///
    /// ## Why is this bad?
    /// A JetStream API handler that sees an account without JetStream answers error 10039 only if
    /// the account has no leaf connections; otherwise it stays silent so a JetStream across the
    /// leaf could answer, and in practice every `$JS.API` and `$JS.<domain>.API` request of that
    /// account times out (truth/jetstream-leafnodes.md §0 rule 6, §1.5, decision table rows 20-21,
    /// experiments t12, t12b).
    ///
    /// ## Example
    /// ```nats title="hub.conf"
    /// server_name: hub
    /// jetstream { domain: hub }
    /// accounts { APP: { users: [ { user: leaf, password: leaf-pw } ] } }   # no `jetstream` in APP
    /// leafnodes { listen: "hub:7422" }
    /// ```
    /// ```nats title="leaf.conf"
    /// server_name: leaf
    /// jetstream { domain: leaf }
    /// leafnodes { remotes: [ { url: "nats-leaf://leaf:leaf-pw@hub:7422" } ] }
    /// ```
    ///
    /// ## How to fix
    /// Enable JetStream in the account (`APP: { jetstream: enabled, users: [...] }`), or bind the
    /// leaf connection to an account that has it.
    pub(crate) static META = {
        name: "js-account-disabled",
        summary: "an account without JetStream on a JetStream server is bound to a leaf connection",
        severity: Warning,
    }
}

pub(crate) fn check(cx: &Context, out: &mut Vec<Diagnostic>) {
    let model = cx.model;
    let topo = cx.topology;
    let mut reported: BTreeSet<(ServerId, String)> = BTreeSet::new();
    for link in &topo.leaf_links {
        let ends = [
            (topo.instance(link.from).server, Some(link.local_account.clone()), topo.instance(link.to).server, true),
            (
                topo.instance(link.to).server,
                link.hub_account.name().map(str::to_string),
                topo.instance(link.from).server,
                false,
            ),
        ];
        for (sid, acc, peer, soliciting) in ends {
            let Some(acc) = acc else { continue };
            let s = model.server(sid);
            if !s.js_enabled() || s.operator_mode || is_sys(s, &acc) || account_js(s, &acc) != Some(false) {
                continue;
            }
            if !reported.insert((sid, acc.clone())) {
                continue;
            }
            let p = model.server(peer);
            let idx = topo.remotes[link.remote].index;
            let span = if s.account(&acc).is_some() {
                spans::account(s, &acc)
            } else if soliciting {
                spans::remote(s, idx)
            } else {
                spans::leaf_listener(s)
            };
            let what = if acc == GLOBAL { "the global account `$G`".to_string() } else { format!("account `{acc}`") };
            let mut d = Diagnostic::new(
                &META,
                span,
                format!("{what} has no JetStream on `{}` but a leaf connection to `{}` binds it: its JetStream requests time out", s.label, p.label),
            )
            .with_label(format!("no JetStream for `{acc}`"))
            .with_help(format!(
                "enable `jetstream` in account `{acc}` on `{}`, or bind the leaf connection to an account with JetStream",
                s.label
            ));
            let peer_span = if soliciting { spans::leaf_listener(p) } else { spans::remote_account(p, idx) };
            d = d.with_related(peer_span, format!("leaf connection between `{}` and `{}`", s.label, p.label));
            out.push(d);
        }
    }
}
