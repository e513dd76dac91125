//! The JetStream map of a deployment: for every entry point (server × account, host, wadm) and
//! every API prefix (`$JS.API` and each domain), who answers.

use super::facts::{is_sys, user_accounts, GLOBAL};
use super::{api_prefix, clients, Resolution, Simulator};
use crate::model::Server;
use serde::Serialize;
use std::collections::BTreeSet;

/// One cell of `latticelint jsmap --json`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, PartialOrd, Ord)]
pub struct MapEntry {
    pub from: String,
    pub account: String,
    pub subject: String,
    pub responders: Vec<String>,
    pub outcome: String,
}

/// A row of the table: an entry point and its cells (one per column of [`JsMap::columns`]).
#[derive(Debug, Clone)]
pub struct Row {
    /// `server`, `host` or `wadm`.
    pub kind: &'static str,
    pub from: String,
    /// `None` when the account cannot be determined.
    pub account: Option<String>,
    pub cells: Vec<Option<Resolution>>,
}

#[derive(Debug, Clone, Default)]
pub struct JsMap {
    /// `None` (unprefixed) then each domain, sorted.
    pub columns: Vec<Option<String>>,
    pub rows: Vec<Row>,
}

/// Accounts a client can use on a server: its user accounts, plus `$G` when no accounts exist or global users log in.
pub fn entry_accounts(s: &Server) -> Vec<String> {
    let mut v: Vec<String> = user_accounts(s).map(str::to_string).collect();
    if v.is_empty() || !s.global_users.is_empty() {
        v.push(GLOBAL.to_string());
    }
    v.sort();
    v.dedup();
    v.retain(|a| !is_sys(s, a));
    v
}

impl JsMap {
    pub fn build(sim: &Simulator) -> JsMap {
        let model = sim.model;
        let topo = sim.topo;
        let mut domains: BTreeSet<String> = BTreeSet::new();
        for s in &model.servers {
            if let Some(d) = s.js_domain() {
                domains.insert(d.to_string());
            }
        }
        for h in &model.hosts {
            if let Some(d) = h.js_domain.as_ref().filter(|d| !d.value.is_empty()) {
                domains.insert(d.value.clone());
            }
        }
        for w in &model.wadms {
            if let Some(d) = w.js_domain.as_ref().filter(|d| !d.value.is_empty()) {
                domains.insert(d.value.clone());
            }
        }
        let columns: Vec<Option<String>> = std::iter::once(None).chain(domains.into_iter().map(Some)).collect();
        let cells_for = |inst, acc: &Option<String>| -> Vec<Option<Resolution>> {
            columns.iter().map(|c| acc.as_ref().map(|a| sim.resolve(inst, a, c.as_deref()))).collect()
        };
        let mut rows = Vec::new();
        for inst in &topo.instances {
            for acc in entry_accounts(model.server(inst.server)) {
                let acc = Some(acc);
                rows.push(Row {
                    kind: "server",
                    from: inst.label.clone(),
                    cells: cells_for(inst.id, &acc),
                    account: acc,
                });
            }
        }
        for h in &model.hosts {
            let entry = clients::host_entry(model, topo, h);
            let (cells, account) = match entry {
                Some((i, acc)) => (cells_for(i, &acc), acc),
                None => (vec![None; columns.len()], None),
            };
            rows.push(Row { kind: "host", from: h.label.clone(), account, cells });
        }
        for w in &model.wadms {
            let entry = clients::wadm_entry(model, topo, w);
            let (cells, account) = match entry {
                Some((i, acc)) => (cells_for(i, &acc), acc),
                None => (vec![None; columns.len()], None),
            };
            rows.push(Row { kind: "wadm", from: w.label.clone(), account, cells });
        }
        JsMap { columns, rows }
    }

    /// The `--json` entries: server rows only, sorted by (from, account, subject).
    pub fn entries(&self) -> Vec<MapEntry> {
        let mut out = Vec::new();
        for r in self.rows.iter().filter(|r| r.kind == "server") {
            let Some(acc) = &r.account else { continue };
            for (c, cell) in self.columns.iter().zip(&r.cells) {
                let Some(res) = cell else { continue };
                out.push(MapEntry {
                    from: r.from.clone(),
                    account: acc.clone(),
                    subject: api_prefix(c.as_deref()),
                    responders: res.responder_servers(),
                    outcome: res.outcome.as_str().to_string(),
                });
            }
        }
        out.sort();
        out
    }
}
