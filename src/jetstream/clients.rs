//! Where clients (wasmCloud hosts, wadm) enter the topology and in which account.

use super::facts::{user_accounts, GLOBAL};
use crate::model::{Endpoint, Host, Model, Server, ServerId, Wadm};
use crate::topology::resolve::{resolve_near, Index, ListenerKind, Target};
use crate::topology::url::DialUrl;
use crate::topology::{InstanceId, Topology};

/// The server a client dials at `endpoint` from `locality`.
pub fn server_at(model: &Model, locality: &str, endpoint: &Endpoint) -> Option<ServerId> {
    server_at_in(model, &Index::new(model), locality, endpoint)
}

/// [`server_at`] with a prebuilt index (the topology's); among servers sharing the dialed name, the one
/// nearest to the file that sets the endpoint wins.
pub fn server_at_in(model: &Model, index: &Index, locality: &str, endpoint: &Endpoint) -> Option<ServerId> {
    let url = DialUrl {
        scheme: None,
        user: None,
        has_password: false,
        host: endpoint.host.value.to_ascii_lowercase(),
        port: Some(endpoint.port.value),
    };
    match resolve_near(index, model, locality, None, Some(endpoint.host.span.file), &url, ListenerKind::Client) {
        Target::Found { server } => Some(server),
        _ => None,
    }
}

/// The account a client without a known user lands in: `$G` when the server requires no authentication,
/// the account of `no_auth_user` when the client sends no credentials.
pub fn default_account(s: &Server, has_credentials: bool) -> Option<String> {
    if !has_credentials {
        if let Some(user) = &s.no_auth_user {
            if let Some(a) = s.accounts.iter().find(|a| a.users.iter().any(|u| u == &user.value)) {
                return Some(a.name.value.clone());
            }
            if s.global_users.iter().any(|u| u == &user.value) {
                return Some(GLOBAL.to_string());
            }
        }
    }
    let auth = !s.global_users.is_empty() || s.accounts.iter().any(|a| !a.users.is_empty()) || s.operator_mode;
    if !auth && !has_credentials {
        return Some(GLOBAL.to_string());
    }
    if !auth && user_accounts(s).next().is_none() {
        return Some(GLOBAL.to_string());
    }
    None
}

/// The instance a host's control connection (where JetStream runs) enters and its account (`None` = unknown).
pub fn host_entry(model: &Model, topo: &Topology, host: &Host) -> Option<(InstanceId, Option<String>)> {
    let server = host.sidecar.or_else(|| server_at_in(model, &topo.index, &host.locality, &host.ctl))?;
    let s = model.server(server);
    Some((topo.first_instance(server), default_account(s, host.credentials.is_some())))
}

/// The instance wadm connects to (its first server) and its account.
pub fn wadm_entry(model: &Model, topo: &Topology, wadm: &Wadm) -> Option<(InstanceId, Option<String>)> {
    let server = wadm.servers.iter().find_map(|e| server_at_in(model, &topo.index, &wadm.locality, e))?;
    let s = model.server(server);
    Some((topo.first_instance(server), default_account(s, wadm.credentials.is_some())))
}
