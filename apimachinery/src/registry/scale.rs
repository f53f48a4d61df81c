//! The `scale` subresource: an autoscaling/v1 `Scale` view of an object's replica counts,
//! read and written through the paths its strategy declares, so built-ins and custom
//! resources share one implementation.

use serde_json::{Map, Value, json};

use super::ScalePaths;
use crate::field::{self, Path};

/// The `Scale` of `object`.
pub fn to_scale(object: &Value, paths: &ScalePaths) -> Value {
    let metadata = object.get("metadata").and_then(Value::as_object);
    let kept: Map<String, Value> = ["name", "namespace", "uid", "resourceVersion", "creationTimestamp"]
        .into_iter()
        .filter_map(|field| Some((field.to_owned(), metadata?.get(field)?.clone())))
        .collect();
    let spec_replicas = object.pointer(&paths.spec_replicas).and_then(Value::as_i64).unwrap_or(0);
    let mut status = json!({"replicas": object.pointer(&paths.status_replicas).and_then(Value::as_i64).unwrap_or(0)});
    if let Some(selector) = paths.label_selector.as_deref().and_then(|p| object.pointer(p)).map(selector_string).filter(|s| !s.is_empty()) {
        status["selector"] = json!(selector);
    }
    json!({"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": kept, "spec": {"replicas": spec_replicas}, "status": status})
}

/// The desired replicas a `Scale` body asks for: `spec.replicas`, absent meaning 0, as
/// upstream; negative or non-integer values are validation errors.
pub fn desired_replicas(scale: &Value) -> Result<i64, field::ErrorList> {
    let path = Path::new("spec").child("replicas");
    match scale.pointer("/spec/replicas") {
        None | Some(Value::Null) => Ok(0),
        Some(value) => match value.as_i64() {
            Some(replicas) if replicas >= 0 => Ok(replicas),
            Some(replicas) => Err(vec![field::Error::invalid(&path, replicas, "must be greater than or equal to 0")]),
            None => Err(vec![field::Error::invalid(&path, value.clone(), "must be an integer")]),
        },
    }
}

/// A label selector as text: a string as is, a `LabelSelector` (`matchLabels` and
/// `matchExpressions`) or a plain label map (replication controllers) rendered as upstream
/// prints selectors (`app=web,tier in (a,b)`).
pub fn selector_string(selector: &Value) -> String {
    if let Some(text) = selector.as_str() {
        return text.to_owned();
    }
    let Some(map) = selector.as_object() else { return String::new() };
    let is_label_selector = map.contains_key("matchLabels") || map.contains_key("matchExpressions");
    let labels = if is_label_selector { map.get("matchLabels").and_then(Value::as_object) } else { Some(map) };
    let mut terms: Vec<String> = labels.into_iter().flatten().map(|(k, v)| format!("{k}={}", v.as_str().unwrap_or_default())).collect();
    let expressions = if is_label_selector { map.get("matchExpressions").and_then(Value::as_array) } else { None };
    for expression in expressions.into_iter().flatten() {
        let key = expression.get("key").and_then(Value::as_str).unwrap_or_default();
        let values: Vec<&str> = expression.get("values").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
        terms.push(match expression.get("operator").and_then(Value::as_str).unwrap_or_default() {
            "In" => format!("{key} in ({})", values.join(",")),
            "NotIn" => format!("{key} notin ({})", values.join(",")),
            "Exists" => key.to_owned(),
            "DoesNotExist" => format!("!{key}"),
            other => format!("{key} {other} ({})", values.join(",")),
        });
    }
    terms.sort();
    terms.join(",")
}

/// Sets the desired replicas at `pointer`, creating the parent maps it needs.
pub fn set_replicas(object: &mut Value, pointer: &str, replicas: i64) {
    let mut target = object;
    let mut fields = pointer.trim_start_matches('/').split('/').peekable();
    while let Some(field) = fields.next() {
        let Some(map) = target.as_object_mut() else { return };
        if fields.peek().is_none() {
            map.insert(field.to_owned(), json!(replicas));
            return;
        }
        target = map.entry(field).or_insert_with(|| json!({}));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deployment_paths() -> ScalePaths {
        ScalePaths { spec_replicas: "/spec/replicas".into(), status_replicas: "/status/replicas".into(), label_selector: Some("/spec/selector".into()) }
    }

    #[test]
    fn scale_view_and_selector_text() {
        let deployment = json!({
            "metadata": {"name": "web", "namespace": "ns", "uid": "u", "resourceVersion": "7", "labels": {"x": "y"}},
            "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}, "matchExpressions": [{"key": "tier", "operator": "In", "values": ["a", "b"]}]}},
            "status": {"replicas": 2},
        });
        let scale = to_scale(&deployment, &deployment_paths());
        assert_eq!(scale["spec"]["replicas"], 3);
        assert_eq!(scale["status"], json!({"replicas": 2, "selector": "app=web,tier in (a,b)"}));
        assert_eq!(scale["metadata"].get("labels"), None);
        assert_eq!(selector_string(&json!({"app": "db"})), "app=db");
        assert_eq!(desired_replicas(&json!({"spec": {"replicas": 5}})), Ok(5));
        assert!(desired_replicas(&json!({"spec": {"replicas": -1}})).is_err());
        let mut custom = json!({"spec": {}});
        set_replicas(&mut custom, "/spec/size/count", 4);
        assert_eq!(custom, json!({"spec": {"size": {"count": 4}}}));
    }
}
