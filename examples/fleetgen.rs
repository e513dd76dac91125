//! Writes a realistic edge deployment of N leaf servers for benchmarks and the fleet test.
//!
//! ```text
//! cargo run --release --example fleetgen -- --servers N --out DIR [--seed S]
//! ```
//!
//! Layout (every edge site dials the hub of its region as one of four tenant accounts):
//! - `hubs/<region>/hub.yaml`: Kubernetes ConfigMap (embedded NATS config), headless Service, Service and a
//!   3-replica StatefulSet per region (`east`, `west`): routes, gateways between the regions, JetStream domain
//!   `hub`, leafnode listener 7422 with one user per tenant account.
//! - `common/<region>-<tenant>.conf`: included by file-based edge configs; defines the tenant account, the
//!   `no_auth_user` and the variable `HUB_LEAF_URL` used by the remote.
//! - `sites/<region>/<bucket>/<edge-NNNNNN>/`: one leaf server (own JetStream domain = its name) plus a
//!   wasmCloud host using `WASMCLOUD_JS_DOMAIN=hub`, as docker-compose (+ `nats.conf`, `wasmcloud.env`),
//!   Kubernetes (ConfigMap + Deployment with a NATS container and a host container) or systemd units
//!   (+ `nats.conf`, `wasmcloud.env`).
//!
//! Planted faults (`2 + N/5000` of each kind, at random sites) are listed in `DIR/PLANTED.json` with the rule
//! expected to report them, the files involved and the line of each finding (`lines`, parallel to `files`); sites with a fault run no wasmCloud host unless the fault
//! is about the host, so each fault stands alone.
// A command-line tool: it reports on the terminal (the `[lints]` table holds src/ to its writer).
#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

const REGIONS: [&str; 2] = ["east", "west"];
const TENANTS: [&str; 4] = ["tenant-a", "tenant-b", "tenant-c", "tenant-d"];
const HUB_DOMAIN: &str = "hub";

/// splitmix64: small, deterministic, good enough for layout choices.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Compose,
    Kubernetes,
    Systemd,
}

#[derive(Clone, PartialEq, Eq, Debug)]
enum Fault {
    None,
    /// This leaf reuses the JetStream domain of another leaf behind the same hub account.
    DuplicateDomain {
        of: usize,
    },
    /// JetStream on, no domain, behind a hub whose JetStream has one.
    MissingDomain,
    /// The leaf remote dials the hub's client port 4222 instead of 7422.
    RemoteClientPort,
    /// The host asks for a JetStream domain that no server declares.
    HostUnknownDomain,
    /// A misspelled key in the JetStream block.
    UnknownKey,
}

struct Site {
    idx: usize,
    name: String,
    region: &'static str,
    tenant: &'static str,
    kind: Kind,
    fault: Fault,
    dir: PathBuf,
}

impl Site {
    fn domain(&self, sites: &[Site]) -> Option<String> {
        match &self.fault {
            Fault::MissingDomain => None,
            Fault::DuplicateDomain { of } => Some(sites[*of].name.clone()),
            _ => Some(self.name.clone()),
        }
    }
    fn has_host(&self) -> bool {
        matches!(self.fault, Fault::None | Fault::HostUnknownDomain | Fault::UnknownKey)
    }
    fn host_domain(&self) -> &'static str {
        if self.fault == Fault::HostUnknownDomain {
            "hbu"
        } else {
            HUB_DOMAIN
        }
    }
}

/// What to generate (also used by `benches/pipeline.rs` and `tests/fleet.rs`, which include this file).
pub struct Args {
    pub servers: usize,
    pub out: PathBuf,
    pub seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut servers = None;
    let mut out = None;
    let mut seed = 1u64;
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut val = || it.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--servers" | "-n" => servers = Some(val()?.parse::<usize>().map_err(|e| e.to_string())?),
            "--out" | "-o" => out = Some(PathBuf::from(val()?)),
            "--seed" => seed = val()?.parse().map_err(|e: std::num::ParseIntError| e.to_string())?,
            "-h" | "--help" => {
                return Err("usage: fleetgen --servers N --out DIR [--seed S]".into());
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(Args { servers: servers.ok_or("--servers N is required")?, out: out.ok_or("--out DIR is required")?, seed })
}

#[allow(dead_code)]
fn main() {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("fleetgen: {e}");
            std::process::exit(2);
        }
    };
    if let Err(e) = generate(&args) {
        eprintln!("fleetgen: {e}");
        std::process::exit(1);
    }
}

