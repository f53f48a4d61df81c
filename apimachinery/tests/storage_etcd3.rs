//! The storage contract, run against a real etcd started by the shared e2e fixture.

use std::sync::Arc;

use apimachinery::storage::etcd3::{self, Config, TlsFiles};
use apimachinery::storage::{Error, EventType, ListOptions, Preconditions, Storage, versioner};
use e2e::cluster_pki::ClusterPki;
use e2e::etcd::{EtcdCerts, EtcdCluster, EtcdTls};
use futures::StreamExt;
use serde_json::{Value, json};

type TestResult = anyhow::Result<()>;

async fn plaintext() -> anyhow::Result<(EtcdCluster, etcd3::Etcd3Storage)> {
    let cluster = tokio::task::spawn_blocking(|| EtcdCluster::start(1, EtcdTls::Plaintext)).await??;
    let storage = etcd3::storage(&Config::new(cluster.client_urls(), None)).await?;
    Ok((cluster, storage))
}

fn pod(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": name, "namespace": "default", "uid": format!("uid-{name}")}})
}

fn other_uid(mut object: Value) -> Value {
    object["metadata"]["uid"] = json!("another-uid");
    object
}

fn rv(object: &Value) -> u64 {
    versioner::resource_version(object).ok().flatten().unwrap_or(0)
}

#[tokio::test]
async fn create_get_and_duplicate() -> TestResult {
    let (cluster, storage) = plaintext().await?;
    let created = storage.create("/pods/default/a", pod("a")).await?;
    assert!(rv(&created) > 0);
    assert_eq!(storage.get("/pods/default/a").await?, created);
    assert_eq!(storage.create("/pods/default/a", other_uid(pod("a"))).await, Err(Error::KeyExists("/pods/default/a".into())));
    assert_eq!(storage.create("/pods/default/a", pod("a")).await?, created, "the same uid is this create's own earlier commit");
    assert_eq!(storage.get("/pods/default/b").await, Err(Error::NotFound("/pods/default/b".into())));
    let stored = cluster.etcdctl_ok(&["get", "/registry/pods/default/a", "--print-value-only"])?;
    let stored: Value = serde_json::from_str(stored.trim())?;
    assert_eq!(stored["metadata"].get("resourceVersion"), None, "stored bytes carry no resourceVersion");
    let mut with_rv = pod("c");
    versioner::set_resource_version(&mut with_rv, 5)?;
    assert!(matches!(storage.create("/pods/default/c", with_rv).await, Err(Error::InvalidObject(_))));
    Ok(())
}

#[tokio::test]
async fn updates_are_compare_and_swap() -> TestResult {
    let (_cluster, storage) = plaintext().await?;
    let created = storage.create("/pods/default/a", pod("a")).await?;
    let stale = Preconditions { resource_version: Some(rv(&created)), uid: None };
    let updated = storage
        .guaranteed_update("/pods/default/a", &stale, &mut |mut p| {
            p["spec"] = json!({"nodeName": "n1"});
            Ok(p)
        })
        .await?;
    assert!(rv(&updated) > rv(&created));
    let again = storage.guaranteed_update("/pods/default/a", &stale, &mut |p| Ok(p)).await;
    assert!(matches!(again, Err(Error::Conflict { .. })), "{again:?}");
    let unchanged = storage.guaranteed_update("/pods/default/a", &Preconditions::default(), &mut |p| Ok(p)).await?;
    assert_eq!(rv(&unchanged), rv(&updated), "a no-op update writes nothing");

    let storage = Arc::new(storage);
    storage.create("/configmaps/default/counter", json!({"metadata": {"name": "counter"}, "data": {"n": 0}})).await?;
    let tasks: Vec<_> = (0..8)
        .map(|_| {
            let storage = storage.clone();
            tokio::spawn(async move {
                storage
                    .guaranteed_update("/configmaps/default/counter", &Preconditions::default(), &mut |mut c| {
                        let n = c["data"]["n"].as_u64().unwrap_or(0);
                        c["data"]["n"] = json!(n + 1);
                        Ok(c)
                    })
                    .await
            })
        })
        .collect();
    for task in tasks {
        task.await??;
    }
    assert_eq!(storage.get("/configmaps/default/counter").await?["data"]["n"], 8, "no update may be lost");
    Ok(())
}

#[tokio::test]
async fn delete_honours_preconditions() -> TestResult {
    let (_cluster, storage) = plaintext().await?;
    storage.create("/pods/default/a", pod("a")).await?;
    let wrong_uid = Preconditions { uid: Some("someone-else".into()), resource_version: None };
    assert!(matches!(storage.delete("/pods/default/a", &wrong_uid).await, Err(Error::Conflict { .. })));
    let right_uid = Preconditions { uid: Some("uid-a".into()), resource_version: None };
    let last = storage.delete("/pods/default/a", &right_uid).await?;
    assert_eq!(last["metadata"]["name"], "a");
    assert_eq!(storage.get("/pods/default/a").await, Err(Error::NotFound("/pods/default/a".into())));
    assert_eq!(storage.delete("/pods/default/a", &Preconditions::default()).await, Err(Error::NotFound("/pods/default/a".into())));
    Ok(())
}

