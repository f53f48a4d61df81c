//! Talking to an etcd cluster through any live member.
//!
//! etcd-client's balanced channel keeps a dead endpoint in rotation, so a third of requests
//! fail while one member of three is down. Here each `--etcd-servers` endpoint gets its own
//! client; a request that fails because its member is unreachable is retried on the next
//! one, and the member that answered is tried first next time.

use std::future::Future;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use etcd_client::{Certificate, Client, ConnectOptions, Identity, TlsOptions};

use crate::storage::{Error, Result};

/// Client certificate files for etcd (`--etcd-cafile`, `--etcd-certfile`, `--etcd-keyfile`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TlsFiles {
    /// The CA that signed etcd's serving certificate.
    pub ca: PathBuf,
    /// The client certificate.
    pub cert: PathBuf,
    /// The client key.
    pub key: PathBuf,
}

/// One client per etcd member, tried in turn.
pub struct Endpoints {
    clients: Vec<(String, Client)>,
    preferred: AtomicUsize,
    /// How long to keep retrying while no member can serve (a leader election takes ~1-2 s).
    patience: Duration,
}

/// The first pause between rounds when every member failed; it doubles up to a second.
const FIRST_BACKOFF: Duration = Duration::from_millis(100);

impl Endpoints {
    /// Prepares a client for every endpoint; connections are made lazily.
    pub async fn connect(endpoints: &[String], tls: Option<&TlsFiles>, timeout: Duration) -> Result<Self> {
        if endpoints.is_empty() {
            return Err(Error::Unavailable("no etcd endpoints given".into()));
        }
        let mut options = ConnectOptions::new()
            .with_connect_timeout(timeout)
            .with_timeout(timeout)
            .with_keep_alive(Duration::from_secs(10), timeout)
            .with_require_leader(true);
        if let Some(tls) = tls {
            options = options.with_tls(tls_options(tls)?);
        }
        let mut clients = Vec::with_capacity(endpoints.len());
        for endpoint in endpoints {
            let client = Client::connect([endpoint], Some(options.clone()))
                .await
                .map_err(|e| Error::Unavailable(format!("{endpoint}: {e}")))?;
            clients.push((endpoint.clone(), client));
        }
        Ok(Self { clients, preferred: AtomicUsize::new(0), patience: timeout })
    }

    /// Runs `op` on the preferred member, moving on to the others while members are
    /// unreachable, and starting over with a growing pause while none can serve, until the
    /// request timeout has passed.
    pub async fn call<T, F, Fut>(&self, op: F) -> Result<T>
    where
        F: Fn(Client) -> Fut,
        Fut: Future<Output = Result<T, etcd_client::Error>>,
    {
        let deadline = tokio::time::Instant::now() + self.patience;
        let mut backoff = FIRST_BACKOFF;
        loop {
            match self.round(&op).await {
                Err(Error::Unavailable(why)) if tokio::time::Instant::now() + backoff < deadline => {
                    tracing::debug!(%why, ?backoff, "no etcd member could serve; retrying");
                    tokio::time::sleep(backoff).await;
                    backoff = (backoff * 2).min(Duration::from_secs(1));
                }
                other => return other,
            }
        }
    }

    /// Tries each member once, starting with the preferred one.
    async fn round<T, F, Fut>(&self, op: &F) -> Result<T>
    where
        F: Fn(Client) -> Fut,
        Fut: Future<Output = Result<T, etcd_client::Error>>,
    {
        let start = self.preferred.load(Ordering::Relaxed);
        let mut failures = Vec::new();
        for offset in 0..self.clients.len() {
            let index = (start + offset) % self.clients.len();
            let (endpoint, client) = &self.clients[index];
            match op(client.clone()).await {
                Ok(value) => {
                    self.preferred.store(index, Ordering::Relaxed);
                    return Ok(value);
                }
                Err(e) if is_unreachable(&e) => {
                    tracing::debug!(%endpoint, error = %e, "etcd member unreachable, trying the next");
                    failures.push(format!("{endpoint}: {e}"));
                }
                Err(e) => return Err(classify(e)),
            }
        }
        Err(Error::Unavailable(failures.join("; ")))
    }
}

fn tls_options(tls: &TlsFiles) -> Result<TlsOptions> {
    let read = |path: &PathBuf| {
        std::fs::read(path).map_err(|e| Error::Unavailable(format!("failed to read {}: {e}", path.display())))
    };
    Ok(TlsOptions::new()
        .ca_certificate(Certificate::from_pem(read(&tls.ca)?))
        .identity(Identity::from_pem(read(&tls.cert)?, read(&tls.key)?)))
}

/// Whether the member could not serve the request at all, so another member may.
fn is_unreachable(error: &etcd_client::Error) -> bool {
    use etcd_client::Error as E;
    match error {
        E::TransportError(_) | E::IoError(_) => true,
        E::GRpcStatus(status) => matches!(
            status.code(),
            tonic::Code::Unavailable | tonic::Code::DeadlineExceeded | tonic::Code::Unknown
        ) && !status.message().contains("compacted"),
        _ => false,
    }
}

/// Maps an etcd error the caller must see.
pub fn classify(error: etcd_client::Error) -> Error {
    match &error {
        etcd_client::Error::GRpcStatus(status) if status.message().contains("compacted") => {
            Error::ResourceVersionTooOld { requested: 0, oldest: 0 }
        }
        _ => Error::Internal(error.to_string()),
    }
}