/// Writes the fleet into `args.out` (emptied first) and `PLANTED.json`.
pub fn generate(args: &Args) -> std::io::Result<()> {
    let n = args.servers;
    let out = &args.out;
    if out.exists() {
        fs::remove_dir_all(out)?;
    }
    fs::create_dir_all(out)?;
    let mut rng = Rng(args.seed ^ 0x5EED_F1EE7);

    let mut sites: Vec<Site> = (0..n)
        .map(|i| {
            let region = REGIONS[rng.below(REGIONS.len())];
            let tenant = TENANTS[rng.below(TENANTS.len())];
            let kind = match rng.below(10) {
                0..=3 => Kind::Compose,
                4..=8 => Kind::Kubernetes,
                _ => Kind::Systemd,
            };
            let name = format!("edge-{i:06}");
            let dir = out.join("sites").join(region).join(format!("b{:03}", i / 1000)).join(&name);
            Site { idx: i, name, region, tenant, kind, fault: Fault::None, dir }
        })
        .collect();

    plant_faults(&mut sites, &mut rng);

    let mut files = 0usize;
    for region in REGIONS {
        files += write_hub(out, region)?;
        for tenant in TENANTS {
            files += write_common(out, region, tenant)?;
        }
    }
    for site in &sites {
        files += write_site(out, site, &sites)?;
    }
    write_planted(out, args, &sites, files)?;
    eprintln!("fleetgen: wrote {n} edge servers + 6 hub servers in {files} files to {}", out.display());
    Ok(())
}

/// Chooses fault sites: distinct sites, none of them the original of a duplicate.
fn plant_faults(sites: &mut [Site], rng: &mut Rng) {
    let n = sites.len();
    let per_kind = 2 + n / 5000;
    // Each duplicate uses two sites; the other four kinds one each.
    if n < per_kind * 6 + 1 {
        return;
    }
    let mut taken = vec![false; n];
    let pick = |rng: &mut Rng, taken: &mut Vec<bool>| loop {
        let i = rng.below(n);
        if !taken[i] {
            taken[i] = true;
            return i;
        }
    };
    for _ in 0..per_kind {
        let orig = pick(rng, &mut taken);
        // The duplicate must sit behind the same hub account as the original.
        let dup = loop {
            let d = pick(rng, &mut taken);
            if sites[d].region == sites[orig].region && sites[d].tenant == sites[orig].tenant {
                break d;
            }
            taken[d] = false;
        };
        sites[orig].fault = Fault::DuplicateDomain { of: orig }; // marks it as part of a pair (keeps own domain)
        sites[dup].fault = Fault::DuplicateDomain { of: orig };
    }
    for fault in [Fault::MissingDomain, Fault::RemoteClientPort, Fault::HostUnknownDomain, Fault::UnknownKey] {
        for _ in 0..per_kind {
            let i = pick(rng, &mut taken);
            sites[i].fault = fault.clone();
        }
    }
}

fn write(path: &Path, text: &str) -> std::io::Result<usize> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, text)?;
    Ok(1)
}

fn tenant_account(tenant: &str) -> String {
    tenant.to_uppercase().replace('-', "_")
}

/// Not a real secret: a fixed per-tenant password, the same on hub and leaf side.
fn leaf_password(region: &str, tenant: &str) -> String {
    format!("lf-{region}-{tenant}-Zq81")
}

fn hub_url(region: &str) -> String {
    format!("hub-{region}.nats.svc.cluster.local")
}

