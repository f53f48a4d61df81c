//! The watch cache over real etcd: the storage contract, plus its window and fan-out.

mod contract;

use std::sync::Arc;
use std::time::Duration;

use apimachinery::storage::cacher::{self, CacheConfig, Cacher};
use apimachinery::storage::{Error, EventType, ListOptions, Preconditions, Storage, etcd3};
use e2e::etcd::{EtcdCluster, EtcdTls};
use futures::StreamExt;

async fn cached(capacity: usize) -> anyhow::Result<(EtcdCluster, Arc<dyn Storage>, Cacher)> {
    let cluster = tokio::task::spawn_blocking(|| EtcdCluster::start(1, EtcdTls::Plaintext)).await??;
    let etcd: Arc<dyn Storage> = Arc::new(etcd3::storage(&etcd3::Config::new(cluster.client_urls(), None)).await?);
    let cache = cacher::cacher(etcd.clone(), "/pods/", CacheConfig { capacity, bookmark_every: Duration::from_millis(300) });
    Ok((cluster, etcd, cache))
}

#[tokio::test]
async fn meets_the_storage_contract() -> anyhow::Result<()> {
    let (_etcd, _, cache) = cached(100).await?;
    contract::crud(&cache).await?;
    contract::watch_replays_in_order(&cache).await?;
    contract::watch_from_now_sees_new_writes(&cache).await
}

#[tokio::test]
async fn a_revision_older_than_the_window_is_too_old() -> anyhow::Result<()> {
    let (_etcd, _, cache) = cached(3).await?;
    let _ready = cache.watch("/pods/", 0, true).await?;
    let start = cache.current_revision().await?;
    for i in 0..6 {
        cache.create(&format!("/pods/default/p{i}"), contract::pod(&format!("p{i}"))).await?;
    }
    let newest = cache.current_revision().await?;
    let mut recent = cache.watch("/pods/", newest - 1, true).await?;
    let last = tokio::time::timeout(Duration::from_secs(5), recent.next()).await?.ok_or(anyhow::anyhow!("ended"))??;
    assert_eq!(last.revision, newest, "a revision inside the window resumes exactly");
    let too_old = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match cache.watch("/pods/", start, true).await {
                Err(e) => break e,
                Ok(_) => tokio::time::sleep(Duration::from_millis(20)).await,
            }
        }
    })
    .await?;
    assert!(matches!(too_old, Error::ResourceVersionTooOld { .. }), "{too_old:?}");
    Ok(())
}

#[tokio::test]
async fn one_etcd_watch_fans_out_to_many_clients() -> anyhow::Result<()> {
    let (_etcd, etcd, cache) = cached(100).await?;
    let start = cache.current_revision().await?;
    let mut watchers = Vec::new();
    for _ in 0..100 {
        watchers.push(cache.watch("/pods/", start, true).await?);
    }
    etcd.create("/pods/default/fan", contract::pod("fan")).await?;
    etcd.delete("/pods/default/fan", &Preconditions::default()).await?;
    for mut watcher in watchers {
        let first = tokio::time::timeout(Duration::from_secs(10), watcher.next()).await?.ok_or(anyhow::anyhow!("ended"))??;
        let second = tokio::time::timeout(Duration::from_secs(10), watcher.next()).await?.ok_or(anyhow::anyhow!("ended"))??;
        assert_eq!((first.event_type, second.event_type), (EventType::Added, EventType::Deleted));
    }
    Ok(())
}

#[tokio::test]
async fn lists_that_accept_any_recent_state_come_from_memory() -> anyhow::Result<()> {
    let (_etcd, etcd, cache) = cached(100).await?;
    for i in 0..3 {
        // The cache keys objects by their metadata, which the registry keeps equal to the key.
        let mut pod = contract::pod(&format!("p{i}"));
        pod["metadata"]["namespace"] = serde_json::json!(format!("ns{}", i % 2));
        cache.create(&format!("/pods/ns{}/p{i}", i % 2), pod).await?;
    }
    let written = etcd.current_revision().await?;
    let any = ListOptions { not_older_than: Some(written), ..ListOptions::default() };
    let cached = cache.list("/pods/", &any).await?;
    assert_eq!((cached.items.len(), cached.revision), (3, written), "waits until it has seen the last write");
    assert_eq!(cache.list("/pods/ns1/", &any).await?.items.len(), 1, "a namespace's prefix");
    assert_eq!(cached.items, etcd.list("/pods/", &ListOptions::default()).await?.items, "the same objects etcd holds");
    cache.delete("/pods/ns1/p1", &Preconditions::default()).await?;
    let after_delete = ListOptions { not_older_than: Some(etcd.current_revision().await?), ..ListOptions::default() };
    assert_eq!(cache.list("/pods/", &after_delete).await?.items.len(), 2);
    let future = ListOptions { not_older_than: Some(written + 1000), ..ListOptions::default() };
    assert!(matches!(cache.list("/pods/", &future).await, Err(Error::ResourceVersionTooLarge { .. })));
    Ok(())
}

#[tokio::test]
async fn idle_watchers_get_bookmarks_with_the_revision_reached() -> anyhow::Result<()> {
    let (_etcd, etcd, cache) = cached(100).await?;
    let mut watch = cache.watch("/pods/", 0, true).await?;
    cache.create("/pods/default/p", contract::pod("p")).await?;
    let written = etcd.current_revision().await?;
    let added = tokio::time::timeout(Duration::from_secs(5), watch.next()).await?.ok_or(anyhow::anyhow!("ended"))??;
    assert_eq!(added.event_type, EventType::Added);
    let bookmark = tokio::time::timeout(Duration::from_secs(5), watch.next()).await?.ok_or(anyhow::anyhow!("ended"))??;
    assert_eq!((bookmark.event_type, bookmark.revision), (EventType::Bookmark, written));
    Ok(())
}
