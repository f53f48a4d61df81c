//! The storage contract every implementation must meet, run by the etcd3 and cacher tests.

use std::time::Duration;

use apimachinery::storage::{Error, EventType, Preconditions, Storage, versioner};
use futures::StreamExt;
use serde_json::{Value, json};

/// A pod-like object named `name` in `default`.
pub fn pod(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default", "uid": format!("uid-{name}")}})
}

/// The same object under another uid: a second, distinct create.
pub fn other_uid(mut object: Value) -> Value {
    object["metadata"]["uid"] = json!("another-uid");
    object
}

/// The resourceVersion of an object, 0 if none.
pub fn rv(object: &Value) -> u64 {
    versioner::resource_version(object).ok().flatten().unwrap_or(0)
}

/// Create, read, duplicate create, update with a stale precondition, delete.
pub async fn crud(storage: &dyn Storage) -> anyhow::Result<()> {
    let created = storage.create("/pods/default/a", pod("a")).await?;
    assert_eq!(storage.get("/pods/default/a").await?, created);
    assert_eq!(storage.create("/pods/default/a", other_uid(pod("a"))).await, Err(Error::KeyExists("/pods/default/a".into())));
    let stale = Preconditions { resource_version: Some(rv(&created)), uid: None };
    storage.guaranteed_update("/pods/default/a", &stale, &mut |mut p| { p["spec"] = json!({"x": 1}); Ok(p) }).await?;
    let again = storage.guaranteed_update("/pods/default/a", &stale, &mut Ok).await;
    assert!(matches!(again, Err(Error::Conflict { .. })), "{again:?}");
    storage.delete("/pods/default/a", &Preconditions::default()).await?;
    assert_eq!(storage.get("/pods/default/a").await, Err(Error::NotFound("/pods/default/a".into())));
    Ok(())
}

/// A watch from a revision replays the changes after it, in order, with their revisions,
/// and only those under the watched prefix.
pub async fn watch_replays_in_order(storage: &dyn Storage) -> anyhow::Result<()> {
    let start = storage.current_revision().await?;
    let created = storage.create("/pods/default/w", pod("w")).await?;
    let updated = storage.guaranteed_update("/pods/default/w", &Preconditions::default(), &mut |mut p| { p["spec"] = json!({"y": 2}); Ok(p) }).await?;
    let deleted = storage.delete("/pods/default/w", &Preconditions::default()).await?;
    let mut events = storage.watch("/pods/", start, true).await?;
    let mut seen = Vec::new();
    for _ in 0..3 {
        let event = tokio::time::timeout(Duration::from_secs(10), events.next()).await?.ok_or(anyhow::anyhow!("watch ended"))??;
        if event.event_type == EventType::Modified {
            let previous = event.previous.clone().ok_or(anyhow::anyhow!("a modification carries the previous state"))?;
            assert_eq!((rv(&previous), previous.get("spec")), (rv(&created), None));
        }
        seen.push((event.event_type, event.revision, event.object["metadata"]["name"].clone()));
    }
    let want = [(EventType::Added, rv(&created)), (EventType::Modified, rv(&updated)), (EventType::Deleted, rv(&deleted))];
    assert_eq!(seen.iter().map(|(t, r, _)| (*t, *r)).collect::<Vec<_>>(), want);
    assert!(seen.iter().all(|(_, _, name)| name == "w"));
    Ok(())
}

/// A watch from now sees what is written after it starts, and nothing outside its key.
pub async fn watch_from_now_sees_new_writes(storage: &dyn Storage) -> anyhow::Result<()> {
    let mut events = storage.watch("/pods/default/", 0, true).await?;
    storage.create("/services/default/s", pod("s")).await?;
    let created = storage.create("/pods/default/n", pod("n")).await?;
    let event = tokio::time::timeout(Duration::from_secs(10), events.next()).await?.ok_or(anyhow::anyhow!("watch ended"))??;
    assert_eq!((event.event_type, event.revision), (EventType::Added, rv(&created)));
    Ok(())
}