fn write_hub(out: &Path, region: &str) -> std::io::Result<usize> {
    let name = format!("hub-{region}");
    let mut conf = String::new();
    let _ = writeln!(conf, "# hub cluster {name}: one of two regions of the supercluster");
    let _ = writeln!(conf, "port: 4222");
    let _ = writeln!(conf, "http_port: 8222");
    let _ = writeln!(
        conf,
        "jetstream {{\n  domain: {HUB_DOMAIN}\n  store_dir: /data/jetstream\n  max_file_store: 200GB\n}}"
    );
    let _ = writeln!(conf, "cluster {{\n  name: {name}\n  port: 6222\n  routes: [");
    for i in 0..3 {
        let _ = writeln!(conf, "    nats://{name}-{i}.{name}-headless.nats.svc.cluster.local:6222");
    }
    let _ = writeln!(conf, "  ]\n}}");
    let _ = writeln!(conf, "gateway {{\n  name: {name}\n  port: 7222\n  gateways: [");
    for r in REGIONS {
        let _ = writeln!(conf, "    {{ name: hub-{r}, urls: [\"nats://{}:7222\"] }}", hub_url(r));
    }
    let _ = writeln!(conf, "  ]\n}}");
    let _ = writeln!(conf, "leafnodes {{\n  port: 7422\n  authorization {{\n    users: [");
    for t in TENANTS {
        let _ = writeln!(
            conf,
            "      {{ user: leaf-{t}, password: \"{}\", account: {} }}",
            leaf_password(region, t),
            tenant_account(t)
        );
    }
    let _ = writeln!(conf, "    ]\n  }}\n}}");
    let _ = writeln!(conf, "accounts {{\n  SYS {{ users: [ {{ user: sys, password: \"sys-{region}-Qm2\" }} ] }}");
    for t in TENANTS {
        let _ = writeln!(
            conf,
            "  {} {{ jetstream: enabled, users: [ {{ user: app-{t}, password: \"app-{region}-{t}-Pw9\" }} ] }}",
            tenant_account(t)
        );
    }
    let _ = writeln!(conf, "}}\nsystem_account: SYS");

    let mut y = String::new();
    let _ = writeln!(y, "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}-config\n  namespace: nats\ndata:");
    let _ = writeln!(y, "  nats.conf: |");
    for line in conf.lines() {
        let _ = writeln!(y, "    {line}");
    }
    let _ = writeln!(y, "---");
    let _ = writeln!(
        y,
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}-headless\n  namespace: nats\nspec:\n  clusterIP: None\n  selector:\n    app: {name}\n  ports:\n    - {{ name: cluster, port: 6222 }}"
    );
    let _ = writeln!(y, "---");
    let _ = writeln!(
        y,
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\n  namespace: nats\nspec:\n  type: LoadBalancer\n  selector:\n    app: {name}\n  ports:\n    - {{ name: client, port: 4222 }}\n    - {{ name: gateway, port: 7222 }}\n    - {{ name: leafnodes, port: 7422 }}"
    );
    let _ = writeln!(y, "---");
    let _ = writeln!(
        y,
        r#"apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: {name}
  namespace: nats
spec:
  serviceName: {name}-headless
  replicas: 3
  selector:
    matchLabels:
      app: {name}
  template:
    metadata:
      labels:
        app: {name}
    spec:
      containers:
        - name: nats
          image: nats:2.10.22-alpine
          args: ["--config", "/etc/nats/nats.conf"]
          ports:
            - {{ containerPort: 4222, name: client }}
            - {{ containerPort: 6222, name: cluster }}
            - {{ containerPort: 7222, name: gateway }}
            - {{ containerPort: 7422, name: leafnodes }}
          volumeMounts:
            - {{ name: config, mountPath: /etc/nats }}
            - {{ name: data, mountPath: /data }}
      volumes:
        - name: config
          configMap:
            name: {name}-config
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: ["ReadWriteOnce"]
        resources:
          requests:
            storage: 200Gi"#
    );
    write(&out.join("hubs").join(region).join("hub.yaml"), &y)
}

