//! `latticelint jsmap`: which JetStream answers `$JS.API` and `$JS.<domain>.API` from every server
//! (per account), wasmCloud host and wadm.

use crate::jetstream::map::JsMap;
use crate::jetstream::{api_prefix, Outcome, Resolution};
use crate::settings::Settings;
use crate::version::NatsVersion;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files or folders.
    pub paths: Vec<PathBuf>,
    /// Print JSON: `[{"from","account","subject","responders","outcome"}]`, sorted.
    #[arg(long)]
    pub json: bool,
    /// The nats-server release to simulate (e.g. `2.9.10`, `newest`).
    #[arg(long, default_value = "newest")]
    pub nats_version: NatsVersion,
}

/// Text of one table cell.
pub fn cell_text(res: Option<&Resolution>) -> String {
    let Some(r) = res else { return "?".into() };
    let labels = || r.responders.iter().map(|x| x.label.clone()).collect::<Vec<_>>();
    match r.outcome {
        Outcome::Answered => labels().join(","),
        Outcome::Duplicate => format!("DUPLICATE {}{}", labels().join("+"), if r.racy { " (race)" } else { "" }),
        Outcome::NoResponders => "no-responders".into(),
        Outcome::Timeout => "timeout".into(),
        Outcome::Error => "error 10039".into(),
    }
}

/// The table as text (one line per row, aligned columns).
pub fn render_table(map: &JsMap) -> String {
    let mut grid: Vec<Vec<String>> = Vec::new();
    let mut head = vec!["FROM".to_string(), "ACCOUNT".to_string()];
    head.extend(map.columns.iter().map(|c| api_prefix(c.as_deref())));
    grid.push(head);
    for r in &map.rows {
        let from = if r.kind == "server" { r.from.clone() } else { format!("{} {}", r.kind, r.from) };
        let mut line = vec![from, r.account.clone().unwrap_or_else(|| "?".into())];
        line.extend(r.cells.iter().map(|c| cell_text(c.as_ref())));
        grid.push(line);
    }
    let widths: Vec<usize> =
        (0..grid[0].len()).map(|i| grid.iter().map(|l| l[i].chars().count()).max().unwrap_or(0)).collect();
    let mut out = String::new();
    for l in &grid {
        let cells: Vec<String> = l.iter().enumerate().map(|(i, c)| format!("{c:w$}", w = widths[i])).collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}

pub fn run(args: Args) -> ExitCode {
    let settings = Settings { nats_version: args.nats_version, ..Settings::default() };
    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    let outcome = crate::pipeline::lint(&paths, &settings);
    let sim = outcome.simulator();
    let map = JsMap::build(&sim);
    let mut out = String::new();
    if args.json {
        match serde_json::to_string_pretty(&map.entries()) {
            Ok(s) => {
                out.push_str(&s);
                out.push('\n');
            }
            Err(e) => {
                crate::output::stderr_line!("error: {e}");
                return ExitCode::from(2);
            }
        }
    } else if map.rows.is_empty() {
        out.push_str("no NATS servers found\n");
    } else {
        out.push_str(&render_table(&map));
        for f in &sim.flaps {
            let link = &outcome.topology.leaf_links[f.link];
            out.push_str(&format!(
                "note: leaf connection {} -> {} flaps: {} rejects `{}` (Protocol Violation)\n",
                outcome.topology.instance(link.from).label,
                outcome.topology.instance(link.to).label,
                outcome.topology.instance(f.hub).label,
                f.subject
            ));
        }
    }
    crate::output::exit_status(crate::output::write_stdout(&out), ExitCode::SUCCESS)
}
