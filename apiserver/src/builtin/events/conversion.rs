//! Between events.k8s.io/v1 and core/v1 events: the same fields under other names, so
//! both directions rename and nothing is lost.

use apimachinery::storage::converting::Conversion;
use serde_json::{Map, Value};

/// (core/v1 name, events.k8s.io/v1 name) of every renamed field; the rest (`action`,
/// `eventTime`, `reason`, `related`, `reportingInstance`, `series`, `type`) keep theirs.
const RENAMED: [(&str, &str); 7] = [
    ("involvedObject", "regarding"),
    ("message", "note"),
    ("source", "deprecatedSource"),
    ("firstTimestamp", "deprecatedFirstTimestamp"),
    ("lastTimestamp", "deprecatedLastTimestamp"),
    ("count", "deprecatedCount"),
    ("reportingComponent", "reportingController"),
];

/// events.k8s.io/v1 events stored as core/v1 ones.
pub struct EventConversion;

/// Renames fields with `names` (from, to) and sets the apiVersion.
fn renamed(object: Value, api_version: &str, names: impl Iterator<Item = (&'static str, &'static str)>) -> Value {
    let Value::Object(mut fields) = object else { return object };
    let moves: Vec<(&str, &str)> = names.collect();
    let mut out = Map::new();
    for (key, value) in std::mem::take(&mut fields) {
        let key = moves.iter().find(|(from, _)| *from == key).map_or(key, |(_, to)| (*to).to_owned());
        out.insert(key, value);
    }
    out.insert("apiVersion".into(), Value::String(api_version.to_owned()));
    out.insert("kind".into(), Value::String("Event".into()));
    Value::Object(out)
}

/// The core/v1 shape of an events.k8s.io/v1 event.
pub fn to_core(event: Value) -> Value {
    renamed(event, "v1", RENAMED.iter().map(|(core, events)| (*events, *core)))
}

/// The events.k8s.io/v1 shape of a core/v1 event.
pub fn to_events(event: Value) -> Value {
    renamed(event, "events.k8s.io/v1", RENAMED.iter().copied())
}

impl Conversion for EventConversion {
    fn encode(&self, object: Value) -> Value {
        to_core(object)
    }

    fn decode(&self, object: Value) -> Value {
        to_events(object)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips_without_loss() {
        let core = json!({"apiVersion": "v1", "kind": "Event", "metadata": {"name": "e"}, "involvedObject": {"kind": "Pod", "name": "p"},
            "message": "hi", "reason": "Started", "count": 2, "reportingComponent": "kubelet", "source": {"component": "kubelet"}});
        let events = to_events(core.clone());
        assert_eq!(events["apiVersion"], "events.k8s.io/v1");
        assert_eq!((&events["regarding"]["name"], &events["note"], &events["deprecatedCount"]), (&json!("p"), &json!("hi"), &json!(2)));
        assert_eq!(events["reportingController"], "kubelet");
        assert!(events.get("involvedObject").is_none());
        assert_eq!(to_core(events), core);
    }
}
