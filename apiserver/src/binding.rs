//! `pods/<name>/binding` and `bindings`: how the scheduler assigns a pod to a node. As
//! upstream's binding REST, it writes `spec.nodeName` (which a pod update may not change)
//! straight through storage, refusing pods already assigned or being deleted, and marks the
//! pod `PodScheduled`.

use apimachinery::field::{self, Path};
use apimachinery::registry::{Store, meta};
use apimachinery::status::{GroupResource, StatusError};
use serde_json::{Value, json};

/// The resource conflicts are reported on, as upstream.
const BINDING: GroupResource<'static> = GroupResource { group: "", resource: "pods/binding" };

/// Binds pod `name` in `namespace` as the `Binding` body says.
pub async fn bind(pods: &Store, namespace: &str, name: &str, binding: &Value, dry_run: bool) -> Result<Value, StatusError> {
    let node = target_node(binding, name)?;
    let annotations = binding.pointer("/metadata/annotations").and_then(Value::as_object).cloned().unwrap_or_default();
    if dry_run {
        let pod = pods.get(namespace, name).await?;
        assign(pod, &node, &annotations)?;
    } else {
        pods.update_directly(namespace, name, &mut |pod| assign(pod, &node, &annotations)).await?;
    }
    Ok(json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}))
}

/// The node a `Binding` names, after upstream's checks of the body.
fn target_node(binding: &Value, pod: &str) -> Result<String, StatusError> {
    let body_name = meta::get(binding, "name");
    if !body_name.is_empty() && body_name != pod {
        return Err(StatusError::bad_request(format!("the name of the object ({body_name}) does not match the name on the URL ({pod})")));
    }
    let target = Path::new("target");
    let mut errors = field::ErrorList::new();
    let node = binding.pointer("/target/name").and_then(Value::as_str).unwrap_or_default();
    if node.is_empty() {
        errors.push(field::Error::required(&target.child("name"), ""));
    }
    let kind = binding.pointer("/target/kind").and_then(Value::as_str).unwrap_or_default();
    if !kind.is_empty() && kind != "Node" {
        errors.push(field::Error::not_supported(&target.child("kind"), kind, &["Node"]));
    }
    if errors.is_empty() { Ok(node.to_owned()) } else { Err(StatusError::invalid("", "Binding", pod, &errors)) }
}

/// The pod assigned to `node`: `spec.nodeName`, the binding's annotations, and a true
/// `PodScheduled` condition.
fn assign(mut pod: Value, node: &str, annotations: &serde_json::Map<String, Value>) -> Result<Value, StatusError> {
    let name = meta::get(&pod, "name").to_owned();
    if !meta::get(&pod, "deletionTimestamp").is_empty() {
        return Err(StatusError::conflict(BINDING, &name, &format!("pod {name} is being deleted, cannot be assigned to a host")));
    }
    if let Some(assigned) = pod.pointer("/spec/nodeName").and_then(Value::as_str).filter(|n| !n.is_empty()) {
        return Err(StatusError::conflict(BINDING, &name, &format!("pod {name} is already assigned to node {assigned:?}")));
    }
    pod["spec"]["nodeName"] = json!(node);
    if !annotations.is_empty()
        && let Some(metadata) = meta::metadata_mut(&mut pod)
    {
        let existing = metadata.entry("annotations").or_insert_with(|| json!({}));
        if let Some(existing) = existing.as_object_mut() {
            existing.extend(annotations.clone());
        }
    }
    let scheduled = json!({"type": "PodScheduled", "status": "True", "lastProbeTime": null, "lastTransitionTime": meta::now()});
    let status = pod.as_object_mut().map(|p| p.entry("status").or_insert_with(|| json!({})));
    if let Some(conditions) = status.and_then(Value::as_object_mut).map(|s| s.entry("conditions").or_insert_with(|| json!([]))).and_then(Value::as_array_mut) {
        conditions.retain(|c| c["type"] != "PodScheduled");
        conditions.push(scheduled);
    }
    Ok(pod)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assigns_once_and_never_a_deleted_pod() -> Result<(), StatusError> {
        let pod = json!({"metadata": {"name": "web"}, "spec": {}, "status": {"conditions": [{"type": "PodScheduled", "status": "False"}]}});
        let annotations = serde_json::Map::from_iter([("a".to_owned(), json!("b"))]);
        let bound = assign(pod, "n1", &annotations)?;
        assert_eq!((bound["spec"]["nodeName"].as_str(), bound["metadata"]["annotations"]["a"].as_str()), (Some("n1"), Some("b")));
        assert_eq!(bound["status"]["conditions"].as_array().map(Vec::len), Some(1));
        assert_eq!(bound["status"]["conditions"][0]["status"], "True");
        let again = assign(bound, "n2", &serde_json::Map::new()).err().map(|e| (e.code, e.message));
        let message = "Operation cannot be fulfilled on pods/binding \"web\": pod web is already assigned to node \"n1\"";
        assert_eq!(again, Some((409, message.to_owned())));
        let deleting = json!({"metadata": {"name": "old", "deletionTimestamp": "2026-01-01T00:00:00Z"}, "spec": {}});
        assert_eq!(assign(deleting, "n1", &serde_json::Map::new()).err().map(|e| e.code), Some(409));
        assert_eq!(target_node(&json!({"target": {}}), "web").err().map(|e| e.code), Some(422));
        assert_eq!(target_node(&json!({"metadata": {"name": "other"}, "target": {"name": "n"}}), "web").err().map(|e| e.code), Some(400));
        Ok(())
    }
}
