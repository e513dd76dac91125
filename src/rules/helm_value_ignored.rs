//! Rule `helm-value-ignored` (reported while reading Helm values, [`crate::deploy::nats_chart`]).

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
    pub(crate) static META = {
        name: "helm-value-ignored",
        summary: "a nats Helm chart value the chart never reads",
        severity: Warning,
    }
}