#[tokio::test]
async fn list_pages_and_reads_the_past() -> TestResult {
    let (cluster, storage) = plaintext().await?;
    for name in ["a", "b", "c", "d", "e"] {
        storage.create(&format!("/pods/default/{name}"), pod(name)).await?;
    }
    storage.create("/pods/other/x", pod("x")).await?;
    storage.create("/podsecuritypolicies/z", pod("z")).await?;
    let first = storage.list("/pods/default/", &ListOptions { limit: 2, ..ListOptions::default() }).await?;
    assert_eq!(first.items.len(), 2);
    assert_eq!(first.remaining, Some(3));
    storage.create("/pods/default/f", pod("f")).await?;
    let mut names: Vec<Value> = first.items.iter().map(|p| p["metadata"]["name"].clone()).collect();
    let mut token = first.continue_token.clone();
    while let Some(t) = token {
        let page = storage.list("/pods/default/", &ListOptions { limit: 2, continue_token: Some(t), ..ListOptions::default() }).await?;
        assert_eq!(page.revision, first.revision, "every page reads the first page's revision");
        names.extend(page.items.iter().map(|p| p["metadata"]["name"].clone()));
        token = page.continue_token;
    }
    assert_eq!(names, ["a", "b", "c", "d", "e"], "f was created after the first page");
    assert_eq!(storage.count("/pods/").await?, 7);
    let now = storage.list("/pods/", &ListOptions::default()).await?;
    assert_eq!(now.items.len(), 7);
    assert_eq!(now.revision, storage.current_revision().await?);
    cluster.etcdctl_ok(&["compact", &now.revision.to_string()])?;
    let past = storage.list("/pods/", &ListOptions { revision: Some(first.revision), ..ListOptions::default() }).await;
    assert!(matches!(past, Err(Error::ResourceVersionTooOld { .. })), "{past:?}");
    Ok(())
}

#[tokio::test]
async fn watch_replays_changes_in_order_and_reports_compaction() -> TestResult {
    let (cluster, storage) = plaintext().await?;
    let start = storage.current_revision().await?;
    let created = storage.create("/pods/default/a", pod("a")).await?;
    let updated = storage
        .guaranteed_update("/pods/default/a", &Preconditions::default(), &mut |mut p| {
            p["metadata"]["labels"] = json!({"app": "web"});
            Ok(p)
        })
        .await?;
    let deleted = storage.delete("/pods/default/a", &Preconditions::default()).await?;
    storage.create("/services/default/s", pod("s")).await?;
    let mut events = storage.watch("/pods/", start, true).await?;
    let mut seen = Vec::new();
    for _ in 0..3 {
        let event = tokio::time::timeout(std::time::Duration::from_secs(10), events.next()).await?.ok_or(anyhow::anyhow!("watch ended"))??;
        seen.push((event.event_type, event.revision));
    }
    assert_eq!(seen, [(EventType::Added, rv(&created)), (EventType::Modified, rv(&updated)), (EventType::Deleted, rv(&deleted))]);
    cluster.etcdctl_ok(&["compact", &rv(&deleted).to_string()])?;
    let mut stale = storage.watch("/pods/", start, true).await?;
    let first = tokio::time::timeout(std::time::Duration::from_secs(10), stale.next()).await?;
    assert!(matches!(first, Some(Err(Error::ResourceVersionTooOld { .. }))), "{first:?}");
    Ok(())
}

#[tokio::test]
async fn mutual_tls_with_kubeadm_pki_and_member_loss() -> TestResult {
    let (pki, mut cluster) = tokio::task::spawn_blocking(|| -> anyhow::Result<_> {
        let pki = ClusterPki::generate()?;
        let cluster = EtcdCluster::start(3, EtcdTls::Mutual(EtcdCerts::kubeadm_layout(&pki.cert_dir())))?;
        Ok((pki, cluster))
    })
    .await??;
    let tls = |client: &str| TlsFiles { ca: pki.cert("etcd/ca"), cert: pki.cert(client), key: pki.key(client) };
    let storage = etcd3::storage(&Config::new(cluster.client_urls(), Some(tls("apiserver-etcd-client")))).await?;
    storage.create("/namespaces/default", json!({"metadata": {"name": "default"}})).await?;

    let wrong_ca_client = etcd3::storage(&Config::new(cluster.client_urls(), Some(TlsFiles { cert: pki.cert("apiserver-kubelet-client"), key: pki.key("apiserver-kubelet-client"), ..tls("apiserver-etcd-client") }))).await?;
    assert!(wrong_ca_client.get("/namespaces/default").await.is_err(), "a certificate from the cluster CA must be refused by etcd");

    cluster.kill_member(0)?;
    for i in 0..30 {
        storage.create(&format!("/configmaps/default/cm-{i}"), json!({"metadata": {"name": format!("cm-{i}")}})).await?;
    }
    assert_eq!(storage.count("/configmaps/").await?, 30);
    Ok(())
}
