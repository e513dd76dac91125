pub mod findings;
pub mod require;
pub mod tree;
