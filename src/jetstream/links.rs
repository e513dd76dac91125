//! The permissions each end of a leaf connection installs (`addLeafNodeConnection`,
//! truth/jetstream-leafnodes.md §1.4): automatic JetStream denies plus the remote's user denies.

use super::facts::{advertised_domain, hint, is_sys, sys_account};
use super::subject::{any_matches, matches};
use crate::model::{LeafRemote, Model, Server};
use crate::topology::{LeafLink, Topology};
use crate::version::NatsVersion;

/// One end of a leaf connection.
#[derive(Debug, Clone)]
pub struct End {
    /// The account bound on this end; `None` when unknown.
    pub account: Option<String>,
    /// This end solicits the connection as a spoke (interest filtering and LS+ rejection rules).
    pub spoke: bool,
    /// pub+sub deny on `$JS.API.>`, `$KV.>`, `$OBJ.>` (plus `$JSC.>`, `$NRG.>` in the system account).
    pub deny_api: bool,
    /// pub deny on `$JS.<domain>.API.>` of this end's own domain.
    pub block_domain: Option<String>,
    /// `default_js_domain: {acc: ""}` made this end skip every automatic deny.
    pub skipped: bool,
    /// The domains of both ends differ (or another step-1 condition held).
    pub mismatch: bool,
    pub user_pub_deny: Vec<String>,
    pub user_sub_deny: Vec<String>,
}

impl End {
    /// This end refuses to send `subject` (and rejects a literal `LS+` for it).
    pub fn pub_denies(&self, subject: &str) -> bool {
        (self.deny_api && (matches("$JS.API.>", subject) || matches("$KV.>", subject) || matches("$OBJ.>", subject)))
            || self.block_domain.as_ref().is_some_and(|d| matches(&format!("$JS.{d}.API.>"), subject))
            || any_matches(self.user_pub_deny.iter().map(String::as_str), subject)
    }

    /// This end does not advertise interest in `subject`.
    pub fn sub_denies(&self, subject: &str) -> bool {
        (self.deny_api && matches("$JS.API.>", subject))
            || any_matches(self.user_sub_deny.iter().map(String::as_str), subject)
    }
}

/// The remote entry a link was made from.
pub fn remote_of<'m>(model: &'m Model, topo: &Topology, link: &LeafLink) -> &'m LeafRemote {
    let rs = &topo.remotes[link.remote];
    &model.server(rs.server).leafnodes.as_ref().expect("remote of a server with leafnodes").remotes[rs.index]
}

/// Step 0-2 of `addLeafNodeConnection` for the end on `local` bound to `acc`, peer advertising `peer_domain`.
fn auto_denies(
    local: &Server,
    acc: Option<&str>,
    peer_domain: &str,
    version: NatsVersion,
) -> (bool, Option<String>, bool, bool) {
    let mut force_sys_deny = false;
    if !local.default_js_domain.is_empty() {
        let is_sys_acc = acc.is_some_and(|a| is_sys(local, a));
        if is_sys_acc && local.default_js_domain.iter().any(|(_, d)| d.value.is_empty()) {
            force_sys_deny = true;
        } else if let Some(a) = acc {
            if local.default_js_domain.iter().any(|(k, d)| k.value == a && d.value.is_empty()) {
                return (false, None, true, false);
            }
        }
    }
    let local_domain = advertised_domain(local);
    let js = local.js_enabled();
    let sys = sys_account(local);
    let mismatch = local_domain != peer_domain
        || (!js && local_domain.is_empty() && hint(local) != "will_extend")
        || sys.is_none()
        || acc.is_none()
        || force_sys_deny;
    let acc_is_sys = acc.is_some_and(|a| sys == Some(a));
    let deny_api = mismatch || !acc_is_sys;
    let block =
        mismatch && !local_domain.is_empty() && js && (!acc_is_sys || version.at_least(NatsVersion::new(2, 15, 0)));
    (deny_api, block.then(|| local_domain.to_string()), false, mismatch)
}

/// Both ends of a link: `(soliciting end, accepting end)`.
pub fn ends(model: &Model, topo: &Topology, link: &LeafLink, version: NatsVersion) -> (End, End) {
    let remote = remote_of(model, topo, link);
    let from = model.server(topo.instance(link.from).server);
    let to = model.server(topo.instance(link.to).server);
    let from_acc = Some(link.local_account.clone());
    let to_acc = link.hub_account.name().map(str::to_string);
    let (fd, fb, fs, fm) = auto_denies(from, from_acc.as_deref(), advertised_domain(to), version);
    let (td, tb, ts, tm) = auto_denies(to, to_acc.as_deref(), advertised_domain(from), version);
    let strs = |v: &[crate::span::Spanned<String>]| v.iter().map(|s| s.value.clone()).collect::<Vec<_>>();
    let solicit = End {
        account: from_acc,
        spoke: !link.reversed,
        deny_api: fd,
        block_domain: fb,
        skipped: fs,
        mismatch: fm,
        user_pub_deny: strs(&remote.deny_exports),
        user_sub_deny: strs(&remote.deny_imports),
    };
    let accept = End {
        account: to_acc,
        spoke: link.reversed,
        deny_api: td,
        block_domain: tb,
        skipped: ts,
        mismatch: tm,
        // `deny_imports` of the remote is sent in CONNECT and becomes the hub's pub deny.
        user_pub_deny: strs(&remote.deny_imports),
        user_sub_deny: Vec::new(),
    };
    (solicit, accept)
}
