//! Walks the given paths and classifies each file by name and content (NATS config, compose,
//! Kubernetes, `.env`, systemd unit, script). Reads no file twice; parses nothing.
