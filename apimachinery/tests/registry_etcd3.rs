//! The generic registry over real etcd: server-owned metadata, upstream's Status errors, and
//! optimistic concurrency.

use std::sync::Arc;

use apimachinery::patch::PatchType;
use apimachinery::registry::{self, DefaultStrategy, Store, WriteOptions};
use apimachinery::resource::Resource;
use apimachinery::status::StatusError;
use apimachinery::storage::{ListOptions, Preconditions, etcd3};
use e2e::etcd::{EtcdCluster, EtcdTls};
use serde_json::{Value, json};

/// A real (not dry-run) write.
const W: WriteOptions = WriteOptions { dry_run: false };

async fn stores() -> anyhow::Result<(EtcdCluster, Store, Store)> {
    let cluster = tokio::task::spawn_blocking(|| EtcdCluster::start(1, EtcdTls::Plaintext)).await??;
    let storage = Arc::new(etcd3::storage(&etcd3::Config::new(cluster.client_urls(), None)).await?);
    let configmaps = registry::store(Resource::new("", "v1", "ConfigMap", "configmaps", true), Arc::new(DefaultStrategy), storage.clone());
    let namespaces = registry::store(Resource::new("", "v1", "Namespace", "namespaces", false), Arc::new(DefaultStrategy), storage);
    Ok((cluster, configmaps, namespaces))
}

fn configmap(name: &str) -> Value {
    json!({"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": name}, "data": {"k": "v"}})
}

fn code_and_message(result: Result<Value, StatusError>) -> (u16, String) {
    result.err().map(|e| (e.code, e.message)).unwrap_or_default()
}

#[tokio::test]
async fn create_fills_server_fields_and_reports_upstream_errors() -> anyhow::Result<()> {
    let (_etcd, configmaps, _) = stores().await?;
    let mut forged = configmap("settings");
    forged["metadata"]["uid"] = json!("forged");
    let created = configmaps.create("default", forged, W).await?;
    assert_eq!(created["metadata"]["namespace"], "default");
    assert_ne!(created["metadata"]["uid"], "forged");
    assert!(created["metadata"]["creationTimestamp"].as_str().is_some_and(|t| t.ends_with('Z')));
    assert!(created["metadata"]["resourceVersion"].as_str().is_some_and(|rv| rv.parse::<u64>().is_ok()));
    assert_eq!(configmaps.get("default", "settings").await?, created);

    assert_eq!(code_and_message(configmaps.create("default", configmap("settings"), W).await), (409, "configmaps \"settings\" already exists".into()));
    assert_eq!(code_and_message(configmaps.get("default", "nope").await), (404, "configmaps \"nope\" not found".into()));
    let mut elsewhere = configmap("x");
    elsewhere["metadata"]["namespace"] = json!("other");
    assert_eq!(configmaps.create("default", elsewhere, W).await.err().map(|e| e.code), Some(400));

    let invalid = configmaps.create("default", configmap("Bad_Name"), W).await.err().ok_or(anyhow::anyhow!("Bad_Name was accepted"))?;
    assert_eq!(invalid.code, 422);
    assert!(invalid.message.starts_with("ConfigMap \"Bad_Name\" is invalid: metadata.name: Invalid value: \"Bad_Name\": a lowercase RFC 1123 subdomain"), "{}", invalid.message);
    assert_eq!(invalid.to_status().details.and_then(|d| d.causes).map(|c| c.len()), Some(1));

    let generated = configmaps.create("default", json!({"metadata": {"generateName": "gen-"}}), W).await?;
    assert!(generated["metadata"]["name"].as_str().is_some_and(|n| n.starts_with("gen-") && n.len() == 9));
    Ok(())
}

