//! A real etcd cluster (the Debian `etcd-server` package's `/usr/bin/etcd`) on free loopback
//! ports, checked and driven with the real `/usr/bin/etcdctl` (v3 API).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context as _;

use crate::poll::{give_up, poll_until};
use crate::ports::free_ports;
use crate::process::Daemon;

/// The etcd server binary.
pub const ETCD: &str = "/usr/bin/etcd";
/// The etcd command-line client.
pub const ETCDCTL: &str = "/usr/bin/etcdctl";
/// How long [`EtcdCluster::start`] waits for every member to be healthy.
pub const START_DEADLINE: Duration = Duration::from_secs(20);
/// How often health is checked while waiting.
const POLL_EVERY: Duration = Duration::from_millis(50);
/// How long [`EtcdCluster::start`] waits for a member to bootstrap before starting the next.
const BOOTSTRAP_WAIT: Duration = Duration::from_secs(3);
/// What etcd 3.4 logs once it serves its peer port.
const SERVING_PEERS: &str = r#""msg":"serving peer traffic""#;
/// What etcd 3.4 logs once it has joined the cluster and serves clients.
const READY: &str = r#""msg":"published local member to cluster through raft""#;
/// How long [`EtcdCluster::wait_healthy`] waits for [`READY`] in the logs before asking
/// etcdctl anyway.
const LOG_HINT_WAIT: Duration = Duration::from_secs(3);
/// How many log lines of each member an error message carries.
const LOG_TAIL_LINES: usize = 20;

/// A certificate and its private key, as PEM files.
#[derive(Clone, Debug)]
pub struct CertKey {
    /// The certificate (chain).
    pub cert: PathBuf,
    /// The private key.
    pub key: PathBuf,
}

impl CertKey {
    /// `<dir>/<stem>.crt` and `<dir>/<stem>.key`, the way kubeadm names its files.
    pub fn in_dir(dir: &Path, stem: &str) -> CertKey {
        CertKey { cert: dir.join(format!("{stem}.crt")), key: dir.join(format!("{stem}.key")) }
    }
}

/// The files of an etcd cluster using mutual TLS for clients and peers.
#[derive(Clone, Debug)]
pub struct EtcdCerts {
    /// The CA that signed the server, peer and client certificates; both servers and clients
    /// trust it.
    pub ca: PathBuf,
    /// The certificate members serve to clients (SANs must cover 127.0.0.1).
    pub server: CertKey,
    /// The certificate members use between themselves, as server and as client (SANs must
    /// cover 127.0.0.1; needs both the serverAuth and the clientAuth extended key usage).
    pub peer: CertKey,
    /// The client certificate the fixture itself uses (health checks, [`EtcdCluster::etcdctl_ok`]).
    pub client: CertKey,
}

impl EtcdCerts {
    /// kubeadm's layout under a certificate directory such as `/etc/kubernetes/pki`:
    /// `etcd/ca.crt`, `etcd/server.{crt,key}`, `etcd/peer.{crt,key}`, and
    /// `etcd/healthcheck-client.{crt,key}` as the fixture's client.
    pub fn kubeadm_layout(cert_dir: &Path) -> EtcdCerts {
        let etcd = cert_dir.join("etcd");
        EtcdCerts {
            ca: etcd.join("ca.crt"),
            server: CertKey::in_dir(&etcd, "server"),
            peer: CertKey::in_dir(&etcd, "peer"),
            client: CertKey::in_dir(&etcd, "healthcheck-client"),
        }
    }
}

/// How the cluster's members talk to clients and to each other.
#[derive(Clone, Debug)]
pub enum EtcdTls {
    /// Plain `http://` for clients and peers, no authentication: quick, for tests that are
    /// not about etcd's security.
    Plaintext,
    /// `https://` for clients and peers, each side verifying the other's certificate.
    Mutual(EtcdCerts),
}

