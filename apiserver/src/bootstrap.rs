//! What the apiserver creates at start-up, as upstream's bootstrap controller does: the
//! system namespaces. Retried until etcd accepts them; existing ones are left alone.

use std::time::Duration;

use apimachinery::registry::{Store, WriteOptions};
use serde_json::json;

/// The namespaces every cluster has.
pub const SYSTEM_NAMESPACES: [&str; 4] = ["default", "kube-system", "kube-public", "kube-node-lease"];

/// How long to wait between attempts while etcd is not reachable.
const RETRY_EVERY: Duration = Duration::from_secs(1);

/// Creates the system namespaces, retrying failures other than "already exists".
pub async fn ensure_system_namespaces(namespaces: Store) {
    for name in SYSTEM_NAMESPACES {
        loop {
            match namespaces.create("", json!({"metadata": {"name": name}}), WriteOptions::default()).await {
                Ok(_) => break tracing::info!(namespace = name, "created system namespace"),
                Err(e) if e.reason == "AlreadyExists" => break,
                Err(e) => {
                    tracing::warn!(namespace = name, error = %e, "cannot create system namespace yet; retrying");
                    tokio::time::sleep(RETRY_EVERY).await;
                }
            }
        }
    }
}