#[tokio::test]
async fn updates_are_optimistic_and_keep_system_fields() -> anyhow::Result<()> {
    let (_etcd, configmaps, _) = stores().await?;
    let created = configmaps.create("default", configmap("c"), W).await?;
    let mut edit = created.clone();
    edit["data"]["k"] = json!("v2");
    let mut changed_uid = edit.clone();
    changed_uid["metadata"]["uid"] = json!("changed");
    assert_eq!(configmaps.update("default", "c", changed_uid, W).await.err().map(|e| e.code), Some(422), "uid is immutable");
    let updated = configmaps.update("default", "c", edit.clone(), W).await?;
    assert_eq!(updated["data"]["k"], "v2");
    assert_eq!(updated["metadata"]["uid"], created["metadata"]["uid"], "uid is the server's");
    let (code, message) = code_and_message(configmaps.update("default", "c", edit, W).await);
    assert_eq!(code, 409);
    assert_eq!(message, format!("Operation cannot be fulfilled on configmaps \"c\": {}", StatusError::MODIFIED));
    let mut renamed = updated.clone();
    renamed["metadata"]["name"] = json!("d");
    assert_eq!(configmaps.update("default", "c", renamed, W).await.err().map(|e| e.code), Some(400));
    let mut unconditional = configmap("c");
    unconditional["data"]["k"] = json!("v3");
    assert_eq!(configmaps.update("default", "c", unconditional, W).await?["data"]["k"], "v3");
    assert_eq!(configmaps.update("default", "missing", configmap("missing"), W).await.err().map(|e| e.code), Some(404));

    let patched = configmaps.patch("default", "c", PatchType::Merge, br#"{"data":{"k":"v4"}}"#, W).await?;
    assert_eq!(patched["data"]["k"], "v4");
    let stale = format!(r#"{{"metadata":{{"resourceVersion":"{}"}},"data":{{"k":"v5"}}}}"#, created["metadata"]["resourceVersion"].as_str().unwrap_or_default());
    assert_eq!(configmaps.patch("default", "c", PatchType::Merge, stale.as_bytes(), W).await.err().map(|e| e.code), Some(409));
    let rename = configmaps.patch("default", "c", PatchType::Merge, br#"{"metadata":{"name":"other"}}"#, W).await;
    assert_eq!(rename.err().map(|e| e.code), Some(400));
    Ok(())
}

#[tokio::test]
async fn list_and_delete() -> anyhow::Result<()> {
    let (_etcd, configmaps, namespaces) = stores().await?;
    for (ns, name) in [("a", "one"), ("a", "two"), ("b", "three")] {
        configmaps.create(ns, configmap(name), W).await?;
    }
    let in_a = configmaps.list("a", &ListOptions::default()).await?;
    assert_eq!(in_a["kind"], "ConfigMapList");
    assert_eq!(in_a["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(configmaps.list("", &ListOptions::default()).await?["items"].as_array().map(Vec::len), Some(3));
    let page = configmaps.list("", &ListOptions { limit: 1, ..ListOptions::default() }).await?;
    assert!(page["metadata"]["continue"].is_string() && page["metadata"]["remainingItemCount"] == 2);

    let ns = namespaces.create("", json!({"metadata": {"name": "team"}}), W).await?;
    assert_eq!(ns["metadata"].get("namespace"), None, "cluster-scoped objects have no namespace");
    let wrong = Preconditions { uid: Some("nope".into()), resource_version: None };
    assert_eq!(namespaces.delete("", "team", &wrong, W).await.err().map(|e| e.code), Some(409));
    namespaces.delete("", "team", &Preconditions::default(), W).await?;
    assert_eq!(namespaces.get("", "team").await.err().map(|e| e.code), Some(404));
    Ok(())
}

#[tokio::test]
async fn dry_runs_check_everything_and_store_nothing() -> anyhow::Result<()> {
    let (_etcd, configmaps, _) = stores().await?;
    let dry = WriteOptions { dry_run: true };
    let would_be = configmaps.create("default", configmap("ghost"), dry).await?;
    assert!(would_be["metadata"]["uid"].is_string() && would_be["metadata"].get("resourceVersion").is_none());
    assert_eq!(configmaps.get("default", "ghost").await.err().map(|e| e.code), Some(404), "a dry-run create stores nothing");
    assert_eq!(configmaps.create("default", configmap("Bad_Name"), dry).await.err().map(|e| e.code), Some(422), "and validates");

    let real = configmaps.create("default", configmap("real"), W).await?;
    assert_eq!(configmaps.create("default", configmap("real"), dry).await.err().map(|e| e.code), Some(409));
    let patched = configmaps.patch("default", "real", PatchType::Merge, br#"{"data":{"k":"dry"}}"#, dry).await?;
    assert_eq!(patched["data"]["k"], "dry");
    assert_eq!(configmaps.get("default", "real").await?, real, "a dry-run patch stores nothing");
    configmaps.delete("default", "real", &Preconditions::default(), dry).await?;
    assert_eq!(configmaps.get("default", "real").await?, real, "a dry-run delete deletes nothing");
    Ok(())
}