fn write_common(out: &Path, region: &str, tenant: &str) -> std::io::Result<usize> {
    let acc = tenant_account(tenant);
    let text = format!(
        "# shared by every {tenant} edge server in {region}: the account, the local user, the hub remote\n\
         HUB_LEAF_URL: \"nats-leaf://leaf-{tenant}:{pw}@{hub}:7422\"\n\
         accounts {{\n  {acc} {{\n    jetstream: enabled\n    users: [ {{ user: wasmcloud, password: \"wc-{tenant}-Lk4\" }} ]\n  }}\n}}\n\
         no_auth_user: wasmcloud\n",
        pw = leaf_password(region, tenant),
        hub = hub_url(region),
    );
    write(&out.join("common").join(format!("{region}-{tenant}.conf")), &text)
}

/// The edge NATS config. `standalone` configs (embedded in Kubernetes) cannot include files, so they
/// define the account and URL inline.
fn edge_conf(site: &Site, sites: &[Site], standalone: bool) -> String {
    let acc = tenant_account(site.tenant);
    let mut c = String::new();
    let _ = writeln!(c, "# edge site {} ({} / {})", site.name, site.region, site.tenant);
    let _ = writeln!(c, "server_name: {}", site.name);
    let _ = writeln!(c, "port: 4222\nhttp_port: 8222");
    // The wrong-port fault dials its URL inline: its config defines no `HUB_LEAF_URL` and includes no
    // fragment that does (an unused variable is an unknown top-level key, a second finding).
    let wrong_port = site.fault == Fault::RemoteClientPort;
    if standalone || wrong_port {
        if !wrong_port {
            let _ = writeln!(
                c,
                "HUB_LEAF_URL: \"nats-leaf://leaf-{t}:{pw}@{hub}:7422\"",
                t = site.tenant,
                pw = leaf_password(site.region, site.tenant),
                hub = hub_url(site.region),
            );
        }
        let _ = writeln!(
            c,
            "accounts {{\n  {acc} {{\n    jetstream: enabled\n    users: [ {{ user: wasmcloud, password: \"wc-{t}-Lk4\" }} ]\n  }}\n}}\nno_auth_user: wasmcloud",
            t = site.tenant,
        );
    } else {
        let _ = writeln!(c, "include \"../../../../common/{}-{}.conf\"", site.region, site.tenant);
    }
    let _ = writeln!(c, "jetstream {{");
    if let Some(d) = site.domain(sites) {
        let _ = writeln!(c, "  domain: {d}");
    }
    let _ = writeln!(c, "  store_dir: /var/lib/nats/jetstream");
    let _ = writeln!(c, "  max_memory_store: 256MB");
    if site.fault == Fault::UnknownKey {
        let _ = writeln!(c, "  max_fle_store: 8GB");
    } else {
        let _ = writeln!(c, "  max_file_store: 8GB");
    }
    let _ = writeln!(c, "}}");
    let _ = writeln!(c, "leafnodes {{\n  reconnect: 5s\n  remotes: [");
    if site.fault == Fault::RemoteClientPort {
        let _ = writeln!(
            c,
            "    {{ url: \"nats-leaf://leaf-{}:{}@{}:4222\", account: {acc} }}",
            site.tenant,
            leaf_password(site.region, site.tenant),
            hub_url(site.region)
        );
    } else {
        let _ = writeln!(c, "    {{ url: $HUB_LEAF_URL, account: {acc} }}");
    }
    let _ = writeln!(c, "  ]\n}}");
    c
}

fn lattice(site: &Site) -> String {
    format!("{}-{}", site.region, site.tenant)
}