impl EtcdTls {
    fn scheme(&self) -> &'static str {
        match self {
            EtcdTls::Plaintext => "http",
            EtcdTls::Mutual(_) => "https",
        }
    }

    /// The etcd flags for these settings: certificates, and client and peer authentication.
    fn server_args(&self) -> Vec<String> {
        let EtcdTls::Mutual(certs) = self else {
            return Vec::new();
        };
        vec![
            format!("--cert-file={}", certs.server.cert.display()),
            format!("--key-file={}", certs.server.key.display()),
            "--client-cert-auth".to_owned(),
            format!("--trusted-ca-file={}", certs.ca.display()),
            format!("--peer-cert-file={}", certs.peer.cert.display()),
            format!("--peer-key-file={}", certs.peer.key.display()),
            "--peer-client-cert-auth".to_owned(),
            format!("--peer-trusted-ca-file={}", certs.ca.display()),
        ]
    }
}

/// One etcd process of the cluster.
#[derive(Debug)]
struct Member {
    name: String,
    client_url: String,
    daemon: Daemon,
    /// Stopped on purpose by the test: no longer expected to be healthy.
    stopped: bool,
}

/// A running etcd cluster. Dropping it kills every member and removes the data directories
/// and logs.
#[derive(Debug)]
pub struct EtcdCluster {
    // Declared before `dir` so that the processes stop before their directory goes.
    members: Vec<Member>,
    tls: EtcdTls,
    dir: tempfile::TempDir,
}

impl EtcdCluster {
    /// Starts a cluster of `members` etcd processes on free 127.0.0.1 ports, each with its own
    /// data directory in a new temporary directory, and waits until every member reports
    /// healthy (at most [`START_DEADLINE`]). On failure the error carries the members' logs.
    pub fn start(members: usize, tls: EtcdTls) -> anyhow::Result<EtcdCluster> {
        anyhow::ensure!(members >= 1, "an etcd cluster needs at least one member");
        for (binary, package) in [(ETCD, "etcd-server"), (ETCDCTL, "etcd-client")] {
            anyhow::ensure!(Path::new(binary).exists(), "{binary} is missing: apt-get install {package}");
        }
        let dir = tempfile::Builder::new().prefix("e2e-etcd-").tempdir().context("creating the cluster's directory")?;
        let ports = free_ports(2 * members)?;
        let scheme = tls.scheme();
        let names: Vec<String> = (0..members).map(|i| format!("m{i}")).collect();
        let peer_urls: Vec<String> = ports[members..].iter().map(|p| format!("{scheme}://127.0.0.1:{p}")).collect();
        let initial_cluster =
            names.iter().zip(&peer_urls).map(|(name, url)| format!("{name}={url}")).collect::<Vec<_>>().join(",");
        let token = unique_token();

        let mut cluster = EtcdCluster { members: Vec::with_capacity(members), tls, dir };
        for (i, name) in names.iter().enumerate() {
            let client_url = format!("{scheme}://127.0.0.1:{}", ports[i]);
            let mut cmd = Command::new(ETCD);
            cmd.arg(format!("--name={name}"))
                .arg(format!("--data-dir={}", cluster.dir.path().join(format!("{name}.data")).display()))
                .arg(format!("--listen-client-urls={client_url}"))
                .arg(format!("--advertise-client-urls={client_url}"))
                .arg(format!("--listen-peer-urls={}", peer_urls[i]))
                .arg(format!("--initial-advertise-peer-urls={}", peer_urls[i]))
                .arg(format!("--initial-cluster={initial_cluster}"))
                .arg("--initial-cluster-state=new")
                .arg(format!("--initial-cluster-token={token}"))
                .args(["--logger=zap", "--log-outputs=stderr"])
                .args(cluster.tls.server_args());
            remove_env_with_prefix(&mut cmd, "ETCD_");
            let mut daemon = Daemon::spawn(&format!("etcd-{name}"), cmd, cluster.dir.path())?;
            // Started together, members block each other's bootstrap: each asks the peers that
            // have bound their port but do not serve yet whether it is already a member, and
            // waits 1 s for each. One at a time, each finds its predecessors serving and its
            // successors not listening yet, and bootstraps in milliseconds.
            if i + 1 < members {
                wait_serving_peers(&mut daemon)?;
            }
            cluster.members.push(Member { name: name.clone(), client_url, daemon, stopped: false });
        }
        cluster.wait_healthy(START_DEADLINE)?;
        Ok(cluster)
    }

