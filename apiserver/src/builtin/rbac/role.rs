//! Roles and ClusterRoles (rbac.authorization.k8s.io/v1): stored only; the authorizer that
//! reads them comes later.

use apimachinery::field::{self, Path};
use apimachinery::registry::{Decoded, Strategy};
use apimachinery::table::{self, Column};
use apimachinery::validation;
use serde_json::{Value, json};

use crate::builtin::object::{items, texts};

/// Roles (`namespaced`) and ClusterRoles: path-segment names; every rule has verbs, and
/// either resources with API groups or (cluster roles only) non-resource URLs. Printed
/// with upstream's default table.
pub struct RoleStrategy {
    /// Whether these are namespaced Roles, whose rules may not name non-resource URLs.
    pub namespaced: bool,
}

impl Strategy for RoleStrategy {
    fn decode(&self, object: Value) -> Result<Decoded, String> {
        if self.namespaced {
            crate::builtin::typed::<k8s_openapi::api::rbac::v1::Role>(object)
        } else {
            crate::builtin::typed::<k8s_openapi::api::rbac::v1::ClusterRole>(object)
        }
    }

    fn name_rule(&self) -> fn(&str) -> Vec<String> {
        validation::path_segment_name
    }

    fn validate(&self, object: &Value) -> field::ErrorList {
        let path = Path::new("rules");
        items(object, "/rules").iter().enumerate().flat_map(|(i, rule)| validate_rule(rule, self.namespaced, &path.index(i))).collect()
    }

    fn table_columns(&self) -> Vec<Column> {
        vec![table::NAME, table::CREATED_AT]
    }

    fn table_cells(&self, object: &Value) -> Vec<Value> {
        vec![table::name_cell(object), table::created_at_cell(object)]
    }
}

/// Upstream's `validatePolicyRule`.
fn validate_rule(rule: &Value, namespaced: bool, path: &Path) -> field::ErrorList {
    let mut errors = Vec::new();
    if items(rule, "/verbs").is_empty() {
        errors.push(field::Error::required(&path.child("verbs"), "verbs must contain at least one value"));
    }
    let urls = texts(rule, "/nonResourceURLs");
    if !urls.is_empty() {
        if namespaced {
            errors.push(field::Error::invalid(&path.child("nonResourceURLs"), json!(urls), "namespaced rules cannot apply to non-resource URLs"));
        }
        if ["/apiGroups", "/resources", "/resourceNames"].iter().any(|p| !items(rule, p).is_empty()) {
            errors.push(field::Error::invalid(&path.child("nonResourceURLs"), json!(urls), "rules cannot apply to both regular resources and non-resource URLs"));
        }
        return errors;
    }
    if items(rule, "/apiGroups").is_empty() {
        errors.push(field::Error::required(&path.child("apiGroups"), "resource rules must supply at least one api group"));
    }
    if items(rule, "/resources").is_empty() {
        errors.push(field::Error::required(&path.child("resources"), "resource rules must supply at least one resource"));
    }
    if !items(rule, "/resourceNames").is_empty() && items(rule, "/resources").len() > 1 {
        errors.push(field::Error::required(&path.child("resourceNames"), "resource names cannot apply to multiple resources"));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rules_are_checked_as_upstream() {
        let roles = RoleStrategy { namespaced: true };
        let good = json!({"rules": [{"apiGroups": [""], "resources": ["pods"], "verbs": ["get", "list"]}]});
        assert!(roles.validate(&good).is_empty());
        let bad = json!({"rules": [{"apiGroups": [""], "resources": ["pods"]}, {"verbs": ["get"], "nonResourceURLs": ["/healthz"]}, {"verbs": ["get"]}]});
        let errors: Vec<String> = roles.validate(&bad).iter().map(ToString::to_string).collect();
        assert_eq!(
            errors,
            [
                "rules[0].verbs: Required value: verbs must contain at least one value",
                r#"rules[1].nonResourceURLs: Invalid value: ["/healthz"]: namespaced rules cannot apply to non-resource URLs"#,
                "rules[2].apiGroups: Required value: resource rules must supply at least one api group",
                "rules[2].resources: Required value: resource rules must supply at least one resource",
            ]
        );
        assert!(RoleStrategy { namespaced: false }.validate(&json!({"rules": [{"verbs": ["get"], "nonResourceURLs": ["/healthz"]}]})).is_empty());
        let cells = roles.table_cells(&json!({"metadata": {"name": "reader", "creationTimestamp": "2024-05-01T10:00:00Z"}}));
        assert_eq!(cells, [json!("reader"), json!("2024-05-01T10:00:00Z")]);
    }
}
