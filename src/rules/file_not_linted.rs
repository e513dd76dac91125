//! `file-not-linted`: reported by discovery ([`crate::discover`], [`crate::deploy::helm_templates`]).

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
    pub(crate) static META = {
        name: "file-not-linted",
        summary: "a file latticelint saw but does not check (Helm template, unknown file named explicitly)",
        severity: Info,
    }
}
