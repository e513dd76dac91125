//! The values the nats Helm chart 1.x reads under `config:` (nats-io/k8s `helm/charts/nats`, values.yaml
//! and `files/config/*.yaml` at commit 957650f, chart for nats-server 2.14.2), and the check that
//! reports values the chart never reads (rule `helm-value-ignored`).
//!
//! Below `merge:` the text is a NATS config fragment merged into the rendered block, and below `patch:`
//! a JSON patch: both are free-form and not checked here.

use super::yaml::YNode;
use crate::deploy::findings::HELM_VALUE_IGNORED;
use crate::diagnostic::Diagnostic;

/// A chart value: its name and, for maps, the values below it.
struct Value {
    name: &'static str,
    children: &'static [Value],
    /// The NATS config block this section renders (`""` for the top level), where `merge:` lands.
    block: Option<&'static str>,
}

const fn leaf(name: &'static str) -> Value {
    Value { name, children: &[], block: None }
}

const fn map(name: &'static str, children: &'static [Value]) -> Value {
    Value { name, children, block: None }
}

const fn section(name: &'static str, block: &'static str, children: &'static [Value]) -> Value {
    Value { name, children, block: Some(block) }
}

const TLS: Value = section(
    "tls",
    "tls",
    &[leaf("enabled"), leaf("secretName"), leaf("dir"), leaf("cert"), leaf("key"), leaf("merge"), leaf("patch")],
);

const PVC: Value =
    map("pvc", &[leaf("enabled"), leaf("size"), leaf("storageClassName"), leaf("merge"), leaf("patch"), leaf("name")]);

/// `config:` of the nats chart.
const CONFIG: Value = section(
    "config",
    "",
    &[
        section(
            "cluster",
            "cluster",
            &[
                leaf("enabled"),
                leaf("port"),
                leaf("replicas"),
                leaf("noAdvertise"),
                map("routeURLs", &[leaf("user"), leaf("password"), leaf("useFQDN"), leaf("k8sClusterDomain")]),
                TLS,
                leaf("merge"),
                leaf("patch"),
            ],
        ),
        section(
            "jetstream",
            "jetstream",
            &[
                leaf("enabled"),
                map("fileStore", &[leaf("enabled"), leaf("dir"), PVC, leaf("maxSize")]),
                map("memoryStore", &[leaf("enabled"), leaf("maxSize")]),
                leaf("merge"),
                leaf("patch"),
            ],
        ),
        map("nats", &[leaf("port"), TLS]),
        section("leafnodes", "leafnodes", &[leaf("enabled"), leaf("port"), TLS, leaf("merge"), leaf("patch")]),
        section(
            "websocket",
            "websocket",
            &[
                leaf("enabled"),
                leaf("port"),
                TLS,
                map(
                    "ingress",
                    &[
                        leaf("enabled"),
                        leaf("hosts"),
                        leaf("path"),
                        leaf("pathType"),
                        leaf("className"),
                        leaf("tlsSecretName"),
                        leaf("merge"),
                        leaf("patch"),
                        leaf("name"),
                    ],
                ),
                leaf("merge"),
                leaf("patch"),
            ],
        ),
        section("mqtt", "mqtt", &[leaf("enabled"), leaf("port"), TLS, leaf("merge"), leaf("patch")]),
        section("gateway", "gateway", &[leaf("enabled"), leaf("port"), TLS, leaf("merge"), leaf("patch")]),
        map("monitor", &[leaf("enabled"), leaf("port"), map("tls", &[leaf("enabled")])]),
        map("profiling", &[leaf("enabled"), leaf("port")]),
        section("resolver", "resolver", &[leaf("enabled"), leaf("dir"), PVC, leaf("merge"), leaf("patch")]),
        leaf("serverNamePrefix"),
        leaf("merge"),
        leaf("patch"),
    ],
);

