//! A control plane for end-to-end tests: fresh kubeadm PKI, a real etcd with mutual TLS, and
//! our kube-apiserver on a free port, with kubectl pointed at it through `admin.conf`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use anyhow::Context;

use crate::binaries::bin_path;
use crate::cluster_pki::ClusterPki;
use crate::etcd::{EtcdCerts, EtcdCluster, EtcdTls};
use crate::kubectl::KUBECTL;
use crate::poll::poll_until;
use crate::ports::free_port;
use crate::process::Daemon;

/// How long the apiserver may take to report ready.
const READY_DEADLINE: Duration = Duration::from_secs(30);

/// A running etcd + kube-apiserver; dropping it stops both and removes their files.
pub struct ControlPlane {
    apiserver: Daemon,
    etcd: EtcdCluster,
    pki: ClusterPki,
    _logs: tempfile::TempDir,
}

impl ControlPlane {
    /// Starts a one-member etcd and the apiserver and waits until `/readyz` answers `ok`.
    pub fn start() -> anyhow::Result<Self> {
        Self::start_with_etcd_members(1)
    }

    /// As [`ControlPlane::start`], with an etcd cluster of `members` members.
    pub fn start_with_etcd_members(members: usize) -> anyhow::Result<Self> {
        Self::start_with(members, &[])
    }

    /// As [`ControlPlane::start`], with `members` etcd members and extra apiserver flags.
    pub fn start_with(members: usize, apiserver_flags: &[&str]) -> anyhow::Result<Self> {
        let port = free_port()?;
        let pki = ClusterPki::generate_for_port(port)?;
        let etcd = EtcdCluster::start(members, EtcdTls::Mutual(EtcdCerts::kubeadm_layout(&pki.cert_dir())))?;
        let logs = tempfile::tempdir()?;
        let file = |base: &str, ext: &str| pki.cert_dir().join(format!("{base}.{ext}")).display().to_string();
        let mut command = Command::new(bin_path("kube-apiserver"));
        command.args([
            format!("--etcd-servers={}", etcd.endpoints_arg()),
            format!("--etcd-cafile={}", file("etcd/ca", "crt")),
            format!("--etcd-certfile={}", file("apiserver-etcd-client", "crt")),
            format!("--etcd-keyfile={}", file("apiserver-etcd-client", "key")),
            "--bind-address=127.0.0.1".into(),
            "--advertise-address=127.0.0.1".into(),
            format!("--secure-port={port}"),
            format!("--tls-cert-file={}", file("apiserver", "crt")),
            format!("--tls-private-key-file={}", file("apiserver", "key")),
            format!("--client-ca-file={}", file("ca", "crt")),
            "--service-account-issuer=https://kubernetes.default.svc.cluster.local".into(),
            format!("--service-account-key-file={}", file("sa", "pub")),
            format!("--service-account-signing-key-file={}", file("sa", "key")),
            "--v=2".into(),
        ]);
        command.args(apiserver_flags);
        let apiserver = Daemon::spawn("kube-apiserver", command, logs.path())?;
        let mut plane = Self { apiserver, etcd, pki, _logs: logs };
        poll_until(READY_DEADLINE, Duration::from_millis(100), "kube-apiserver /readyz", || {
            if let Some(status) = plane.apiserver.try_wait()? {
                return Err(crate::poll::give_up(format!("kube-apiserver exited with {status}")));
            }
            let out = plane.kubectl(&["get", "--raw", "/readyz", "--request-timeout=5s"])?;
            Ok((out.status.success() && out.stdout == b"ok").then_some(()))
        })
        .with_context(|| plane.apiserver.log_tail(30))?;
        Ok(plane)
    }

    /// `admin.conf`, pointing at this apiserver.
    pub fn admin_kubeconfig(&self) -> PathBuf {
        self.pki.kubeconfig("admin.conf")
    }

    /// The etcd cluster behind the apiserver.
    pub fn etcd(&self) -> &EtcdCluster {
        &self.etcd
    }

    /// The etcd cluster, to kill or stop members.
    pub fn etcd_mut(&mut self) -> &mut EtcdCluster {
        &mut self.etcd
    }

    /// The generated PKI.
    pub fn pki(&self) -> &ClusterPki {
        &self.pki
    }

    /// Runs `/usr/bin/kubectl` as the cluster admin.
    pub fn kubectl(&self, args: &[&str]) -> anyhow::Result<Output> {
        self.kubectl_with(Path::new(KUBECTL), args)
    }

    /// Runs the given kubectl binary as the cluster admin.
    pub fn kubectl_with(&self, kubectl: &Path, args: &[&str]) -> anyhow::Result<Output> {
        Command::new(kubectl)
            .arg(format!("--kubeconfig={}", self.admin_kubeconfig().display()))
            .args(args)
            .env_remove("KUBECONFIG")
            .output()
            .with_context(|| format!("failed to run {}", kubectl.display()))
    }

    /// Runs `/usr/bin/kubectl` as the cluster admin with `input` on standard input.
    pub fn kubectl_stdin(&self, args: &[&str], input: &str) -> anyhow::Result<Output> {
        self.kubectl_stdin_with(Path::new(KUBECTL), args, input)
    }

    /// Runs the given kubectl binary as the cluster admin with `input` on standard input.
    pub fn kubectl_stdin_with(&self, kubectl: &Path, args: &[&str], input: &str) -> anyhow::Result<Output> {
        use std::io::Write;
        let mut child = Command::new(kubectl)
            .arg(format!("--kubeconfig={}", self.admin_kubeconfig().display()))
            .args(args)
            .env_remove("KUBECONFIG")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .context("failed to run kubectl")?;
        child.stdin.take().context("kubectl's stdin")?.write_all(input.as_bytes())?;
        child.wait_with_output().context("failed to wait for kubectl")
    }

    /// The apiserver's process id (to read its memory use).
    pub fn apiserver_pid(&self) -> u32 {
        self.apiserver.pid()
    }

    /// The apiserver's `https://127.0.0.1:PORT` URL.
    pub fn server_url(&self) -> anyhow::Result<String> {
        let out = self.kubectl(&["config", "view", "--minify", "-o", "jsonpath={.clusters[0].cluster.server}"])?;
        Ok(String::from_utf8(out.stdout)?)
    }

    /// The apiserver's whole log so far.
    pub fn apiserver_log_text(&self) -> anyhow::Result<String> {
        std::fs::read_to_string(self.apiserver.log_path()).context("failed to read the apiserver log")
    }

    /// The last lines of the apiserver's log.
    pub fn apiserver_log(&self) -> String {
        self.apiserver.log_tail(40)
    }
}