fn write_site(_out: &Path, site: &Site, sites: &[Site]) -> std::io::Result<usize> {
    let d = &site.dir;
    let mut files = 0;
    match site.kind {
        Kind::Compose => {
            files += write(&d.join("nats.conf"), &edge_conf(site, sites, false))?;
            let mut y = format!(
                "name: {name}\nservices:\n  nats:\n    image: nats:2.10.22-alpine\n    command: [\"-c\", \"/etc/nats/nats.conf\"]\n    volumes:\n      - ./nats.conf:/etc/nats/nats.conf:ro\n      - ../../../../common:/common:ro\n      - js-data:/var/lib/nats\n    ports:\n      - \"4222:4222\"\n",
                name = site.name
            );
            if site.has_host() {
                let _ = write!(
                    y,
                    "  wasmcloud:\n    image: ghcr.io/wasmcloud/wasmcloud:1.9.2\n    depends_on: [nats]\n    env_file: [./wasmcloud.env]\n    environment:\n      WASMCLOUD_NATS_HOST: nats\n      WASMCLOUD_LATTICE: {}\n      WASMCLOUD_LABEL_site: {}\n",
                    lattice(site),
                    site.name
                );
                files += write(
                    &d.join("wasmcloud.env"),
                    &format!(
                        "# host settings for {}\nWASMCLOUD_JS_DOMAIN={}\nWASMCLOUD_NATS_PORT=4222\nWASMCLOUD_LABEL_region={}\n",
                        site.name,
                        site.host_domain(),
                        site.region
                    ),
                )?;
            }
            y.push_str("volumes:\n  js-data: {}\n");
            files += write(&d.join("docker-compose.yml"), &y)?;
        }
        Kind::Kubernetes => {
            let ns = &site.name;
            let mut y = format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: nats-leaf\n  namespace: {ns}\ndata:\n  nats.conf: |\n"
            );
            for line in edge_conf(site, sites, true).lines() {
                let _ = writeln!(y, "    {line}");
            }
            let _ = write!(
                y,
                "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: edge\n  namespace: {ns}\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: edge\n  template:\n    metadata:\n      labels:\n        app: edge\n    spec:\n      containers:\n        - name: nats\n          image: nats:2.10.22-alpine\n          args: [\"-c\", \"/etc/nats/nats.conf\"]\n          volumeMounts:\n            - {{ name: nats-config, mountPath: /etc/nats }}\n"
            );
            if site.has_host() {
                let _ = write!(
                    y,
                    "        - name: wasmcloud\n          image: ghcr.io/wasmcloud/wasmcloud:1.9.2\n          env:\n            - {{ name: WASMCLOUD_NATS_HOST, value: \"127.0.0.1\" }}\n            - {{ name: WASMCLOUD_NATS_PORT, value: \"4222\" }}\n            - {{ name: WASMCLOUD_JS_DOMAIN, value: {} }}\n            - {{ name: WASMCLOUD_LATTICE, value: {} }}\n            - {{ name: WASMCLOUD_LABEL_site, value: {} }}\n",
                    site.host_domain(),
                    lattice(site),
                    site.name
                );
            }
            let _ = write!(
                y,
                "      volumes:\n        - name: nats-config\n          configMap:\n            name: nats-leaf\n"
            );
            files += write(&d.join("edge.yaml"), &y)?;
        }
        Kind::Systemd => {
            files += write(&d.join("nats.conf"), &edge_conf(site, sites, false))?;
            files += write(
                &d.join("nats-server.service"),
                &format!(
                    "[Unit]\nDescription=NATS leaf {}\nAfter=network-online.target\n\n[Service]\nExecStart=/usr/sbin/nats-server -c /etc/nats/nats.conf\nExecReload=/bin/kill -s HUP $MAINPID\nRestart=on-failure\n\n[Install]\nWantedBy=multi-user.target\n",
                    site.name
                ),
            )?;
            if site.has_host() {
                files += write(
                    &d.join("wasmcloud.env"),
                    &format!("WASMCLOUD_LABEL_site={}\nWASMCLOUD_LABEL_region={}\n", site.name, site.region),
                )?;
                files += write(
                    &d.join("wasmcloud.service"),
                    &format!(
                        "[Unit]\nDescription=wasmCloud host {name}\nAfter=nats-server.service\nRequires=nats-server.service\n\n[Service]\nEnvironmentFile=/etc/wasmcloud/wasmcloud.env\nEnvironment=WASMCLOUD_NATS_HOST=127.0.0.1\nEnvironment=WASMCLOUD_JS_DOMAIN={dom}\nEnvironment=WASMCLOUD_LATTICE={lattice}\nExecStart=/usr/local/bin/wasmcloud\nRestart=always\n\n[Install]\nWantedBy=multi-user.target\n",
                        name = site.name,
                        dom = site.host_domain(),
                        lattice = lattice(site)
                    ),
                )?;
            }
        }
    }
    Ok(files)
}

