pub mod findings;
pub mod load;
