//! Wiring: etcd storage, the registry's stores, TLS, and the accept loop serving HTTP/2 and
//! HTTP/1.1 on `--bind-address:--secure-port`.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use std::sync::Arc;

use anyhow::{Context, bail};
use apimachinery::resource::Resource;
use apimachinery::storage::{Storage, etcd3};
use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

use crate::authentication::User;
use crate::handler::{self, Api};
use crate::options::Options;
use crate::{bootstrap, builtin, tls};

/// How long a client may take to finish the TLS handshake.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);
/// How long an HTTP/1.1 client may take to send a request's headers.
const HEADER_READ_TIMEOUT: Duration = Duration::from_secs(30);
/// How often idle HTTP/2 connections are pinged.
const HTTP2_KEEPALIVE: Duration = Duration::from_secs(30);
/// The pause after a failed accept (e.g. out of file descriptors).
const ACCEPT_BACKOFF: Duration = Duration::from_millis(200);

fn etcd_config(options: &Options) -> anyhow::Result<etcd3::Config> {
    let etcd = &options.etcd;
    let tls = match (&etcd.etcd_cafile, &etcd.etcd_certfile, &etcd.etcd_keyfile) {
        (Some(ca), Some(cert), Some(key)) => Some(etcd3::TlsFiles { ca: ca.clone(), cert: cert.clone(), key: key.clone() }),
        (None, None, None) => None,
        _ => bail!("--etcd-cafile, --etcd-certfile and --etcd-keyfile go together"),
    };
    let mut config = etcd3::Config::new(etcd.etcd_servers.clone(), tls);
    config.prefix = etcd.etcd_prefix.clone();
    Ok(config)
}

/// Reads `--watch-cache` and `--watch-cache-sizes` (`resource[.group]#size`) into a lookup.
fn watch_cache_sizes(options: &Options) -> anyhow::Result<impl Fn(&Resource) -> usize + use<>> {
    let enabled = options.etcd.watch_cache;
    let mut sizes = HashMap::new();
    for entry in &options.etcd.watch_cache_sizes {
        let (resource, size) = entry
            .split_once('#')
            .and_then(|(r, s)| Some((r.to_owned(), s.parse::<usize>().ok()?)))
            .with_context(|| format!("invalid --watch-cache-sizes entry {entry:?}: expected resource[.group]#size"))?;
        sizes.insert(resource, size);
    }
    Ok(move |resource: &Resource| {
        let name = if resource.group.is_empty() { resource.plural.clone() } else { format!("{}.{}", resource.plural, resource.group) };
        if enabled { sizes.get(&name).copied().unwrap_or(builtin::DEFAULT_WATCH_CACHE_SIZE) } else { 0 }
    })
}

/// Runs the apiserver until the process is stopped.
pub async fn run(options: Options) -> anyhow::Result<()> {
    let serving = &options.secure_serving;
    let (Some(cert), Some(key)) = (&serving.cert.tls_cert_file, &serving.cert.tls_private_key_file) else {
        bail!("--tls-cert-file and --tls-private-key-file are required (generating a self-signed certificate is not supported yet)");
    };
    let client_ca = options.authentication.client_cert.client_ca_file.as_deref();
    let acceptor = TlsAcceptor::from(tls::server_config(cert, key, client_ca)?);
    let cache_size = watch_cache_sizes(&options)?;
    let storage: Arc<dyn Storage> = Arc::new(etcd3::storage(&etcd_config(&options)?).await?);
    let address = SocketAddr::new(serving.bind_address, serving.secure_port);
    let advertised = options.server_run.advertise_address.unwrap_or(serving.bind_address);
    let api = Arc::new(Api {
        stores: builtin::stores(storage.clone(), &cache_size),
        storage,
        server_address: SocketAddr::new(advertised, serving.secure_port).to_string(),
        bootstrapped: AtomicBool::new(false),
        openapi: crate::openapi::Cache::default(),
    });
    let warming = api.clone();
    tokio::task::spawn_blocking(move || warming.openapi.documents_for(&warming.stores));
    let bootstrapping = api.clone();
    tokio::spawn(async move {
        if let Some(namespaces) = bootstrapping.namespaces() {
            bootstrap::ensure_system_namespaces(namespaces.clone()).await;
        }
        bootstrapping.bootstrapped.store(true, Ordering::Release);
    });
    let modes = options.authorization.effective_modes();
    if modes.iter().any(|m| !matches!(m, crate::options::AuthorizationMode::AlwaysAllow)) {
        tracing::warn!(
            ?modes,
            "authorization modes other than AlwaysAllow are not enforced yet: authenticated users may do anything, anonymous users only read health and version"
        );
    }
    let listener = TcpListener::bind(address).await.with_context(|| format!("failed to listen on {address}"))?;
    tracing::info!(%address, "serving securely");
    loop {
        let (tcp, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(e) => {
                // Out of file descriptors and the like: back off instead of exiting.
                tracing::warn!(error = %e, "accept failed");
                tokio::time::sleep(ACCEPT_BACKOFF).await;
                continue;
            }
        };
        let (acceptor, api) = (acceptor.clone(), api.clone());
        tokio::spawn(async move {
            let tls = match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(tcp)).await {
                Ok(Ok(tls)) => tls,
                Ok(Err(e)) => return tracing::debug!(%peer, error = %e, "TLS handshake failed"),
                Err(_) => return tracing::debug!(%peer, "TLS handshake timed out"),
            };
            let user = tls
                .get_ref()
                .1
                .peer_certificates()
                .and_then(|chain| chain.first())
                .and_then(|cert| User::from_certificate(cert))
                .unwrap_or_else(User::anonymous);
            let service = service_fn(move |request| {
                let (api, user) = (api.clone(), user.clone());
                async move { Ok::<_, std::convert::Infallible>(handler::handle(api, user, request).await) }
            });
            let mut builder = auto::Builder::new(TokioExecutor::new());
            builder.http1().timer(TokioTimer::new()).header_read_timeout(HEADER_READ_TIMEOUT);
            builder.http2().timer(TokioTimer::new()).keep_alive_interval(HTTP2_KEEPALIVE);
            if let Err(e) = builder.serve_connection(TokioIo::new(tls), service).await {
                tracing::debug!(%peer, error = %e, "connection ended with an error");
            }
        });
    }
}
