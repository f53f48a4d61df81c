//! `apiserver-bench`: figures for the apiserver, measured against the same etcd in the same
//! run, printed rather than asserted (machines here are noisy).
//!
//! Creates/s through the apiserver vs raw etcd create-txns/s at 1 and 16 clients and their
//! ratio; LIST latency of 1,000 objects; watch fan-out latency with 100 and 1,000 watchers;
//! the apiserver's RSS idle and after 10,000 objects. ConfigMaps stand in for pods until pods
//! are served. Run `cargo build --release --bins && cargo run --release -p e2e --bin
//! apiserver-bench` (see docs/benchmarks.md).

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context;
use bytes::Bytes;
use e2e::control_plane::ControlPlane;
use etcd_client::{Compare, CompareOp, Txn, TxnOp};
use http_body_util::{BodyExt, Full};
use hyper::Request;
use hyper::client::conn::http1;
use hyper_util::rt::TokioIo;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// One HTTP/1.1 connection to the apiserver, authenticated with a client certificate.
struct Connection {
    sender: http1::SendRequest<Full<Bytes>>,
}

/// What every connection needs: the address and the TLS settings.
#[derive(Clone)]
struct Target {
    address: String,
    tls: TlsConnector,
}

impl Target {
    fn new(plane: &ControlPlane) -> anyhow::Result<Self> {
        let pki = plane.pki();
        let mut roots = rustls::RootCertStore::empty();
        roots.add(CertificateDer::from_pem_file(pki.cert("ca"))?)?;
        let chain = vec![CertificateDer::from_pem_file(pki.cert("apiserver-kubelet-client"))?];
        let key = PrivateKeyDer::from_pem_file(pki.key("apiserver-kubelet-client"))?;
        let provider = Arc::new(rustls::crypto::aws_lc_rs::default_provider());
        let config = rustls::ClientConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()?
            .with_root_certificates(roots)
            .with_client_auth_cert(chain, key)?;
        let address = plane.server_url()?.trim_start_matches("https://").to_owned();
        Ok(Self { address, tls: TlsConnector::from(Arc::new(config)) })
    }

    async fn connect(&self) -> anyhow::Result<Connection> {
        let tcp = TcpStream::connect(&self.address).await?;
        let tls = self.tls.connect(ServerName::try_from("127.0.0.1")?.to_owned(), tcp).await?;
        let (sender, connection) = http1::handshake(TokioIo::new(tls)).await?;
        tokio::spawn(connection);
        Ok(Connection { sender })
    }
}

impl Connection {
    async fn send(&mut self, method: &str, path: &str, body: Option<String>) -> anyhow::Result<(u16, Bytes)> {
        let request = Request::builder()
            .method(method)
            .uri(path)
            .header("host", "127.0.0.1")
            .header("content-type", "application/json")
            .body(Full::new(Bytes::from(body.unwrap_or_default())))?;
        self.sender.ready().await?;
        let response = self.sender.send_request(request).await?;
        let status = response.status().as_u16();
        Ok((status, response.into_body().collect().await?.to_bytes()))
    }
}

