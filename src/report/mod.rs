//! Output formats: human (miette), concise, JSON, SARIF, GitHub workflow commands.