    /// Waits until every member not stopped by [`EtcdCluster::kill_member`] or
    /// [`EtcdCluster::stop_member`] reports healthy to `etcdctl endpoint health`. Fails at
    /// once if one of them has exited, and with the members' logs after `deadline`.
    pub fn wait_healthy(&mut self, deadline: Duration) -> anyhow::Result<()> {
        let endpoints = self.running_endpoints_arg();
        let what = format!("etcd members {endpoints} to be healthy");
        let trust_logs_until = Instant::now() + LOG_HINT_WAIT;
        let result = poll_until(deadline, POLL_EVERY, &what, || {
            for member in self.members.iter_mut().filter(|m| !m.stopped) {
                member.daemon.ensure_running().map_err(|e| give_up(format!("{e:#}")))?;
            }
            // A member serves clients only once it has joined the cluster through raft; an
            // etcdctl sent before that hangs for its whole timeout. Its log says when, so
            // etcdctl waits for that (or for LOG_HINT_WAIT, should etcd log otherwise).
            let logged_ready = self.members.iter().filter(|m| !m.stopped).all(|m| m.daemon.log_contains(READY));
            if !logged_ready && Instant::now() < trust_logs_until {
                return Ok(None);
            }
            let output = self
                .command(self.tls_client(), &endpoints)?
                .args(["endpoint", "health", "--dial-timeout=1s", "--command-timeout=1s"])
                .output()
                .context("running etcdctl")?;
            anyhow::ensure!(output.status.success(), "etcdctl endpoint health: {}", describe(&output));
            Ok(Some(()))
        });
        result.with_context(|| self.log_tails())
    }

    /// The members' client URLs (`http(s)://127.0.0.1:PORT`), in member order.
    pub fn client_urls(&self) -> Vec<String> {
        self.members.iter().map(|m| m.client_url.clone()).collect()
    }

    /// All client URLs joined with commas, as `--endpoints` or `--etcd-servers` take them.
    pub fn endpoints_arg(&self) -> String {
        self.client_urls().join(",")
    }

    /// The client URLs of the members not stopped on purpose, joined with commas.
    fn running_endpoints_arg(&self) -> String {
        self.members.iter().filter(|m| !m.stopped).map(|m| m.client_url.as_str()).collect::<Vec<_>>().join(",")
    }

    /// The TLS settings the cluster was started with.
    pub fn tls(&self) -> &EtcdTls {
        &self.tls
    }

    /// The temporary directory holding the members' data directories and logs; it is removed
    /// when the cluster is dropped.
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// The process ids of the members, in member order.
    pub fn member_pids(&self) -> Vec<u32> {
        self.members.iter().map(|m| m.daemon.pid()).collect()
    }

    /// Runs the real etcdctl against all members' endpoints as the client `client_cert` /
    /// `client_key`, trusting the cluster's CA. Returns the output whatever the exit status,
    /// so a test can assert a refusal. Only for a [`EtcdTls::Mutual`] cluster.
    pub fn etcdctl(&self, client_cert: &Path, client_key: &Path, args: &[&str]) -> anyhow::Result<Output> {
        anyhow::ensure!(
            matches!(self.tls, EtcdTls::Mutual(_)),
            "a plaintext etcd cluster takes no client certificate: use etcdctl_ok"
        );
        let client = CertKey { cert: client_cert.to_owned(), key: client_key.to_owned() };
        self.command(Some(&client), &self.endpoints_arg())?.args(args).output().context("running etcdctl")
    }

    /// Runs the real etcdctl against all members' endpoints as the fixture's own client (the
    /// [`EtcdCerts::client`] of a TLS cluster) and returns its stdout; fails, with etcdctl's
    /// stderr, unless it exits successfully.
    pub fn etcdctl_ok(&self, args: &[&str]) -> anyhow::Result<String> {
        let output =
            self.command(self.tls_client(), &self.endpoints_arg())?.args(args).output().context("running etcdctl")?;
        anyhow::ensure!(output.status.success(), "etcdctl {}: {}", args.join(" "), describe(&output));
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    }