fn rel(out: &Path, p: &Path) -> String {
    p.strip_prefix(out).unwrap_or(p).to_string_lossy().replace('\\', "/")
}

/// The file of a site that holds its NATS config (or the host setting, for host faults).
fn fault_file(out: &Path, site: &Site) -> String {
    let f = match (site.kind, &site.fault) {
        (Kind::Kubernetes, _) => "edge.yaml",
        (Kind::Compose, Fault::HostUnknownDomain) => "wasmcloud.env",
        (Kind::Systemd, Fault::HostUnknownDomain) => "wasmcloud.service",
        _ => "nats.conf",
    };
    rel(out, &site.dir.join(f))
}

/// The 1-based line of the first line of `file` (relative to `out`) containing `marker`.
fn line_of(out: &Path, file: &str, marker: &str) -> std::io::Result<usize> {
    let text = fs::read_to_string(out.join(file))?;
    text.lines().position(|l| l.contains(marker)).map(|i| i + 1).ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidData, format!("fleetgen: `{marker}` not in {file}"))
    })
}

fn write_planted(out: &Path, args: &Args, sites: &[Site], files: usize) -> std::io::Result<()> {
    let mut faults = Vec::new();
    for s in sites {
        let (rule, others, may_also): (&str, Vec<&Site>, &[&str]) = match &s.fault {
            Fault::None => continue,
            Fault::DuplicateDomain { of } if *of == s.idx => continue, // reported with its duplicate
            Fault::DuplicateDomain { of } => ("js-domain-duplicate", vec![&sites[*of]], &[]),
            Fault::MissingDomain => ("js-domain-missing", vec![], &[]),
            Fault::RemoteClientPort => ("leaf-remote-wrong-port", vec![], &["leaf-remote-unresolved"]),
            Fault::HostUnknownDomain => ("host-js-domain-unknown", vec![], &["js-home-unreachable"]),
            Fault::UnknownKey => ("unknown-key", vec![], &[]),
        };
        // The line each finding points at: found in the written file by what the fault wrote there.
        let marker = match &s.fault {
            Fault::DuplicateDomain { of } => format!("domain: {}", sites[*of].name),
            Fault::MissingDomain => "jetstream {".to_string(),
            Fault::RemoteClientPort => ":4222\", account".to_string(),
            Fault::HostUnknownDomain => "WASMCLOUD_JS_DOMAIN".to_string(),
            _ => "max_fle_store".to_string(),
        };
        let mut files = vec![fault_file(out, s)];
        let mut lines = vec![line_of(out, &files[0], &marker)?];
        let mut servers = vec![s.name.clone()];
        for o in others {
            files.push(fault_file(out, o));
            lines.push(line_of(out, &files[files.len() - 1], &marker)?);
            servers.push(o.name.clone());
        }
        faults.push(serde_json::json!({
            "rule": rule,
            "files": files,
            "lines": lines,
            "servers": servers,
            "may_also": may_also,
        }));
    }
    faults.sort_by_key(|f| {
        (f["rule"].as_str().unwrap_or("").to_string(), f["files"][0].as_str().unwrap_or("").to_string())
    });
    let hosts = sites.iter().filter(|s| s.has_host()).count();
    let doc = serde_json::json!({
        "edge_servers": args.servers,
        "hub_servers": 6,
        "hosts": hosts,
        "seed": args.seed,
        "files": files,
        "faults": faults,
    });
    let text = serde_json::to_string_pretty(&doc).unwrap_or_default();
    fs::write(out.join("PLANTED.json"), text + "\n")
}
