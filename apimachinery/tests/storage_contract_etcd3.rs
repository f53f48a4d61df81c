//! The storage contract against etcd3 directly.

mod contract;

use apimachinery::storage::etcd3;
use e2e::etcd::{EtcdCluster, EtcdTls};

#[tokio::test]
async fn etcd3_meets_the_storage_contract() -> anyhow::Result<()> {
    let cluster = tokio::task::spawn_blocking(|| EtcdCluster::start(1, EtcdTls::Plaintext)).await??;
    let storage = etcd3::storage(&etcd3::Config::new(cluster.client_urls(), None)).await?;
    contract::crud(&storage).await?;
    contract::watch_replays_in_order(&storage).await?;
    contract::watch_from_now_sees_new_writes(&storage).await
}
