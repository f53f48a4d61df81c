//! ResourceQuotas (core/v1): per-namespace limits on aggregate resource use; the quota
//! controller fills in `status`.

use apimachinery::field::{self, Path};
use apimachinery::registry::{Decoded, Strategy};
use apimachinery::table::{self, Column};
use serde_json::{Value, json};

use super::resources;
use crate::builtin::object::{items, text, texts};

const SCOPES: [&str; 6] = ["Terminating", "NotTerminating", "BestEffort", "NotBestEffort", "PriorityClass", "CrossNamespacePodAffinity"];
const CONFLICTING: [(&str, &str); 2] = [("BestEffort", "NotBestEffort"), ("Terminating", "NotTerminating")];

/// ResourceQuotas: quota resource names and quantities, scopes valid and fixed once set;
/// the table shows `used/hard` per resource, limits apart.
pub struct ResourceQuotaStrategy;

impl Strategy for ResourceQuotaStrategy {
    fn decode(&self, object: Value) -> Result<Decoded, String> {
        let mut quota = crate::builtin::typed::<k8s_openapi::api::core::v1::ResourceQuota>(object)?;
        for pointer in ["/spec/hard", "/status/hard", "/status/used"] {
            resources::canonicalize(&mut quota.object, pointer)?;
        }
        Ok(quota)
    }

    fn validate(&self, object: &Value) -> field::ErrorList {
        let mut errors = resources::validate_list(object, "/spec/hard", &Path::new("spec").child("hard"), resources::validate_quota_name);
        errors.extend(validate_scopes(object));
        errors.extend(validate_status(object));
        errors
    }

    fn validate_update(&self, object: &Value, old: &Value) -> field::ErrorList {
        let mut errors = resources::validate_list(object, "/spec/hard", &Path::new("spec").child("hard"), resources::validate_quota_name);
        errors.extend(validate_scopes(object));
        let (mut now, mut before) = (texts(object, "/spec/scopes"), texts(old, "/spec/scopes"));
        now.sort_unstable();
        before.sort_unstable();
        now.dedup();
        before.dedup();
        if now != before {
            errors.push(field::Error::invalid(&Path::new("spec").child("scopes"), json!(texts(object, "/spec/scopes")), "field is immutable"));
        }
        errors
    }

    fn validate_status_update(&self, object: &Value, _old: &Value) -> field::ErrorList {
        validate_status(object)
    }

    fn table_columns(&self) -> Vec<Column> {
        vec![
            table::NAME,
            Column::new("Request", "string", "Request represents a minimum amount of cpu/memory that a container may consume."),
            Column::new("Limit", "string", "Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node."),
            table::AGE,
        ]
    }

    fn table_cells(&self, object: &Value) -> Vec<Value> {
        let mut hard = resources::quantities(object, "/status/hard");
        hard.sort_by(|a, b| a.0.cmp(&b.0));
        let used = resources::quantities(object, "/status/used");
        let (mut requests, mut limits) = (Vec::new(), Vec::new());
        for (name, limit) in hard {
            let current = used.iter().find(|(n, _)| *n == name).map_or("0".to_owned(), |(_, q)| q.to_string());
            let entry = format!("{name}: {current}/{limit}");
            if name.starts_with("limits.") { limits.push(entry) } else { requests.push(entry) }
        }
        vec![table::name_cell(object), json!(requests.join(", ")), json!(limits.join(", ")), table::age_cell(object)]
    }
}

fn validate_status(quota: &Value) -> field::ErrorList {
    let status = Path::new("status");
    let mut errors = resources::validate_list(quota, "/status/hard", &status.child("hard"), resources::validate_quota_name);
    errors.extend(resources::validate_list(quota, "/status/used", &status.child("used"), resources::validate_quota_name));
    errors
}

