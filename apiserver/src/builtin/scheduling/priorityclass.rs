//! PriorityClasses (scheduling.k8s.io/v1).
//!
//! Upstream's apiserver creates the two system classes, `system-cluster-critical`
//! (2000000000) and `system-node-critical` (2000001000), at start-up; that bootstrap is
//! not here yet. Their names are reserved already: [`SYSTEM_CLASSES`] is what creating
//! them must match.

use apimachinery::field::{self, Path};
use apimachinery::registry::{Decoded, Strategy};
use apimachinery::table::{self, Column};
use serde_json::{Value, json};

use crate::builtin::object::{self, text};

/// The classes upstream reserves under the `system-` prefix: name, value, global default.
pub const SYSTEM_CLASSES: [(&str, i64, bool); 2] = [("system-node-critical", 2_000_001_000, false), ("system-cluster-critical", 2_000_000_000, false)];
/// The highest priority a user-defined class may have.
const HIGHEST_USER_PRIORITY: i64 = 1_000_000_000;
const PREEMPTION_POLICIES: [&str; 2] = ["PreemptLowerPriority", "Never"];

/// PriorityClasses: preemption policy `PreemptLowerPriority` by default; user classes up
/// to 1000000000, `system-` names reserved; value and preemption policy fixed once set.
pub struct PriorityClassStrategy;

impl Strategy for PriorityClassStrategy {
    fn decode(&self, object: Value) -> Result<Decoded, String> {
        crate::builtin::typed::<k8s_openapi::api::scheduling::v1::PriorityClass>(object)
    }

    fn prepare_for_create(&self, object: &mut Value) {
        object::default_to(object, "/preemptionPolicy", json!("PreemptLowerPriority"));
        // As upstream, the generation starts at 1 and no update moves it.
        object::set(object, "/metadata/generation", json!(1));
    }

    fn prepare_for_update(&self, object: &mut Value, _old: &Value) {
        object::default_to(object, "/preemptionPolicy", json!("PreemptLowerPriority"));
    }

    fn validate(&self, object: &Value) -> field::ErrorList {
        let name = text(object, "/metadata/name");
        let value = object.get("value").and_then(Value::as_i64).unwrap_or(0);
        let mut errors = Vec::new();
        if name.starts_with("system-") {
            if let Err(why) = known_system_class(name, value, object.get("globalDefault").and_then(Value::as_bool).unwrap_or(false)) {
                let detail = format!("priority class names with 'system-' prefix are reserved for system use only. error: {why}");
                errors.push(field::Error::forbidden(&Path::new("metadata").child("name"), detail));
            }
        } else if value > HIGHEST_USER_PRIORITY {
            errors.push(field::Error::forbidden(&Path::new("value"), format!("maximum allowed value of a user defined priority is {HIGHEST_USER_PRIORITY}")));
        }
        let policy = text(object, "/preemptionPolicy");
        if !policy.is_empty() && !PREEMPTION_POLICIES.contains(&policy) {
            errors.push(field::Error::not_supported(&Path::new("preemptionPolicy"), policy, &PREEMPTION_POLICIES));
        }
        errors
    }

    fn validate_update(&self, object: &Value, old: &Value) -> field::ErrorList {
        let mut errors = Vec::new();
        if object.get("value") != old.get("value") {
            errors.push(field::Error::forbidden(&Path::new("value"), "may not be changed in an update."));
        }
        errors.extend(object::immutable(object, old, "/preemptionPolicy", "preemptionPolicy"));
        errors
    }

    fn table_columns(&self) -> Vec<Column> {
        vec![
            table::NAME,
            Column::new("Value", "integer", "value represents the integer value of this priority class."),
            Column::new("Global-Default", "boolean", "globalDefault specifies whether this PriorityClass should be considered as the default priority for pods that do not have any priority class."),
            table::AGE,
            Column::new("PreemptionPolicy", "string", "preemptionPolicy is the Policy for preempting pods with lower priority."),
        ]
    }

    fn table_cells(&self, object: &Value) -> Vec<Value> {
        vec![
            table::name_cell(object),
            json!(object.get("value").and_then(Value::as_i64).unwrap_or(0)),
            json!(object.get("globalDefault").and_then(Value::as_bool).unwrap_or(false)),
            table::age_cell(object),
            json!(text(object, "/preemptionPolicy")),
        ]
    }
}

/// Upstream's `IsKnownSystemPriorityClass`.
fn known_system_class(name: &str, value: i64, global_default: bool) -> Result<(), String> {
    let Some((_, expected, default)) = SYSTEM_CLASSES.iter().find(|(n, _, _)| *n == name) else {
        return Err(format!("{name} is not a known system priority class"));
    };
    if *expected != value {
        return Err(format!("value of {name} PriorityClass must be {expected}"));
    }
    if *default != global_default {
        return Err(format!("globalDefault of {name} PriorityClass must be {default}"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class(name: &str, value: i64) -> Value {
        json!({"metadata": {"name": name}, "value": value})
    }

    #[test]
    fn defaults_values_and_immutability() {
        let mut high = class("high", 1000);
        PriorityClassStrategy.prepare_for_create(&mut high);
        assert_eq!((&high["preemptionPolicy"], &high["metadata"]["generation"]), (&json!("PreemptLowerPriority"), &json!(1)));
        assert!(PriorityClassStrategy.validate(&high).is_empty());
        assert!(PriorityClassStrategy.validate(&class("system-node-critical", 2_000_001_000)).is_empty());
        let messages = |v: &Value| PriorityClassStrategy.validate(v).iter().map(ToString::to_string).collect::<Vec<_>>();
        assert_eq!(messages(&class("huge", 2_000_000_000)), ["value: Forbidden: maximum allowed value of a user defined priority is 1000000000"]);
        assert_eq!(
            messages(&class("system-mine", 5)),
            ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class"]
        );
        let errors: Vec<String> = PriorityClassStrategy.validate_update(&class("high", 2000), &high).iter().map(ToString::to_string).collect();
        assert_eq!(errors[0], "value: Forbidden: may not be changed in an update.");
        let cells = PriorityClassStrategy.table_cells(&high);
        assert_eq!((&cells[1], &cells[2], &cells[4]), (&json!(1000), &json!(false), &json!("PreemptLowerPriority")));
    }
}
