//! Events (core/v1). The same objects are served as events.k8s.io/v1 (see
//! `builtin::events`); the checks here take the core/v1 shape and apply the stricter
//! events.k8s.io rules when asked.

use apimachinery::field::{self, Path};
use apimachinery::registry::{Decoded, Strategy};
use apimachinery::table::{self, Column};
use apimachinery::validation;
use serde_json::{Value, json};

use crate::builtin::object::{self, invalid_each, text};

/// Upstream's length limits of events.k8s.io fields.
const REPORTING_INSTANCE_LIMIT: usize = 128;
const ACTION_LIMIT: usize = 128;
const REASON_LIMIT: usize = 128;
const NOTE_LIMIT: usize = 1024;

/// Fields an events.k8s.io write may not change (core/v1 writes may).
const IMMUTABLE: [(&str, &str); 14] = [
    ("/involvedObject", "involvedObject"),
    ("/reason", "reason"),
    ("/message", "message"),
    ("/source", "source"),
    ("/firstTimestamp", "firstTimestamp"),
    ("/lastTimestamp", "lastTimestamp"),
    ("/count", "count"),
    ("/reason", "reason"),
    ("/type", "type"),
    ("/eventTime", "eventTime"),
    ("/action", "action"),
    ("/related", "related"),
    ("/reportingComponent", "reportingController"),
    ("/reportingInstance", "reportingInstance"),
];

/// Core events: any path-segment name; the involved object's namespace must match the
/// event's, and events with `eventTime` carry reporting fields, as upstream's legacy checks.
pub struct EventStrategy;

impl Strategy for EventStrategy {
    fn decode(&self, object: Value) -> Result<Decoded, String> {
        crate::builtin::typed::<k8s_openapi::api::core::v1::Event>(object)
    }

    fn name_rule(&self) -> fn(&str) -> Vec<String> {
        validation::path_segment_name
    }

    fn validate(&self, object: &Value) -> field::ErrorList {
        validate(object, false)
    }

    fn validate_update(&self, object: &Value, old: &Value) -> field::ErrorList {
        validate_update(object, old, false)
    }

    fn selectable_fields(&self) -> Vec<&str> {
        vec![
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source=source.component|reportingComponent",
            "type",
        ]
    }

    fn table_columns(&self) -> Vec<Column> {
        let name = Column { priority: 1, ..table::NAME };
        vec![
            Column::new("Last Seen", "string", "The time at which the most recent occurrence of this event was recorded."),
            Column::new("Type", "string", "Type of this event (Normal, Warning), new types could be added in the future"),
            Column::new("Reason", "string", "This should be a short, machine understandable string that gives the reason for the transition into the object's current status."),
            Column::new("Object", "string", "The object that this event is about."),
            Column::new("Subobject", "string", "If the object reference is to a container within a pod, this would take on a value like: \"spec.containers{name}\".").wide(),
            Column::new("Source", "string", "The component reporting this event. Should be a short machine understandable string.").wide(),
            Column::new("Message", "string", "A human-readable description of the status of this operation."),
            Column::new("First Seen", "string", "The time at which the event was first recorded.").wide(),
            Column::new("Count", "string", "The number of times this event has occurred.").wide(),
            name,
        ]
    }

    fn table_cells(&self, object: &Value) -> Vec<Value> {
        let stamp = |field: &str| object.get(field).and_then(Value::as_str);
        let first = stamp("firstTimestamp").map_or_else(|| table::since(stamp("eventTime")), |t| table::since(Some(t)));
        let mut last = stamp("lastTimestamp").map_or_else(|| first.clone(), |t| table::since(Some(t)));
        let mut count = object.get("count").and_then(Value::as_i64).unwrap_or(0);
        if let Some(series) = object.get("series").filter(|s| s.is_object()) {
            last = table::since(series.get("lastObservedTime").and_then(Value::as_str));
            count = series.get("count").and_then(Value::as_i64).unwrap_or(0);
        } else if count == 0 {
            count = 1;
        }
        let kind = text(object, "/involvedObject/kind").to_lowercase();
        let target = match text(object, "/involvedObject/name") {
            "" => kind,
            name => format!("{kind}/{name}"),
        };
        vec![
            json!(last),
            json!(text(object, "/type")),
            json!(text(object, "/reason")),
            json!(target),
            json!(text(object, "/involvedObject/fieldPath")),
            json!(source(object)),
            json!(text(object, "/message").trim()),
            json!(first),
            json!(count),
            table::name_cell(object),
        ]
    }
}

