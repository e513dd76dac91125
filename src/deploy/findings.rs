//! The rules whose findings the deployment readers report: Helm chart values and templates.

crate::declare_rule! {
    /// ## What it does
    /// Says which files latticelint saw but does not check: Helm chart templates (one finding per
    /// chart, on its first template, listing the others), and files named on the command line that
    /// are no kind of file latticelint reads (a `.go` file, YAML that is neither compose, Kubernetes
    /// nor Helm values).
    ///
    /// ## Why is this bad?
    /// A Helm template is Go template text: its NATS configs, workloads and hosts exist only once
    /// `helm template` renders it with a values file, and latticelint does not render charts. A
    /// deployment described only by templates is therefore not checked, and a clean result would
    /// mislead. Values files (`values*.yaml`) are read as Helm values (nats, wadm, wasmCloud charts).
    ///
    /// ## Example
    /// ```yaml title="charts/wadm/templates/deployment.yaml"
    /// apiVersion: apps/v1
    /// kind: Deployment
    /// metadata:
    ///   name: {{ .Release.Name }}-wadm
    /// ```
    /// ```text
    /// $ latticelint deploy
    /// info[file-not-linted]: 1 template of Helm chart `charts/wadm` is not linted: latticelint does not render charts
    /// ```
    ///
    /// ## How to fix
    /// Render the chart with the values you deploy (`helm template RELEASE CHART -f values.yaml >
    /// rendered.yaml`) and lint the rendered manifests; or exclude the templates in `latticelint.toml`.
    pub static FILE_NOT_LINTED = {
        name: "file-not-linted",
        summary: "a file latticelint saw but does not check (Helm template, unknown file named explicitly)",
        severity: Info,
    }
}

crate::declare_rule! {
    /// ## What it does
    /// Reports a value under the nats Helm chart's `config:` (also `nats.config:` of an umbrella
    /// chart such as wasmcloud-platform) that the chart never reads: a misspelled chart value, or a
    /// nats-server setting written where only chart values go. Below `merge:` and `patch:` anything
    /// is allowed, as the chart copies it into the rendered server config.
    ///
    /// ## Why is this bad?
    /// Helm renders whatever it knows and drops the rest without a word, so the server runs
    /// without the setting. The wasmCloud v1 docs' values set `config.jetstream.domain: wasmcloud`
    /// (corpus group wcdocs:cluster-config-helm-v1, corpus/TOPOLOGIES.md): the chart's
    /// JetStream template only renders the store settings, the domain never reaches nats-server,
    /// and hosts with `WASMCLOUD_JS_DOMAIN=wasmcloud` ask a domain nobody serves, so their lattice
    /// KV requests time out (truth/jetstream-leafnodes.md §4). The values the chart reads are
    /// those of its values.yaml and `files/config/*.yaml` (nats-io/k8s, chart for nats-server 2.14.2).
    ///
    /// ## Example
    /// ```yaml title="values.yaml"
    /// config:
    ///   jetstream:
    ///     enabled: true
    ///     domain: wasmcloud
    /// ```
    ///
    /// ## How to fix
    /// Put nats-server settings under the section's `merge:`, which the chart merges into the
    /// rendered block, and fix misspelled chart values:
    /// ```yaml
    /// config:
    ///   jetstream:
    ///     enabled: true
    ///     merge:
    ///       domain: wasmcloud
    /// ```
    pub static HELM_VALUE_IGNORED = {
        name: "helm-value-ignored",
        summary: "a nats Helm chart value the chart never reads",
        severity: Warning,
    }
}
