//! Events as events.k8s.io/v1 serves them: core/v1 events under other field names, with
//! the stricter rules upstream applies to writes through this group.

use apimachinery::field;
use apimachinery::registry::{Decoded, Strategy};
use apimachinery::table::Column;
use serde_json::Value;

use super::conversion::to_core;
use crate::builtin::core::event::{self, EventStrategy};

/// events.k8s.io events: checked and printed through their core/v1 shape.
pub struct EventsV1Strategy;

impl Strategy for EventsV1Strategy {
    fn decode(&self, object: Value) -> Result<Decoded, String> {
        crate::builtin::typed::<k8s_openapi::api::events::v1::Event>(object)
    }

    fn validate(&self, object: &Value) -> field::ErrorList {
        event::validate(&to_core(object.clone()), true)
    }

    fn validate_update(&self, object: &Value, old: &Value) -> field::ErrorList {
        event::validate_update(&to_core(object.clone()), &to_core(old.clone()), true)
    }

    fn selectable_fields(&self) -> Vec<&str> {
        vec![
            "regarding.kind",
            "regarding.namespace",
            "regarding.name",
            "regarding.uid",
            "regarding.apiVersion",
            "regarding.resourceVersion",
            "regarding.fieldPath",
            "reason",
            "reportingController",
            "deprecatedSource=deprecatedSource.component|reportingController",
            "type",
        ]
    }

    fn table_columns(&self) -> Vec<Column> {
        EventStrategy.table_columns()
    }

    fn table_cells(&self, object: &Value) -> Vec<Value> {
        EventStrategy.table_cells(&to_core(object.clone()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn writes_through_this_group_are_strict() {
        let event = json!({"metadata": {"name": "e", "namespace": "team"}, "regarding": {"kind": "Pod", "name": "p", "namespace": "team"},
            "eventTime": "2024-01-01T00:00:00.000000Z", "reportingController": "example.com/ctl", "reportingInstance": "ctl-1",
            "action": "Sync", "reason": "Synced", "type": "Normal", "note": "done"});
        assert!(EventsV1Strategy.validate(&event).is_empty(), "{:?}", EventsV1Strategy.validate(&event));
        let mut legacy = event.clone();
        legacy["deprecatedCount"] = json!(3);
        let errors: Vec<String> = EventsV1Strategy.validate(&legacy).iter().map(ToString::to_string).collect();
        assert_eq!(errors, [r#"count: Invalid value: "": needs to be unset"#]);
        let mut changed = event.clone();
        changed["note"] = json!("other");
        let errors: Vec<String> = EventsV1Strategy.validate_update(&changed, &event).iter().map(ToString::to_string).collect();
        assert_eq!(errors, [r#"message: Invalid value: "other": field is immutable"#]);
        assert_eq!(EventsV1Strategy.table_cells(&event)[3], "pod/p");
    }
}
