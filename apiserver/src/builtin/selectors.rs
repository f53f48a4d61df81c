//! Label maps and label selectors inside objects (service selectors, PDB and network
//! policy selectors, endpoint topology), checked as upstream's `ValidateLabels` and
//! `ValidateLabelSelector` do.

use apimachinery::field::{self, Path};
use apimachinery::validation;
use serde_json::Value;

use super::object::{invalid_each, items, text};

/// Every key a qualified name, every value a label value; errors at `path` itself.
pub fn labels(map: Option<&Value>, path: &Path) -> field::ErrorList {
    let mut errors = Vec::new();
    for (key, value) in map.and_then(Value::as_object).into_iter().flatten() {
        errors.extend(invalid_each(path, key, validation::qualified_name(key)));
        let value = value.as_str().unwrap_or_default();
        errors.extend(invalid_each(path, value, validation::label_value(value)));
    }
    errors
}

/// A `LabelSelector`: its `matchLabels` and each `matchExpressions` requirement.
pub fn label_selector(selector: Option<&Value>, path: &Path) -> field::ErrorList {
    let Some(selector) = selector.filter(|s| !s.is_null()) else { return Vec::new() };
    let mut errors = labels(selector.get("matchLabels"), &path.child("matchLabels"));
    for (i, requirement) in items(selector, "/matchExpressions").iter().enumerate() {
        errors.extend(requirement_errors(requirement, &path.child("matchExpressions").index(i)));
    }
    errors
}

/// Upstream's `ValidateLabelSelectorRequirement`.
fn requirement_errors(requirement: &Value, path: &Path) -> field::ErrorList {
    let values = items(requirement, "/values");
    let mut errors = Vec::new();
    match text(requirement, "/operator") {
        "In" | "NotIn" if values.is_empty() => {
            errors.push(field::Error::required(&path.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
        }
        "Exists" | "DoesNotExist" if !values.is_empty() => errors.push(field::Error::forbidden(
            &path.child("values"),
            "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
        )),
        "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
        other => errors.push(field::Error::invalid(&path.child("operator"), other, "not a valid selector operator")),
    }
    let key = text(requirement, "/key");
    errors.extend(invalid_each(&path.child("key"), key, validation::qualified_name(key)));
    for (i, value) in values.iter().enumerate() {
        let value = value.as_str().unwrap_or_default();
        errors.extend(invalid_each(&path.child("values").index(i), value, validation::label_value(value)));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn selectors_report_upstreams_paths() {
        let selector = json!({"matchLabels": {"app": "web"}, "matchExpressions": [
            {"key": "tier", "operator": "In"},
            {"key": "env", "operator": "Exists", "values": ["x"]},
            {"key": "bad key", "operator": "Near"},
        ]});
        let errors: Vec<String> = label_selector(Some(&selector), &Path::new("spec").child("selector")).iter().map(ToString::to_string).collect();
        assert_eq!(errors[0], "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'");
        assert!(errors[1].starts_with("spec.selector.matchExpressions[1].values: Forbidden"));
        assert_eq!(errors[2], r#"spec.selector.matchExpressions[2].operator: Invalid value: "Near": not a valid selector operator"#);
        assert!(errors[3].starts_with(r#"spec.selector.matchExpressions[2].key: Invalid value: "bad key""#));
        assert!(labels(Some(&json!({"app": "web"})), &Path::new("spec.selector")).is_empty());
    }
}
