pub mod corpus_groups;
pub mod findings;
pub mod require;
pub mod tree;
