//! The deployment as a graph (petgraph): servers as nodes; cluster routes, gateways and leaf
//! connections as edges, with the bound accounts on both ends of each leaf connection.

use crate::model::Model;
use crate::source::SourceDb;

/// The topology of a [`Model`].
#[derive(Debug, Default)]
pub struct Topology {}

impl Topology {
    pub fn build(_model: &Model, _db: &SourceDb) -> Topology {
        Topology {}
    }
}
