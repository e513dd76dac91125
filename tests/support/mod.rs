pub mod findings;
pub mod load;
pub mod require;
