//! One lint run end to end: discover → parse → model → topology → rules.
