//! The JetStream routing simulator: which JetStream answers `$JS.API` / `$JS.<domain>.API` entering
//! server S in account A (truth/jetstream-leafnodes.md).