fn configmap(name: &str) -> String {
    format!(r#"{{"apiVersion":"v1","kind":"ConfigMap","metadata":{{"name":"{name}"}},"data":{{"payload":"{}"}}}}"#, "x".repeat(512))
}

/// Runs `total` creates in `namespace` over `clients` connections; returns creates per second.
async fn apiserver_creates(target: &Target, namespace: &str, clients: usize, total: usize) -> anyhow::Result<f64> {
    let mut connections = Vec::new();
    for _ in 0..clients {
        connections.push(target.connect().await?);
    }
    let start = Instant::now();
    let tasks: Vec<_> = connections
        .into_iter()
        .enumerate()
        .map(|(c, mut connection)| {
            let path = format!("/api/v1/namespaces/{namespace}/configmaps");
            tokio::spawn(async move {
                for i in (c..total).step_by(clients) {
                    let (status, body) = connection.send("POST", &path, Some(configmap(&format!("cm-{i}")))).await?;
                    anyhow::ensure!(status == 201, "create failed with {status}: {}", String::from_utf8_lossy(&body));
                }
                Ok(())
            })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    Ok(total as f64 / start.elapsed().as_secs_f64())
}

/// Runs `total` create-txns straight against etcd over `clients` clients; returns txns per second.
async fn etcd_creates(plane: &ControlPlane, prefix: &str, clients: usize, total: usize) -> anyhow::Result<f64> {
    let pki = plane.pki();
    let tls = etcd_client::TlsOptions::new()
        .ca_certificate(etcd_client::Certificate::from_pem(std::fs::read(pki.cert("etcd/ca"))?))
        .identity(etcd_client::Identity::from_pem(std::fs::read(pki.cert("apiserver-etcd-client"))?, std::fs::read(pki.key("apiserver-etcd-client"))?));
    let endpoints = plane.etcd().client_urls();
    let mut handles = Vec::new();
    let start = Instant::now();
    for c in 0..clients {
        let mut client = etcd_client::Client::connect(&endpoints, Some(etcd_client::ConnectOptions::new().with_tls(tls.clone()))).await?;
        let prefix = prefix.to_owned();
        handles.push(tokio::spawn(async move {
            for i in (c..total).step_by(clients) {
                let key = format!("/bench/{prefix}/{i}");
                let txn = Txn::new().when([Compare::create_revision(key.clone(), CompareOp::Equal, 0)]).and_then([TxnOp::put(key, configmap("raw"), None)]);
                client.txn(txn).await?;
            }
            anyhow::Ok(())
        }));
    }
    for handle in handles {
        handle.await??;
    }
    Ok(total as f64 / start.elapsed().as_secs_f64())
}

fn percentile(samples: &mut [Duration], p: f64) -> Duration {
    samples.sort();
    let index = ((samples.len() as f64 - 1.0) * p).round() as usize;
    samples.get(index).copied().unwrap_or_default()
}

/// Lists the 1,000 configmaps of namespace `list` `rounds` times; returns p50 and p99.
async fn list_latency(target: &Target, rounds: usize) -> anyhow::Result<(Duration, Duration)> {
    let mut connection = target.connect().await?;
    let mut samples = Vec::new();
    for _ in 0..rounds {
        let start = Instant::now();
        let (status, _) = connection.send("GET", "/api/v1/namespaces/list/configmaps", None).await?;
        anyhow::ensure!(status == 200, "list failed with {status}");
        samples.push(start.elapsed());
    }
    Ok((percentile(&mut samples, 0.5), percentile(&mut samples, 0.99)))
}

/// Opens `watchers` watches, creates one object, and measures when each watcher sees it.
async fn fan_out_latency(target: &Target, watchers: usize, name: &str) -> anyhow::Result<(Duration, Duration)> {
    let mut streams = Vec::new();
    for _ in 0..watchers {
        let mut connection = target.connect().await?;
        let request = Request::builder()
            .uri("/api/v1/namespaces/default/configmaps?watch=true&resourceVersion=0&timeoutSeconds=60&fieldSelector=metadata.name%3D".to_owned() + name)
            .header("host", "127.0.0.1")
            .body(Full::new(Bytes::new()))?;
        let response = connection.sender.send_request(request).await?;
        streams.push((connection, response.into_body()));
    }
    let mut creator = target.connect().await?;
    let start = Instant::now();
    let waits: Vec<_> = streams
        .into_iter()
        .map(|(connection, mut body)| {
            tokio::spawn(async move {
                let _keep = connection;
                while let Some(frame) = body.frame().await {
                    if frame?.data_ref().is_some_and(|d| !d.is_empty()) {
                        return anyhow::Ok(start.elapsed());
                    }
                }
                anyhow::bail!("watch ended before the event")
            })
        })
        .collect();
    let (status, _) = creator.send("POST", "/api/v1/namespaces/default/configmaps", Some(configmap(name))).await?;
    anyhow::ensure!(status == 201, "create failed with {status}");
    let mut samples = Vec::new();
    for wait in waits {
        samples.push(tokio::time::timeout(Duration::from_secs(30), wait).await???);
    }
    Ok((percentile(&mut samples, 0.5), percentile(&mut samples, 0.99)))
}

/// The resident set size of a process, in MiB.
fn rss_mib(pid: u32) -> anyhow::Result<f64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status"))?;
    let kib: f64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
        .context("no VmRSS")?;
    Ok(kib / 1024.0)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let plane = tokio::task::spawn_blocking(ControlPlane::start).await??;
    let target = Target::new(&plane)?;
    for namespace in ["c1", "c16", "list", "bulk"] {
        let manifest = format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: {namespace}\n");
        anyhow::ensure!(plane.kubectl_stdin(&["create", "--validate=false", "-f", "-"], &manifest)?.status.success());
    }
    println!("apiserver RSS idle: {:.1} MiB", rss_mib(plane.apiserver_pid())?);
    for (clients, total) in [(1, 500), (16, 2000)] {
        let api = apiserver_creates(&target, &format!("c{clients}"), clients, total).await?;
        let etcd = etcd_creates(&plane, &format!("c{clients}"), clients, total).await?;
        println!("creates, {clients:>2} client(s): apiserver {api:>7.0}/s  etcd txn {etcd:>7.0}/s  ratio {:.2}", api / etcd);
    }
    apiserver_creates(&target, "list", 16, 1000).await.context("filling the list namespace")?;
    let (p50, p99) = list_latency(&target, 20).await.context("listing")?;
    println!("LIST of 1,000 configmaps: p50 {p50:?}  p99 {p99:?}");
    for watchers in [100, 1000] {
        let (p50, p99) = fan_out_latency(&target, watchers, &format!("fan-{watchers}")).await.context("watch fan-out")?;
        println!("watch fan-out to {watchers:>4} watchers: p50 {p50:?}  p99 {p99:?}");
    }
    apiserver_creates(&target, "bulk", 16, 10_000).await?;
    println!("apiserver RSS after 10,000 more configmaps: {:.1} MiB", rss_mib(plane.apiserver_pid())?);
    Ok(())
}