    /// Kills member `i` with SIGKILL, like a crash: the others must carry on.
    pub fn kill_member(&mut self, i: usize) -> anyhow::Result<()> {
        let member = self.member_mut(i)?;
        member.stopped = true;
        member.daemon.kill().map(drop)
    }

    /// Stops member `i` gracefully with SIGTERM (a leader hands over leadership first).
    pub fn stop_member(&mut self, i: usize) -> anyhow::Result<()> {
        let member = self.member_mut(i)?;
        member.stopped = true;
        member.daemon.stop().map(drop)
    }

    /// The last lines of every member's log, for error messages.
    pub fn log_tails(&self) -> String {
        self.members
            .iter()
            .map(|m| {
                format!(
                    "--- etcd member {} ({}) ---\n{}",
                    m.name,
                    m.daemon.log_path().display(),
                    m.daemon.log_tail(LOG_TAIL_LINES)
                )
            })
            .collect::<Vec<_>>()
            .join("\n")
    }

    fn member_mut(&mut self, i: usize) -> anyhow::Result<&mut Member> {
        let count = self.members.len();
        self.members.get_mut(i).with_context(|| format!("no etcd member {i}: the cluster has {count}"))
    }

    /// The fixture's own client certificate, if the cluster uses TLS.
    fn tls_client(&self) -> Option<&CertKey> {
        match &self.tls {
            EtcdTls::Plaintext => None,
            EtcdTls::Mutual(certs) => Some(&certs.client),
        }
    }

    /// An etcdctl command for `endpoints`, presenting `client` and trusting the cluster's CA
    /// when the cluster uses TLS, and ignoring any `ETCDCTL_*` variables of the environment.
    fn command(&self, client: Option<&CertKey>, endpoints: &str) -> anyhow::Result<Command> {
        let mut cmd = Command::new(ETCDCTL);
        remove_env_with_prefix(&mut cmd, "ETCDCTL_");
        cmd.env("ETCDCTL_API", "3").arg(format!("--endpoints={endpoints}"));
        if let EtcdTls::Mutual(certs) = &self.tls {
            let client = client.context("a TLS etcd cluster needs a client certificate")?;
            cmd.arg(format!("--cacert={}", certs.ca.display()))
                .arg(format!("--cert={}", client.cert.display()))
                .arg(format!("--key={}", client.key.display()));
        }
        Ok(cmd)
    }
}

/// Waits until a starting member serves its peer port, i.e. has bootstrapped. Only a speed-up
/// (see [`EtcdCluster::start`]): when etcd does not log what is expected, it gives up quietly
/// after a while and the start goes on.
fn wait_serving_peers(daemon: &mut Daemon) -> anyhow::Result<()> {
    let serving = poll_until(BOOTSTRAP_WAIT, Duration::from_millis(10), "etcd to serve peer traffic", || {
        daemon.ensure_running().map_err(|e| give_up(format!("{e:#}")))?;
        Ok(daemon.log_contains(SERVING_PEERS).then_some(()))
    });
    match serving {
        Err(e) if e.is::<crate::poll::GiveUp>() => Err(e),
        _ => Ok(()),
    }
}

/// Keeps the caller's environment from configuring etcd or etcdctl behind the fixture's back
/// (both read `ETCD_<FLAG>` / `ETCDCTL_<FLAG>` variables as flags).
fn remove_env_with_prefix(cmd: &mut Command, prefix: &str) {
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with(prefix) {
            cmd.env_remove(name);
        }
    }
}

/// A cluster token no other cluster of this machine uses, so members of two clusters can
/// never join each other even if a port were reused.
fn unique_token() -> String {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    format!("e2e-{}-{}", std::process::id(), NEXT.fetch_add(1, Ordering::Relaxed))
}

/// A command's exit status and output, for error messages.
fn describe(output: &Output) -> String {
    format!(
        "{}; stdout: {}; stderr: {}",
        output.status,
        String::from_utf8_lossy(&output.stdout).trim(),
        String::from_utf8_lossy(&output.stderr).trim()
    )
}
