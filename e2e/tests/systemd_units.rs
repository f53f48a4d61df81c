//! The unit files in `systemd/`: `systemd-analyze verify` accepts each, every component's
//! ExecStart flags parse with our binaries, and etcd.service's command line starts a real
//! etcd that serves mutual TLS with kubeadm's PKI.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use anyhow::{Context, ensure};
use e2e::binaries::bin_path;
use e2e::cluster_pki::ClusterPki;
use e2e::poll::poll_until;
use e2e::ports::free_ports;
use e2e::process::Daemon;

const COMPONENTS: [&str; 5] = ["kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubelet", "kube-proxy"];

fn unit_text(name: &str) -> anyhow::Result<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../systemd").join(format!("{name}.service"));
    std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))
}

fn exec_start(unit: &str) -> anyhow::Result<Vec<String>> {
    let start = unit.find("ExecStart=").context("no ExecStart=")? + "ExecStart=".len();
    let mut line = String::new();
    for part in unit[start..].lines() {
        line.push_str(part);
        line.push('\n');
        if !part.trim_end().ends_with('\\') {
            break;
        }
    }
    Ok(component_base::exec_start::split(&line)?)
}

/// The unit with its binaries pointed at this build, as `systemd-analyze` checks they exist.
fn local_unit(name: &str, dir: &Path) -> anyhow::Result<PathBuf> {
    let local = unit_text(name)?.replace("/usr/local/bin/", &format!("{}/", bin_path("kubeadm").with_file_name("").display()));
    let path = dir.join(format!("{name}.service"));
    std::fs::write(&path, local)?;
    Ok(path)
}

#[test]
fn systemd_analyze_verifies_every_unit() -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    for name in COMPONENTS.iter().chain(&["etcd"]) {
        let unit = local_unit(name, dir.path())?;
        let out = Command::new("systemd-analyze").arg("verify").arg(&unit).output().context("systemd-analyze (Debian package systemd) is needed")?;
        ensure!(out.status.success() && out.stderr.is_empty(), "{name}.service: {}", String::from_utf8_lossy(&out.stderr));
    }
    Ok(())
}

#[test]
fn component_units_pass_flags_our_binaries_accept() -> anyhow::Result<()> {
    let empty = tempfile::tempdir()?;
    let no_pki = empty.path().join("pki").display().to_string();
    for name in COMPONENTS {
        // Point the PKI at an empty directory so the machine's /etc/kubernetes cannot matter.
        let args: Vec<String> = exec_start(&unit_text(name)?)?.iter().map(|a| a.replace("/etc/kubernetes/pki", &no_pki)).collect();
        ensure!(args.first().is_some_and(|a| a == &format!("/usr/local/bin/{name}")), "{name}: {args:?}");
        let out = Command::new(bin_path(name)).args(&args[1..]).output()?;
        let stderr = String::from_utf8_lossy(&out.stderr);
        let accepted = if name == "kube-apiserver" {
            // It runs: with no PKI installed here it stops at the first file it needs.
            stderr.contains(&format!("failed to read --tls-cert-file {no_pki}/apiserver.crt"))
        } else {
            stderr.contains("flags accepted")
        };
        ensure!(accepted && out.status.code() == Some(1), "{name}.service flags refused: {stderr}");
    }
    Ok(())
}

#[test]
fn etcd_unit_serves_mutual_tls_with_kubeadm_pki() -> anyhow::Result<()> {
    let pki = ClusterPki::generate()?;
    let data = tempfile::tempdir()?;
    let ports = free_ports(2)?;
    let (client, peer) = (ports[0].to_string(), ports[1].to_string());
    let args: Vec<String> = exec_start(&unit_text("etcd")?)?
        .into_iter()
        .map(|a| {
            a.replace("/etc/kubernetes/pki", &pki.cert_dir().display().to_string())
                .replace("/var/lib/etcd", &data.path().join("member-data").display().to_string())
                .replace(":2379", &format!(":{client}"))
                .replace(":2380", &format!(":{peer}"))
        })
        .collect();
    let mut command = Command::new(&args[0]);
    command.args(&args[1..]);
    let etcd = Daemon::spawn("etcd-unit", command, data.path())?;
    let etcdctl = |cert: &str| {
        Command::new("etcdctl")
            .env("ETCDCTL_API", "3")
            .arg(format!("--endpoints=https://127.0.0.1:{client}"))
            .arg(format!("--cacert={}", pki.cert("etcd/ca").display()))
            .arg(format!("--cert={}", pki.cert(cert).display()))
            .arg(format!("--key={}", pki.key(cert).display()))
            .args(["endpoint", "health"])
            .output()
    };
    poll_until(Duration::from_secs(20), Duration::from_millis(100), "etcd from etcd.service to be healthy", || {
        let out = etcdctl("etcd/healthcheck-client")?;
        Ok(out.status.success().then_some(()))
    })
    .with_context(|| etcd.log_tail(20))?;
    let refused = etcdctl("apiserver-kubelet-client")?;
    ensure!(!refused.status.success(), "a client certificate from the cluster CA must be refused by etcd");
    Ok(())
}