/// `component, host` from `source`, falling back to the reporting controller and instance.
fn source(event: &Value) -> String {
    let first = |a: &str, b: &str| if a.is_empty() { b.to_owned() } else { a.to_owned() };
    let component = first(text(event, "/source/component"), text(event, "/reportingComponent"));
    match first(text(event, "/source/host"), text(event, "/reportingInstance")).as_str() {
        "" => component,
        instance => format!("{component}, {instance}"),
    }
}

/// Upstream's `ValidateEventCreate` on a core/v1-shaped event: the legacy checks always,
/// and with `strict` (events.k8s.io writes) its newer requirements.
pub fn validate(event: &Value, strict: bool) -> field::ErrorList {
    let mut errors = legacy(event);
    if !strict {
        return errors;
    }
    errors.extend(validate_series(event));
    if !object::is_set(event, "/eventTime") {
        errors.push(field::Error::required(&Path::new("eventTime"), ""));
    }
    let kind = text(event, "/type");
    if kind != "Normal" && kind != "Warning" {
        errors.push(field::Error::invalid(&Path::new("type"), "", format!("has invalid value: {kind}")));
    }
    for (pointer, name) in [("/firstTimestamp", "firstTimestamp"), ("/lastTimestamp", "lastTimestamp"), ("/count", "count")] {
        if object::is_set(event, pointer) && event.pointer(pointer) != Some(&json!(0)) {
            errors.push(field::Error::invalid(&Path::new(name), "", "needs to be unset"));
        }
    }
    if !text(event, "/source/component").is_empty() || !text(event, "/source/host").is_empty() {
        errors.push(field::Error::invalid(&Path::new("source"), "", "needs to be unset"));
    }
    errors
}

/// Upstream's `ValidateEventUpdate`: legacy checks, and for events.k8s.io writes a changed
/// series is re-checked and everything else is fixed.
pub fn validate_update(event: &Value, old: &Value, strict: bool) -> field::ErrorList {
    let mut errors = legacy(event);
    if !strict {
        return errors;
    }
    if event.get("series") != old.get("series") {
        errors.extend(validate_series(event));
    }
    for (pointer, path) in IMMUTABLE {
        errors.extend(object::immutable(event, old, pointer, path));
    }
    errors
}

fn validate_series(event: &Value) -> field::ErrorList {
    let Some(series) = event.get("series").filter(|s| s.is_object()) else { return Vec::new() };
    let mut errors = Vec::new();
    if series.get("count").and_then(Value::as_i64).unwrap_or(0) < 2 {
        errors.push(field::Error::invalid(&Path::new("series.count"), "", "should be at least 2"));
    }
    if !object::is_set(series, "/lastObservedTime") {
        errors.push(field::Error::required(&Path::new("series.lastObservedTime"), ""));
    }
    errors
}

/// Upstream's `legacyValidateEvent`.
fn legacy(event: &Value) -> field::ErrorList {
    let namespace = text(event, "/metadata/namespace");
    let involved = text(event, "/involvedObject/namespace");
    let mismatch = || field::Error::invalid(&Path::new("involvedObject").child("namespace"), involved, "does not match event.namespace");
    let mut errors = Vec::new();
    if !object::is_set(event, "/eventTime") {
        let allowed = if involved.is_empty() { namespace.is_empty() || namespace == "default" } else { namespace == involved };
        if !allowed {
            errors.push(mismatch());
        }
    } else {
        if involved.is_empty() && namespace != "default" && namespace != "kube-system" {
            errors.push(mismatch());
        }
        errors.extend(reporting_fields(event));
    }
    errors
}

