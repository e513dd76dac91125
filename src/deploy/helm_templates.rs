//! Helm chart templates: Go template text, not YAML until `helm template` renders it. latticelint
//! does not render charts; it says so, once per chart, so a chart is never silently unchecked.
//! (Values files are read by [`super::helm`].)

use crate::deploy::findings::FILE_NOT_LINTED;
use crate::diagnostic::Diagnostic;
use crate::source::SourceDb;
use crate::span::Span;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// One `file-not-linted` info per chart holding templates, on its first template (by path), with
/// the chart's other templates as related labels.
pub fn skipped(db: &SourceDb, templates: Vec<(PathBuf, String)>) -> Vec<Diagnostic> {
    let mut charts: BTreeMap<PathBuf, Vec<(PathBuf, String)>> = BTreeMap::new();
    for (path, text) in templates {
        charts.entry(chart_root(&path)).or_default().push((path, text));
    }
    let mut out = Vec::new();
    for (root, mut files) in charts {
        files.sort_by(|a, b| a.0.cmp(&b.0));
        let n = files.len();
        // The chart's path from the scan root; its folder name when the chart holds the root.
        let chart = db.display_path(&root);
        let chart = if chart.is_empty() || chart == "." || chart.starts_with("..") {
            root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or(chart)
        } else {
            chart
        };
        let mut spans = files.into_iter().map(|(path, text)| {
            let start = first_expression(&text);
            let line = &text[start..text[start..].find('\n').map_or(text.len(), |e| start + e)];
            let end = start + line.find("}}").map_or(line.len().min(2), |e| e + 2);
            let file = db.add(path, text);
            Span::new(file, start, end)
        });
        let Some(first) = spans.next() else { continue };
        let what = if n == 1 { "1 template of Helm chart".to_string() } else { format!("{n} templates of Helm chart") };
        let verb = if n == 1 { "is" } else { "are" };
        let mut d = Diagnostic::new(
            &FILE_NOT_LINTED,
            first,
            format!("{what} `{chart}` {verb} not linted: latticelint does not render charts"),
        )
        .with_label("Go template, not YAML until rendered")
        .with_help(format!(
            "render the chart with your values (`helm template RELEASE {chart} -f values.yaml > rendered.yaml`) and lint the rendered manifests"
        ));
        for s in spans {
            d = d.with_related(s, "also a template of this chart");
        }
        out.push(d);
    }
    out
}

/// The chart a template belongs to: the nearest folder above it with `Chart.yaml` or a values file,
/// else the folder holding `templates/`, else its own folder.
fn chart_root(path: &Path) -> PathBuf {
    let parent = path.parent().unwrap_or(Path::new(".")).to_path_buf();
    for dir in parent.ancestors() {
        if ["Chart.yaml", "values.yaml", "values.yml"].iter().any(|f| dir.join(f).is_file()) {
            return dir.to_path_buf();
        }
    }
    for dir in parent.ancestors() {
        if dir.file_name().is_some_and(|n| n == "templates") {
            return dir.parent().unwrap_or(dir).to_path_buf();
        }
    }
    parent
}

/// Byte offset of the first `{{` outside a comment line (0 when there is none).
fn first_expression(text: &str) -> usize {
    let mut off = 0;
    for line in text.split_inclusive('\n') {
        if !line.trim_start().starts_with('#') {
            if let Some(i) = line.find("{{") {
                return off + i;
            }
        }
        off += line.len();
    }
    0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_info_per_chart_on_the_first_expression() {
        let dir = tempfile::tempdir().unwrap();
        let chart = dir.path().join("charts/wadm");
        std::fs::create_dir_all(chart.join("templates")).unwrap();
        std::fs::write(chart.join("values.yaml"), "wadm:\n  image: x\n").unwrap();
        let db = SourceDb::new(dir.path());
        let a = (chart.join("templates/a.yaml"), "# {{ comment }}\nkind: {{ .Values.kind }}\n".to_string());
        let b = (chart.join("templates/b.yaml"), "{{- if .Values.x }}\n".to_string());
        let lone = (dir.path().join("other/t.yaml"), "x: {{ .Values.y }}\n".to_string());
        let d = skipped(&db, vec![b, lone, a]);
        assert_eq!(d.len(), 2);
        assert!(d[0].message.contains("`charts/wadm`") && d[0].message.contains("2 templates"), "{}", d[0].message);
        let loc = db.locate(d[0].span);
        assert_eq!((loc.path.as_str(), loc.line, loc.column), ("charts/wadm/templates/a.yaml", 2, 7));
        assert_eq!(d[0].related.len(), 1);
        assert!(d[1].message.starts_with("1 template of Helm chart `other` is"), "{}", d[1].message);
    }
}
