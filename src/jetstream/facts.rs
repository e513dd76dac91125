//! What one server's config says about JetStream and accounts (truth/jetstream-leafnodes.md §1.3, §1.5).

use crate::model::Server;
use crate::topology::has_cluster_listener;
use crate::topology::resolve::{port_of, ListenerKind};

/// The name of the global account.
pub const GLOBAL: &str = "$G";

/// The system account: `system_account`, else `$SYS` unless `no_sys_acc`.
pub fn sys_account(s: &Server) -> Option<&str> {
    if s.no_system_account {
        return None;
    }
    Some(s.system_account.as_ref().map(|a| a.value.as_str()).unwrap_or("$SYS"))
}

pub fn is_sys(s: &Server, acc: &str) -> bool {
    sys_account(s) == Some(acc)
}

/// Accounts other than the system account.
pub fn user_accounts(s: &Server) -> impl Iterator<Item = &str> {
    s.accounts.iter().map(|a| a.name.value.as_str()).filter(move |a| !is_sys(s, a))
}

/// The domain the server advertises on leaf connections (kept even when JetStream is disabled; `""` = none).
pub fn advertised_domain(s: &Server) -> &str {
    s.jetstream.as_ref().and_then(|j| j.domain.as_ref()).map(|d| d.value.as_str()).unwrap_or("")
}

/// `extension_hint` as written (compared verbatim by nats-server).
pub fn hint(s: &Server) -> &str {
    s.jetstream.as_ref().and_then(|j| j.extension_hint.as_ref()).map(|d| d.value.as_str()).unwrap_or("")
}

/// JetStream runs clustered (a cluster or gateway listener is configured).
pub fn clustered(s: &Server) -> bool {
    has_cluster_listener(s) || port_of(s, ListenerKind::Gateway).is_some()
}

/// Whether `acc` has JetStream on this server: `Some(true)`, `Some(false)`, or `None` when it
/// cannot be known (operator mode: limits are in the account JWT).
pub fn account_js(s: &Server, acc: &str) -> Option<bool> {
    if !s.js_enabled() || is_sys(s, acc) {
        return Some(false);
    }
    if let Some(a) = s.account(acc) {
        return Some(a.jetstream.as_ref().is_some_and(|j| j.value));
    }
    if acc == GLOBAL {
        // With no accounts besides the system account, JetStream is enabled for `$G`.
        return Some(user_accounts(s).next().is_none() && !s.operator_mode);
    }
    if s.operator_mode {
        None
    } else {
        Some(false)
    }
}

/// True when a `$JS.API.>` service import exists in `acc` (§1.5): the server has JetStream, or
/// the account declares `jetstream`, or "simple mixed mode" (only `$SYS` + `$G`, cluster/gateway port).
pub fn has_api_import(s: &Server, acc: &str) -> bool {
    if is_sys(s, acc) {
        return false;
    }
    if s.js_enabled() {
        return true;
    }
    if s.account(acc).and_then(|a| a.jetstream.as_ref()).is_some_and(|j| j.value) {
        return true;
    }
    acc == GLOBAL && user_accounts(s).next().is_none() && clustered(s)
}

/// The domain whose `$JS.<d>.API.>` mapping is installed in `acc` (§1.3 a-c), if any.
pub fn mapped_domain<'a>(s: &'a Server, acc: &str) -> Option<&'a str> {
    if s.js_enabled() && !is_sys(s, acc) {
        s.js_domain()
    } else {
        None
    }
}

/// `default_js_domain` entry for `acc` (`Some("")` = the empty domain).
pub fn default_domain<'a>(s: &'a Server, acc: &str) -> Option<&'a str> {
    s.default_js_domain.iter().rev().find(|(a, _)| a.value == acc).map(|(_, d)| d.value.as_str())
}

/// The `$JS.API.X → $JS.<def>.API.X` mapping (§1.3 e): only for accounts without JetStream.
pub fn default_mapping<'a>(s: &'a Server, acc: &str) -> Option<&'a str> {
    match default_domain(s, acc) {
        Some(d) if !d.is_empty() && account_js(s, acc) != Some(true) => Some(d),
        _ => None,
    }
}
