//! LimitRanges (core/v1): per-namespace bounds and defaults for container, pod and claim
//! resources.

use apimachinery::field::{self, Path};
use apimachinery::quantity::Quantity;
use apimachinery::registry::{Decoded, Strategy};
use apimachinery::table::{self, Column};
use apimachinery::validation;
use serde_json::{Map, Value};

use super::resources;
use crate::builtin::object::{invalid_each, items, text};

/// The quantity maps of a limit.
const LISTS: [&str; 5] = ["max", "min", "default", "defaultRequest", "maxLimitRequestRatio"];

/// LimitRanges: container limits get upstream's defaults (`default` from `max`,
/// `defaultRequest` from `default` then `min`); types, resource names and the ordering
/// min ≤ default request ≤ default ≤ max are checked as upstream. Printed with upstream's
/// default table (name and creation time).
pub struct LimitRangeStrategy;

impl Strategy for LimitRangeStrategy {
    fn decode(&self, object: Value) -> Result<Decoded, String> {
        let mut range = crate::builtin::typed::<k8s_openapi::api::core::v1::LimitRange>(object)?;
        for i in 0..items(&range.object, "/spec/limits").len() {
            for list in LISTS {
                resources::canonicalize(&mut range.object, &format!("/spec/limits/{i}/{list}"))?;
            }
        }
        Ok(range)
    }

    fn prepare_for_create(&self, object: &mut Value) {
        set_defaults(object);
    }

    fn prepare_for_update(&self, object: &mut Value, _old: &Value) {
        set_defaults(object);
    }

    fn validate(&self, object: &Value) -> field::ErrorList {
        let path = Path::new("spec").child("limits");
        let mut errors = Vec::new();
        let mut types = Vec::new();
        for (i, limit) in items(object, "/spec/limits").iter().enumerate() {
            let kind = text(limit, "/type");
            errors.extend(validate_type(kind, &path.index(i).child("type")));
            if types.contains(&kind) {
                errors.push(field::Error::duplicate(&path.index(i).child("type"), kind));
            }
            types.push(kind);
            errors.extend(validate_limit(limit, &path.index(i)));
        }
        errors
    }

    fn table_columns(&self) -> Vec<Column> {
        vec![table::NAME, table::CREATED_AT]
    }

    fn table_cells(&self, object: &Value) -> Vec<Value> {
        vec![table::name_cell(object), table::created_at_cell(object)]
    }
}

/// Upstream's `SetDefaults_LimitRangeItem`, for `Container` limits.
fn set_defaults(range: &mut Value) {
    let limits = range.pointer_mut("/spec/limits").and_then(Value::as_array_mut).into_iter().flatten();
    for limit in limits.filter(|l| text(l, "/type") == "Container") {
        let list = |limit: &Value, name: &str| limit.get(name).and_then(Value::as_object).cloned().unwrap_or_default();
        let (max, min) = (list(limit, "max"), list(limit, "min"));
        let mut default = list(limit, "default");
        fill_missing(&mut default, &max);
        let mut request = list(limit, "defaultRequest");
        fill_missing(&mut request, &default);
        fill_missing(&mut request, &min);
        limit["default"] = Value::Object(default);
        limit["defaultRequest"] = Value::Object(request);
    }
}

fn fill_missing(target: &mut Map<String, Value>, source: &Map<String, Value>) {
    for (name, value) in source {
        target.entry(name.clone()).or_insert_with(|| value.clone());
    }
}

/// A standard limit type, or a fully qualified one.
fn validate_type(kind: &str, path: &Path) -> field::ErrorList {
    let errors = invalid_each(path, kind, validation::qualified_name(kind));
    if !errors.is_empty() || kind.contains('/') || ["Pod", "Container", "PersistentVolumeClaim"].contains(&kind) {
        return errors;
    }
    vec![field::Error::invalid(path, kind, "must be a standard limit type or fully qualified")]
}

