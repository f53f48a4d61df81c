//! PodDisruptionBudgets (policy/v1).

use apimachinery::field::{self, Path};
use apimachinery::registry::{Decoded, Strategy};
use apimachinery::table::{self, Column};
use serde_json::{Value, json};

use crate::builtin::object::{self, items};
use crate::builtin::selectors;

const EVICTION_POLICIES: [&str; 2] = ["AlwaysAllow", "IfHealthyBudget"];
const PERCENT_FORMAT: &str =
    "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')";

/// PodDisruptionBudgets: status zeroed on create; at most one of `minAvailable` and
/// `maxUnavailable`, each a count or a percentage up to 100%; generation counted.
pub struct PodDisruptionBudgetStrategy;

impl Strategy for PodDisruptionBudgetStrategy {
    fn decode(&self, object: Value) -> Result<Decoded, String> {
        crate::builtin::typed::<k8s_openapi::api::policy::v1::PodDisruptionBudget>(object)
    }

    fn tracks_generation(&self) -> bool {
        true
    }

    fn prepare_for_create(&self, object: &mut Value) {
        object::set(object, "/status", json!({"currentHealthy": 0, "desiredHealthy": 0, "disruptionsAllowed": 0, "expectedPods": 0}));
    }

    fn validate(&self, object: &Value) -> field::ErrorList {
        let spec = Path::new("spec");
        let mut errors = Vec::new();
        if object::is_set(object, "/spec/minAvailable") && object::is_set(object, "/spec/maxUnavailable") {
            let shown = object.get("spec").cloned().unwrap_or(Value::Null);
            errors.push(field::Error::invalid(&spec, shown, "minAvailable and maxUnavailable cannot be both set"));
        }
        for field in ["minAvailable", "maxUnavailable"] {
            if let Some(value) = object.pointer(&format!("/spec/{field}")).filter(|v| !v.is_null()) {
                errors.extend(validate_int_or_percent(value, &spec.child(field)));
            }
        }
        errors.extend(selectors::label_selector(object.pointer("/spec/selector"), &spec.child("selector")));
        errors.extend(object::optional_one_of(object, "/spec/unhealthyPodEvictionPolicy", "spec.unhealthyPodEvictionPolicy", &EVICTION_POLICIES));
        errors
    }

    fn validate_status_update(&self, object: &Value, _old: &Value) -> field::ErrorList {
        let status = Path::new("status");
        let mut errors = Vec::new();
        for field in ["disruptionsAllowed", "currentHealthy", "desiredHealthy", "expectedPods"] {
            let value = object.pointer(&format!("/status/{field}")).and_then(Value::as_i64).unwrap_or(0);
            if value < 0 {
                errors.push(field::Error::invalid(&status.child(field), value, "must be greater than or equal to 0"));
            }
        }
        for (i, condition) in items(object, "/status/conditions").iter().enumerate() {
            if object::text(condition, "/type").is_empty() {
                errors.push(field::Error::required(&status.child("conditions").index(i).child("type"), "must be set"));
            }
        }
        errors
    }

    fn table_columns(&self) -> Vec<Column> {
        vec![
            table::NAME,
            Column::new("Min Available", "string", "The minimum number of pods that must be available."),
            Column::new("Max Unavailable", "string", "The maximum number of pods that may be unavailable."),
            Column::new("Allowed Disruptions", "integer", "Calculated number of pods that may be disrupted at this time."),
            table::AGE,
        ]
    }

    fn table_cells(&self, object: &Value) -> Vec<Value> {
        let shown = |field: &str| match object.pointer(&format!("/spec/{field}")) {
            Some(Value::Number(n)) => n.to_string(),
            Some(Value::String(s)) => s.clone(),
            _ => "N/A".to_owned(),
        };
        let allowed = object.pointer("/status/disruptionsAllowed").and_then(Value::as_i64).unwrap_or(0);
        vec![table::name_cell(object), json!(shown("minAvailable")), json!(shown("maxUnavailable")), json!(allowed), table::age_cell(object)]
    }
}

/// Upstream's `ValidatePositiveIntOrPercent` and `IsNotMoreThan100Percent`.
fn validate_int_or_percent(value: &Value, path: &Path) -> field::ErrorList {
    match value {
        Value::Number(n) if n.as_i64().unwrap_or(0) < 0 => vec![field::Error::invalid(path, n.as_i64().unwrap_or(0), "must be greater than or equal to 0")],
        Value::String(s) => match s.strip_suffix('%').filter(|d| !d.is_empty() && d.bytes().all(|b| b.is_ascii_digit())) {
            None => vec![field::Error::invalid(path, s.as_str(), PERCENT_FORMAT)],
            Some(digits) if digits.parse::<u64>().is_ok_and(|p| p > 100) => vec![field::Error::invalid(path, s.as_str(), "must not be greater than 100%")],
            Some(_) => Vec::new(),
        },
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation_and_table() {
        let pdb = json!({"metadata": {"name": "web"}, "spec": {"minAvailable": "50%", "selector": {"matchLabels": {"app": "web"}}}, "status": {"disruptionsAllowed": 2}});
        assert!(PodDisruptionBudgetStrategy.validate(&pdb).is_empty());
        assert_eq!(PodDisruptionBudgetStrategy.table_cells(&pdb)[1..4], [json!("50%"), json!("N/A"), json!(2)]);
        let both = json!({"spec": {"minAvailable": 1, "maxUnavailable": "150%"}});
        let errors: Vec<String> = PodDisruptionBudgetStrategy.validate(&both).iter().map(ToString::to_string).collect();
        assert!(errors[0].starts_with("spec: Invalid value: ") && errors[0].ends_with(": minAvailable and maxUnavailable cannot be both set"));
        assert_eq!(errors[1], r#"spec.maxUnavailable: Invalid value: "150%": must not be greater than 100%"#);
        let errors = PodDisruptionBudgetStrategy.validate(&json!({"spec": {"maxUnavailable": "half"}}));
        assert_eq!(errors[0].detail, PERCENT_FORMAT);
        let mut created = json!({"spec": {}});
        PodDisruptionBudgetStrategy.prepare_for_create(&mut created);
        assert_eq!(created["status"]["disruptionsAllowed"], 0);
        assert!(PodDisruptionBudgetStrategy.tracks_generation());
    }
}
