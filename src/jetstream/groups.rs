//! JetStream "meta groups": which JetStream-enabled instances form one JetStream (routes, gateways,
//! system-account extension over a leaf connection; truth/jetstream-leafnodes.md §1.5, §1.7).

use super::facts::{clustered, hint};
use super::links::{remote_of, End};
use super::subject::any_matches;
use crate::model::Model;
use crate::topology::{InstanceId, Topology};
use std::collections::BTreeSet;

/// One JetStream: the instances that share a meta group.
#[derive(Debug, Clone)]
pub struct Group {
    pub members: Vec<InstanceId>,
    /// Instances that may be meta leader (members minus extension observers).
    pub leaders: Vec<InstanceId>,
}

#[derive(Debug, Clone, Default)]
pub struct Groups {
    pub of: Vec<Option<usize>>,
    pub list: Vec<Group>,
}

fn find(p: &mut [usize], x: usize) -> usize {
    let mut r = x;
    while p[r] != r {
        r = p[r];
    }
    r
}

/// Builds the groups. `ends[l]` are the ends of leaf link `l`, `up[l]` whether it stays connected.
pub fn build(model: &Model, topo: &Topology, ends: &[[End; 2]], up: &[bool]) -> Groups {
    let n = topo.instances.len();
    let js = |i: InstanceId| model.server(topo.instance(i).server).js_enabled();
    let mut parent: Vec<usize> = (0..n).collect();
    let union = |p: &mut Vec<usize>, a: usize, b: usize| {
        let (ra, rb) = (find(p, a), find(p, b));
        if ra != rb {
            p[ra.max(rb)] = ra.min(rb);
        }
    };
    // Routes and gateways: one meta group per supercluster.
    let mut by_sc: std::collections::BTreeMap<usize, usize> = Default::default();
    for inst in &topo.instances {
        if !js(inst.id) {
            continue;
        }
        if let Some(c) = topo.cluster_of[inst.id.0 as usize] {
            let sc = topo.supercluster_of[c];
            let first = *by_sc.entry(sc).or_insert(inst.id.0 as usize);
            union(&mut parent, first, inst.id.0 as usize);
        }
    }
    // Extension over system-account leaf connections.
    let mut observers: BTreeSet<usize> = BTreeSet::new();
    // Members of each union-find root with more than one member.
    let mut members: std::collections::HashMap<usize, Vec<usize>> = Default::default();
    for i in 0..n {
        let r = find(&mut parent, i);
        if r != i {
            members.entry(r).or_insert_with(|| vec![r]).push(i);
        }
    }
    for (li, link) in topo.leaf_links.iter().enumerate() {
        if !up[li] || !js(link.from) || !js(link.to) {
            continue;
        }
        let [a, b] = &ends[li];
        let from_s = model.server(topo.instance(link.from).server);
        let to_s = model.server(topo.instance(link.to).server);
        let sys_a = super::facts::sys_account(from_s);
        let sys_b = super::facts::sys_account(to_s);
        let binds_sys = a.account.as_deref().is_some_and(|x| Some(x) == sys_a)
            && b.account.as_deref().is_some_and(|x| Some(x) == sys_b);
        if !binds_sys || a.deny_api || b.deny_api {
            continue;
        }
        let remote = remote_of(model, topo, link);
        if any_matches(remote.deny_imports.iter().map(|d| d.value.as_str()), "$NRG.AE.x") {
            continue;
        }
        let extends = if clustered(from_s) { hint(from_s) != "no_extend" } else { hint(from_s) == "will_extend" };
        if !extends || !clustered(to_s) {
            continue;
        }
        let root = find(&mut parent, link.from.0 as usize);
        observers.extend(members.get(&root).map(|m| m.as_slice()).unwrap_or(&[root]));
        let other = find(&mut parent, link.to.0 as usize);
        union(&mut parent, link.from.0 as usize, link.to.0 as usize);
        // Keep the member list of each root (the smaller list moves): no scan of every instance per link.
        if root != other {
            let new_root = find(&mut parent, root);
            let mut a = members.remove(&root).unwrap_or_else(|| vec![root]);
            let mut b = members.remove(&other).unwrap_or_else(|| vec![other]);
            if a.len() < b.len() {
                std::mem::swap(&mut a, &mut b);
            }
            a.extend(b);
            members.insert(new_root, a);
        }
    }
    let mut g = Groups { of: vec![None; n], list: Vec::new() };
    let mut root_idx: std::collections::BTreeMap<usize, usize> = Default::default();
    for i in 0..n {
        if !js(InstanceId(i as u32)) {
            continue;
        }
        let r = find(&mut parent, i);
        let idx = *root_idx.entry(r).or_insert_with(|| {
            g.list.push(Group { members: Vec::new(), leaders: Vec::new() });
            g.list.len() - 1
        });
        g.list[idx].members.push(InstanceId(i as u32));
        if !observers.contains(&i) {
            g.list[idx].leaders.push(InstanceId(i as u32));
        }
        g.of[i] = Some(idx);
    }
    for grp in &mut g.list {
        if grp.leaders.is_empty() {
            grp.leaders = grp.members.clone();
        }
    }
    g
}