/// Names and the ordering of one limit's quantities, as upstream's `ValidateLimitRange`.
fn validate_limit(limit: &Value, path: &Path) -> field::ErrorList {
    let kind = text(limit, "/type");
    let check_name = if matches!(kind, "Pod" | "Container") { resources::validate_container_name } else { resources::validate_name };
    let mut errors = Vec::new();
    let mut lists: Vec<Vec<(String, Quantity)>> = Vec::new();
    for list in LISTS {
        let entries = resources::quantities(limit, &format!("/{list}"));
        if kind == "Pod" && matches!(list, "default" | "defaultRequest") {
            if !entries.is_empty() {
                errors.push(field::Error::forbidden(&path.child(list), "may not be specified when `type` is 'Pod'"));
            }
            lists.push(Vec::new());
            continue;
        }
        for (name, _) in &entries {
            errors.extend(check_name(name, &path.child(list).key(name)));
        }
        lists.push(entries);
    }
    if kind == "PersistentVolumeClaim" && !lists[0].iter().chain(&lists[1]).any(|(n, _)| n == "storage") {
        errors.push(field::Error::required(&path.child("limits"), "either minimum or maximum storage value is required, but neither was provided"));
    }
    errors.extend(validate_order(&lists, path));
    errors
}

/// min ≤ default request ≤ default ≤ max, and ratios of at least 1, per resource.
fn validate_order(lists: &[Vec<(String, Quantity)>], path: &Path) -> field::ErrorList {
    let find = |list: usize, name: &str| lists[list].iter().find(|(n, _)| n == name).map(|(_, q)| *q);
    let mut names: Vec<&String> = lists.iter().flatten().map(|(n, _)| n).collect();
    names.sort();
    names.dedup();
    let mut errors = Vec::new();
    for name in names {
        let (max, min, default, request, ratio) = (find(0, name), find(1, name), find(2, name), find(3, name), find(4, name));
        let at = |list: &str| path.child(list).key(name);
        let mut check = |low: Option<Quantity>, high: Option<Quantity>, list: &str, shown: Option<Quantity>, message: &str| {
            if let (Some(low), Some(high), Some(shown)) = (low, high, shown)
                && low > high
            {
                errors.push(field::Error::invalid(&at(list), shown.to_string(), message.replace("{low}", &low.to_string()).replace("{high}", &high.to_string())));
            }
        };
        check(min, max, "min", min, "min value {low} is greater than max value {high}");
        check(min, request, "defaultRequest", request, "min value {low} is greater than default request value {high}");
        check(request, max, "defaultRequest", request, "default request value {low} is greater than max value {high}");
        check(request, default, "defaultRequest", request, "default request value {low} is greater than default limit value {high}");
        check(min, default, "default", min, "min value {low} is greater than default value {high}");
        check(default, max, "default", max, "default value {low} is greater than max value {high}");
        if let Some(ratio) = ratio.filter(|r| r.milli_value() < 1000) {
            errors.push(field::Error::invalid(&at("maxLimitRequestRatio"), ratio.to_string(), format!("ratio {ratio} is less than 1")));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn container_limits_get_upstreams_defaults() -> Result<(), String> {
        let mut range = LimitRangeStrategy.decode(json!({"metadata": {"name": "l"}, "spec": {"limits": [
            {"type": "Container", "max": {"cpu": "2", "memory": "1024Mi"}, "min": {"cpu": "100m"}, "default": {"cpu": "1"}},
        ]}}))?.object;
        LimitRangeStrategy.prepare_for_create(&mut range);
        assert_eq!(range["spec"]["limits"][0]["default"], json!({"cpu": "1", "memory": "1Gi"}));
        assert_eq!(range["spec"]["limits"][0]["defaultRequest"], json!({"cpu": "1", "memory": "1Gi"}));
        assert!(LimitRangeStrategy.validate(&range).is_empty());
        Ok(())
    }

    #[test]
    fn validation_messages_match_upstream() {
        let range = json!({"spec": {"limits": [
            {"type": "Container", "max": {"cpu": "1"}, "min": {"cpu": "2"}},
            {"type": "Container"},
            {"type": "Pod", "default": {"cpu": "1"}},
            {"type": "Volume"},
            {"type": "PersistentVolumeClaim", "max": {"cpu": "1"}},
        ]}});
        let errors: Vec<String> = LimitRangeStrategy.validate(&range).iter().map(ToString::to_string).collect();
        assert_eq!(
            errors,
            [
                r#"spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1"#,
                r#"spec.limits[1].type: Duplicate value: "Container""#,
                "spec.limits[2].default: Forbidden: may not be specified when `type` is 'Pod'",
                r#"spec.limits[3].type: Invalid value: "Volume": must be a standard limit type or fully qualified"#,
                "spec.limits[4].limits: Required value: either minimum or maximum storage value is required, but neither was provided",
            ]
        );
        assert_eq!(LimitRangeStrategy.table_columns()[1].name, "Created At");
    }
}
