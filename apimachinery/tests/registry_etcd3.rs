//! The generic registry over real etcd: server-owned metadata, upstream's Status errors, and
//! optimistic concurrency.

use std::sync::Arc;

use apimachinery::patch::PatchType;
use apimachinery::registry::{self, DefaultStrategy, DeleteOptions, Deleted, FieldValidation, Part, ScaleChange, ScalePaths, Store, Strategy, WriteOptions};
use apimachinery::resource::Resource;
use apimachinery::status::StatusError;
use apimachinery::storage::{ListOptions, Preconditions, etcd3};
use e2e::etcd::{EtcdCluster, EtcdTls};
use serde_json::{Value, json};

/// A real (not dry-run) write.
const W: WriteOptions = WriteOptions { dry_run: false, field_validation: FieldValidation::Warn };

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
    assert_eq!(configmaps.update("default", "c", Part::Main, changed_uid, W).await.err().map(|e| e.code), Some(422), "uid is immutable");
    let updated = configmaps.update("default", "c", Part::Main, edit.clone(), W).await?;
    assert_eq!(updated["data"]["k"], "v2");
    assert_eq!(updated["metadata"]["uid"], created["metadata"]["uid"], "uid is the server's");
    let (code, message) = code_and_message(configmaps.update("default", "c", Part::Main, edit, W).await);
    assert_eq!(code, 409);
    assert_eq!(message, format!("Operation cannot be fulfilled on configmaps \"c\": {}", StatusError::MODIFIED));
    let mut renamed = updated.clone();
    renamed["metadata"]["name"] = json!("d");
    assert_eq!(configmaps.update("default", "c", Part::Main, renamed, W).await.err().map(|e| e.code), Some(400));
    let mut unconditional = configmap("c");
    unconditional["data"]["k"] = json!("v3");
    assert_eq!(configmaps.update("default", "c", Part::Main, unconditional, W).await?["data"]["k"], "v3");
    assert_eq!(configmaps.update("default", "missing", Part::Main, configmap("missing"), W).await.err().map(|e| e.code), Some(404));

    let patched = configmaps.patch("default", "c", Part::Main, PatchType::Merge, br#"{"data":{"k":"v4"}}"#, W).await?;
    assert_eq!(patched["data"]["k"], "v4");
    let stale = format!(r#"{{"metadata":{{"resourceVersion":"{}"}},"data":{{"k":"v5"}}}}"#, created["metadata"]["resourceVersion"].as_str().unwrap_or_default());
    assert_eq!(configmaps.patch("default", "c", Part::Main, PatchType::Merge, stale.as_bytes(), W).await.err().map(|e| e.code), Some(409));
    let rename = configmaps.patch("default", "c", Part::Main, PatchType::Merge, br#"{"metadata":{"name":"other"}}"#, W).await;
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
    let wrong = DeleteOptions { preconditions: Preconditions { uid: Some("nope".into()), resource_version: None }, ..DeleteOptions::default() };
    assert_eq!(namespaces.delete("", "team", &wrong).await.err().map(|e| e.code), Some(409));
    assert!(matches!(namespaces.delete("", "team", &DeleteOptions::default()).await?, Deleted::Now(_)));
    assert_eq!(namespaces.get("", "team").await.err().map(|e| e.code), Some(404));
    Ok(())
}

#[tokio::test]
async fn dry_runs_check_everything_and_store_nothing() -> anyhow::Result<()> {
    let (_etcd, configmaps, _) = stores().await?;
    let dry = WriteOptions { dry_run: true, ..W };
    let would_be = configmaps.create("default", configmap("ghost"), dry).await?;
    assert!(would_be["metadata"]["uid"].is_string() && would_be["metadata"].get("resourceVersion").is_none());
    assert_eq!(configmaps.get("default", "ghost").await.err().map(|e| e.code), Some(404), "a dry-run create stores nothing");
    assert_eq!(configmaps.create("default", configmap("Bad_Name"), dry).await.err().map(|e| e.code), Some(422), "and validates");

    let real = configmaps.create("default", configmap("real"), W).await?;
    assert_eq!(configmaps.create("default", configmap("real"), dry).await.err().map(|e| e.code), Some(409));
    let patched = configmaps.patch("default", "real", Part::Main, PatchType::Merge, br#"{"data":{"k":"dry"}}"#, dry).await?;
    assert_eq!(patched["data"]["k"], "dry");
    assert_eq!(configmaps.get("default", "real").await?, real, "a dry-run patch stores nothing");
    configmaps.delete("default", "real", &DeleteOptions { dry_run: true, ..DeleteOptions::default() }).await?;
    assert_eq!(configmaps.get("default", "real").await?, real, "a dry-run delete deletes nothing");
    Ok(())
}

/// A spec-and-status resource whose objects take a grace period, as pods do.
struct Workload;

impl Strategy for Workload {
    fn tracks_generation(&self) -> bool {
        true
    }

    fn grace_period(&self, object: &Value, requested: Option<i64>) -> i64 {
        requested.unwrap_or_else(|| object.pointer("/spec/grace").and_then(Value::as_i64).unwrap_or(0))
    }

    fn scale(&self) -> Option<ScalePaths> {
        Some(ScalePaths { spec_replicas: "/spec/replicas".into(), status_replicas: "/status/ready".into(), label_selector: None })
    }
}

fn workloads(storage: Arc<dyn apimachinery::storage::Storage>) -> Store {
    registry::store(Resource::new("example.com", "v1", "Workload", "workloads", true).subresources(&["status"]), Arc::new(Workload), storage)
}

#[tokio::test]
async fn status_subresource_generation_finalizers_and_grace() -> anyhow::Result<()> {
    let cluster = tokio::task::spawn_blocking(|| EtcdCluster::start(1, EtcdTls::Plaintext)).await??;
    let storage = Arc::new(etcd3::storage(&etcd3::Config::new(cluster.client_urls(), None)).await?);
    let store = workloads(storage);
    let object = |replicas: u32, phase: &str| {
        json!({"apiVersion": "example.com/v1", "kind": "Workload", "metadata": {"name": "w"}, "spec": {"replicas": replicas}, "status": {"phase": phase}})
    };
    let created = store.create("default", object(1, "Forged"), W).await?;
    assert_eq!((created["metadata"]["generation"].as_i64(), created.get("status")), (Some(1), None), "create drops status");

    let status = store.update("default", "w", Part::Status, object(9, "Running"), W).await?;
    assert_eq!((status["spec"]["replicas"].as_i64(), status["status"]["phase"].as_str()), (Some(1), Some("Running")), "status writes only status");
    assert_eq!(status["metadata"]["generation"].as_i64(), Some(1));
    let main = store.update("default", "w", Part::Main, object(3, "Ignored"), W).await?;
    assert_eq!((main["spec"]["replicas"].as_i64(), main["status"]["phase"].as_str()), (Some(3), Some("Running")), "the main resource keeps status");
    assert_eq!(main["metadata"]["generation"].as_i64(), Some(2), "a spec change bumps generation");
    let labelled = store.patch("default", "w", Part::Main, PatchType::Merge, br#"{"metadata":{"labels":{"a":"b"}}}"#, W).await?;
    assert_eq!(labelled["metadata"]["generation"].as_i64(), Some(2), "a metadata change does not");

    // The scale subresource reads and writes only the replica counts.
    let scale = store.get_scale("default", "w").await?;
    assert_eq!((scale["kind"].as_str(), scale["spec"]["replicas"].as_i64()), (Some("Scale"), Some(3)));
    let scaled = store.update_scale("default", "w", ScaleChange::Patch(PatchType::Merge, br#"{"spec":{"replicas":5}}"#), W).await?;
    assert_eq!(scaled["spec"]["replicas"].as_i64(), Some(5));
    let stored = store.get("default", "w").await?;
    assert_eq!((stored["spec"]["replicas"].as_i64(), stored["metadata"]["generation"].as_i64()), (Some(5), Some(3)));
    let stale = json!({"metadata": {"name": "w", "resourceVersion": scale["metadata"]["resourceVersion"]}, "spec": {"replicas": 1}});
    assert_eq!(store.update_scale("default", "w", ScaleChange::Replace(&stale), W).await.err().map(|e| e.code), Some(409));
    let negative = json!({"spec": {"replicas": -2}});
    assert_eq!(store.update_scale("default", "w", ScaleChange::Replace(&negative), W).await.err().map(|e| e.code), Some(422));

    // Finalizers hold a deleted object until the last one is removed.
    store.patch("default", "w", Part::Main, PatchType::Merge, br#"{"metadata":{"finalizers":["example.com/hold"]}}"#, W).await?;
    let Deleted::Pending(pending) = store.delete("default", "w", &DeleteOptions::default()).await? else { anyhow::bail!("finalizers pending") };
    assert!(pending["metadata"]["deletionTimestamp"].is_string());
    let more = br#"{"metadata":{"finalizers":["example.com/hold","example.com/more"]}}"#;
    assert_eq!(store.patch("default", "w", Part::Main, PatchType::Merge, more, W).await.err().map(|e| e.code), Some(422));
    store.patch("default", "w", Part::Main, PatchType::Merge, br#"{"metadata":{"finalizers":null}}"#, W).await?;
    assert_eq!(store.get("default", "w").await.err().map(|e| e.code), Some(404), "removing the last finalizer deletes");

    // A grace period keeps the object until a delete with no grace left.
    let mut graceful = object(1, "");
    graceful["spec"]["grace"] = json!(30);
    store.create("default", graceful, W).await?;
    let Deleted::Pending(pending) = store.delete("default", "w", &DeleteOptions::default()).await? else { anyhow::bail!("grace pending") };
    assert_eq!(pending["metadata"]["deletionGracePeriodSeconds"].as_i64(), Some(30));
    let now = DeleteOptions { grace_period: Some(0), ..DeleteOptions::default() };
    assert!(matches!(store.delete("default", "w", &now).await?, Deleted::Now(_)));
    assert_eq!(store.get("default", "w").await.err().map(|e| e.code), Some(404));
    Ok(())
}