/// Known, non-conflicting scopes, in `scopes` and in the scope selector.
fn validate_scopes(quota: &Value) -> field::ErrorList {
    let path = Path::new("spec").child("scopes");
    let scopes = texts(quota, "/spec/scopes");
    let mut errors = Vec::new();
    if scopes.iter().any(|s| !SCOPES.contains(s)) {
        errors.push(field::Error::invalid(&path, json!(scopes), "unsupported scope"));
    }
    let selector: Vec<&str> = items(quota, "/spec/scopeSelector/matchExpressions").iter().map(|e| text(e, "/scopeName")).collect();
    let selector_path = Path::new("spec").child("scopeSelector").child("matchExpressions");
    for expression in items(quota, "/spec/scopeSelector/matchExpressions") {
        errors.extend(validate_scope_expression(expression, &selector_path));
    }
    for (a, b) in CONFLICTING {
        if scopes.contains(&a) && scopes.contains(&b) {
            errors.push(field::Error::invalid(&path, json!(scopes), "conflicting scopes"));
        }
        if selector.contains(&a) && selector.contains(&b) {
            errors.push(field::Error::invalid(&selector_path, json!(scopes), "conflicting scopes"));
        }
    }
    errors
}

fn validate_scope_expression(expression: &Value, path: &Path) -> field::ErrorList {
    let mut errors = Vec::new();
    let scope = text(expression, "/scopeName");
    if !SCOPES.contains(&scope) {
        errors.push(field::Error::invalid(&path.child("scopeName"), scope, "unsupported scope"));
    }
    let operator = text(expression, "/operator");
    if SCOPES.contains(&scope) && scope != "PriorityClass" && operator != "Exists" {
        let detail = "must be 'Exists' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity";
        errors.push(field::Error::invalid(&path.child("operator"), operator, detail));
    }
    let values = items(expression, "/values");
    match operator {
        "In" | "NotIn" if values.is_empty() => errors.push(field::Error::required(
            &path.child("values"),
            "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector",
        )),
        "Exists" | "DoesNotExist" if !values.is_empty() => errors.push(field::Error::invalid(
            &path.child("values"),
            json!(values),
            "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector",
        )),
        "In" | "NotIn" | "Exists" | "DoesNotExist" => {}
        other => errors.push(field::Error::invalid(&path.child("operator"), other, "not a valid selector operator")),
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_splits_requests_and_limits() {
        let quota = json!({"metadata": {"name": "q"}, "status": {
            "hard": {"pods": "10", "limits.cpu": "4", "requests.memory": "1Gi"},
            "used": {"pods": "2", "limits.cpu": "500m"},
        }});
        let cells = ResourceQuotaStrategy.table_cells(&quota);
        assert_eq!(cells[1], "pods: 2/10, requests.memory: 0/1Gi");
        assert_eq!(cells[2], "limits.cpu: 500m/4");
    }

    #[test]
    fn validation_and_immutable_scopes() {
        let quota = json!({"spec": {"hard": {"pods": "1.5", "storage": "1Gi"}, "scopes": ["BestEffort", "NotBestEffort"]}});
        let errors: Vec<String> = ResourceQuotaStrategy.validate(&quota).iter().map(ToString::to_string).collect();
        assert_eq!(
            errors,
            [
                r#"spec.hard[pods]: Invalid value: "1500m": must be an integer"#,
                r#"spec.hard[storage]: Invalid value: "storage": must be a standard resource for quota"#,
                r#"spec.scopes: Invalid value: ["BestEffort","NotBestEffort"]: conflicting scopes"#,
            ]
        );
        let old = json!({"spec": {"scopes": ["BestEffort"]}});
        let new = json!({"spec": {"scopes": ["Terminating"]}});
        let errors: Vec<String> = ResourceQuotaStrategy.validate_update(&new, &old).iter().map(ToString::to_string).collect();
        assert_eq!(errors, [r#"spec.scopes: Invalid value: ["Terminating"]: field is immutable"#]);
    }
}