/// What events with `eventTime` (the newer API's) must carry.
fn reporting_fields(event: &Value) -> field::ErrorList {
    let mut errors = Vec::new();
    let controller = text(event, "/reportingComponent");
    if controller.is_empty() {
        errors.push(field::Error::required(&Path::new("reportingController"), ""));
    }
    errors.extend(invalid_each(&Path::new("reportingController"), controller, validation::qualified_name(controller)));
    for (pointer, name, limit) in [
        ("/reportingInstance", "reportingInstance", REPORTING_INSTANCE_LIMIT),
        ("/action", "action", ACTION_LIMIT),
        ("/reason", "reason", REASON_LIMIT),
    ] {
        let value = text(event, pointer);
        if value.is_empty() {
            errors.push(field::Error::required(&Path::new(name), ""));
        }
        if value.len() > limit {
            errors.push(field::Error::invalid(&Path::new(name), "", format!("can have at most {limit} characters")));
        }
    }
    if text(event, "/message").len() > NOTE_LIMIT {
        errors.push(field::Error::invalid(&Path::new("message"), "", format!("can have at most {NOTE_LIMIT} characters")));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(namespace: &str, involved: &str) -> Value {
        json!({"metadata": {"name": "e", "namespace": namespace}, "involvedObject": {"kind": "Pod", "name": "web", "namespace": involved},
            "reason": "Started", "message": " Started container \n", "type": "Normal", "count": 3,
            "firstTimestamp": "2020-01-01T00:00:00Z", "lastTimestamp": "2020-01-02T00:00:00Z", "source": {"component": "kubelet", "host": "n1"}})
    }

    #[test]
    fn the_involved_objects_namespace_must_match() {
        assert!(EventStrategy.validate(&event("team", "team")).is_empty());
        let errors: Vec<String> = EventStrategy.validate(&event("team", "other")).iter().map(ToString::to_string).collect();
        assert_eq!(errors, [r#"involvedObject.namespace: Invalid value: "other": does not match event.namespace"#]);
        assert!(EventStrategy.validate(&event("default", "")).is_empty(), "cluster-scoped objects' events go to default");
        let modern = json!({"metadata": {"namespace": "team"}, "eventTime": "2020-01-01T00:00:00.000000Z", "involvedObject": {"namespace": "team"}});
        let errors: Vec<String> = validate(&modern, true).iter().map(ToString::to_string).collect();
        assert_eq!(errors, ["reportingController: Required value", r#"reportingController: Invalid value: "": name part must be non-empty"#, "reportingInstance: Required value", "action: Required value", "reason: Required value", r#"type: Invalid value: "": has invalid value: "#]);
    }

    #[test]
    fn table_cells_follow_upstreams_printer() {
        let cells = EventStrategy.table_cells(&event("team", "team"));
        assert!(cells[0].as_str().is_some_and(|s| s.ends_with('d') || s.ends_with('y')), "{cells:?}");
        assert_eq!(cells[1..7], [json!("Normal"), json!("Started"), json!("pod/web"), json!(""), json!("kubelet, n1"), json!("Started container")]);
        assert_eq!(cells[8..], [json!(3), json!("e")]);
        let fresh = json!({"involvedObject": {"kind": "Node"}, "reportingComponent": "kubelet", "eventTime": "2020-01-01T00:00:00.123456Z"});
        let cells = EventStrategy.table_cells(&fresh);
        assert_eq!((&cells[3], &cells[5], &cells[8]), (&json!("node"), &json!("kubelet"), &json!(1)));
        assert_eq!(cells[0], cells[7], "without lastTimestamp the first sighting is the last");
    }
}