/// Reports every value below the chart's `config` node (`path` is how it is spelled in this file,
/// e.g. `nats.config` under an umbrella chart) that the chart does not read.
pub fn check(config: &YNode, path: &str, out: &mut Vec<Diagnostic>) {
    walk(config, &CONFIG, path, out);
}

fn walk(node: &YNode, schema: &Value, path: &str, out: &mut Vec<Diagnostic>) {
    if !node.is_map() {
        return;
    }
    for (key, value) in node.entries() {
        let Some(name) = key.as_str() else { continue };
        let here = format!("{path}.{name}");
        match schema.children.iter().find(|c| c.name == name) {
            Some(child) if !child.children.is_empty() => walk(value, child, &here, out),
            Some(_) => {}
            None => out.push(ignored(key.span, name, &here, schema, path)),
        }
    }
}

fn ignored(span: crate::span::Span, name: &str, here: &str, schema: &Value, path: &str) -> Diagnostic {
    let d = Diagnostic::new(
        &HELM_VALUE_IGNORED,
        span,
        format!("`{here}` is not a value of the nats chart, which ignores it"),
    )
    .with_label("the chart never reads this value");
    // A nats-server key of the block this section renders belongs under `merge:`.
    if let Some(block) = schema.block {
        let table = if block.is_empty() { Some(crate::nats::keys::top()) } else { crate::nats::keys::block(block) };
        if table.is_some_and(|b| b.lookup(name).is_some()) {
            let where_ = if block.is_empty() {
                "at the top level of the server config".to_string()
            } else {
                format!("into the server's `{block} {{}}` block")
            };
            return d.with_help(format!("set `{path}.merge.{name}` instead: `merge` copies it {where_}"));
        }
    }
    let closest = schema
        .children
        .iter()
        .map(|c| (strsim::jaro_winkler(&name.to_lowercase(), &c.name.to_lowercase()), c.name))
        .filter(|(score, _)| *score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0));
    match closest {
        Some((_, c)) => d.with_help(format!("did you mean `{path}.{c}`?")),
        None => {
            let known: Vec<&str> = schema.children.iter().map(|c| c.name).collect();
            d.with_help(format!("values the chart reads here: {}", known.join(", ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deploy::yaml;
    use crate::span::FileId;

    fn findings(text: &str) -> Vec<Diagnostic> {
        let (docs, _) = yaml::parse(text, FileId(0));
        let mut out = Vec::new();
        check(docs[0].get("config").unwrap(), "config", &mut out);
        out
    }

    #[test]
    fn a_server_key_outside_merge_is_reported_with_the_merge_path() {
        let text = "config:\n  jetstream:\n    enabled: true\n    domain: wasmcloud\n    fileStore:\n      pvc:\n        size: 10Gi\n";
        let f = findings(text);
        assert_eq!(f.len(), 1, "{f:?}");
        assert_eq!(&text[f[0].span.start as usize..f[0].span.end as usize], "domain");
        assert!(f[0].message.contains("`config.jetstream.domain`"), "{}", f[0].message);
        assert!(f[0].help.as_deref().unwrap().contains("`config.jetstream.merge.domain`"));
    }

    #[test]
    fn chart_values_and_merge_contents_pass() {
        let text = "config:\n  cluster:\n    enabled: true\n    replicas: 3\n    routeURLs:\n      useFQDN: true\n  jetstream:\n    enabled: true\n    merge:\n      domain: x\n      anything: [1]\n  nats:\n    tls:\n      enabled: true\n  serverNamePrefix: a\n";
        assert!(findings(text).is_empty());
    }

    #[test]
    fn misspelled_chart_values_get_a_suggestion() {
        let f = findings("config:\n  leafnodes:\n    enable: true\n  clustr:\n    enabled: true\n");
        let helps: Vec<&str> = f.iter().filter_map(|d| d.help.as_deref()).collect();
        assert_eq!(helps, ["did you mean `config.leafnodes.enabled`?", "did you mean `config.cluster`?"]);
    }
}
