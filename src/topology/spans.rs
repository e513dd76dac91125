//! Where to point a finding about a server: the line to change, falling back to the enclosing
//! block and finally to the server's declaration.

use crate::model::Server;
use crate::span::Span;

/// The `domain:` value, else the `jetstream` block, else the server.
pub fn domain(s: &Server) -> Span {
    s.jetstream.as_ref().map(|j| j.domain.as_ref().map(|d| d.span).unwrap_or(j.span)).unwrap_or(s.span)
}

/// The `jetstream` block (or flag), else the server.
pub fn jetstream(s: &Server) -> Span {
    s.jetstream.as_ref().map(|j| j.span).unwrap_or(s.span)
}

/// The `server_name` value, else the server.
pub fn server_name(s: &Server) -> Span {
    s.name.as_ref().map(|n| n.span).unwrap_or(s.span)
}

/// The cluster `name`, else the `cluster` block, else the server.
pub fn cluster_name(s: &Server) -> Span {
    s.cluster.as_ref().map(|c| c.name.as_ref().map(|n| n.span).unwrap_or(c.span)).unwrap_or(s.span)
}

/// The leafnode listener, else the `leafnodes` block, else the server.
pub fn leaf_listener(s: &Server) -> Span {
    s.leafnodes.as_ref().map(|l| l.listen.as_ref().map(|x| x.span).unwrap_or(l.span)).unwrap_or(s.span)
}

/// The `account:` of a remote, else the remote.
pub fn remote_account(s: &Server, remote: usize) -> Span {
    s.leafnodes
        .as_ref()
        .and_then(|l| l.remotes.get(remote))
        .map(|r| r.account.as_ref().map(|a| a.span).unwrap_or(r.span))
        .unwrap_or(s.span)
}

/// A remote entry, else the server.
pub fn remote(s: &Server, remote: usize) -> Span {
    s.leafnodes.as_ref().and_then(|l| l.remotes.get(remote)).map(|r| r.span).unwrap_or(s.span)
}

/// The definition of an account (its name), else the server.
pub fn account(s: &Server, name: &str) -> Span {
    s.account(name).map(|a| a.jetstream.as_ref().map(|j| j.span).unwrap_or(a.name.span)).unwrap_or(s.span)
}
