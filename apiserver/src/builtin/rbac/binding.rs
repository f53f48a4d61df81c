//! RoleBindings and ClusterRoleBindings (rbac.authorization.k8s.io/v1): stored only.

use apimachinery::field::{self, Path};
use apimachinery::registry::{Decoded, Strategy};
use apimachinery::table::{self, Column};
use apimachinery::validation;
use serde_json::{Value, json};

use crate::builtin::object::{self, invalid_each, items, text};

/// The RBAC API group, `roleRef.apiGroup` and the group of user and group subjects.
const GROUP: &str = "rbac.authorization.k8s.io";

/// RoleBindings and ClusterRoleBindings (`cluster`): `roleRef` and subjects' API groups
/// defaulted; the role reference valid and fixed once set (`cannot change roleRef`);
/// subjects of a known kind.
pub struct BindingStrategy {
    /// Whether these are ClusterRoleBindings (which bind ClusterRoles only and need
    /// service accounts' namespaces).
    pub cluster: bool,
}

impl Strategy for BindingStrategy {
    fn decode(&self, object: Value) -> Result<Decoded, String> {
        if self.cluster {
            crate::builtin::typed::<k8s_openapi::api::rbac::v1::ClusterRoleBinding>(object)
        } else {
            crate::builtin::typed::<k8s_openapi::api::rbac::v1::RoleBinding>(object)
        }
    }

    fn name_rule(&self) -> fn(&str) -> Vec<String> {
        validation::path_segment_name
    }

    fn prepare_for_create(&self, object: &mut Value) {
        set_defaults(object);
    }

    fn prepare_for_update(&self, object: &mut Value, _old: &Value) {
        set_defaults(object);
    }

    fn validate(&self, object: &Value) -> field::ErrorList {
        let role_ref = Path::new("roleRef");
        let mut errors = Vec::new();
        let group = text(object, "/roleRef/apiGroup");
        if group != GROUP {
            errors.push(field::Error::not_supported(&role_ref.child("apiGroup"), group, &[GROUP]));
        }
        let kinds: &[&str] = if self.cluster { &["ClusterRole"] } else { &["Role", "ClusterRole"] };
        let kind = text(object, "/roleRef/kind");
        if !kinds.contains(&kind) {
            errors.push(field::Error::not_supported(&role_ref.child("kind"), kind, kinds));
        }
        match text(object, "/roleRef/name") {
            "" => errors.push(field::Error::required(&role_ref.child("name"), "")),
            name => errors.extend(invalid_each(&role_ref.child("name"), name, validation::path_segment_name(name))),
        }
        for (i, subject) in items(object, "/subjects").iter().enumerate() {
            errors.extend(validate_subject(subject, !self.cluster, &Path::new("subjects").index(i)));
        }
        errors
    }

    fn validate_update(&self, object: &Value, old: &Value) -> field::ErrorList {
        let mut errors = self.validate(object);
        if object.get("roleRef") != old.get("roleRef") {
            // Upstream shows the internal RoleRef, serialized without JSON tags.
            let shown = json!({"APIGroup": text(object, "/roleRef/apiGroup"), "Kind": text(object, "/roleRef/kind"), "Name": text(object, "/roleRef/name")});
            errors.push(field::Error::invalid(&Path::new("roleRef"), shown, "cannot change roleRef"));
        }
        errors
    }

    fn table_columns(&self) -> Vec<Column> {
        vec![
            table::NAME,
            Column::new("Role", "string", "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace."),
            table::AGE,
            Column::new("Users", "string", "Users in the roleBinding").wide(),
            Column::new("Groups", "string", "Groups in the roleBinding").wide(),
            Column::new("ServiceAccounts", "string", "ServiceAccounts in the roleBinding").wide(),
        ]
    }

    fn table_cells(&self, object: &Value) -> Vec<Value> {
        let role = format!("{}/{}", text(object, "/roleRef/kind"), text(object, "/roleRef/name"));
        let of_kind = |kind: &str| {
            let names = items(object, "/subjects").iter().filter(|s| text(s, "/kind") == kind);
            let shown: Vec<String> = if kind == "ServiceAccount" {
                names.map(|s| format!("{}/{}", text(s, "/namespace"), text(s, "/name"))).collect()
            } else {
                names.map(|s| text(s, "/name").to_owned()).collect()
            };
            json!(shown.join(", "))
        };
        vec![table::name_cell(object), json!(role), table::age_cell(object), of_kind("User"), of_kind("Group"), of_kind("ServiceAccount")]
    }
}

/// Upstream's `SetDefaults_RoleBinding` and `SetDefaults_Subject`.
fn set_defaults(binding: &mut Value) {
    object::default_to(binding, "/roleRef/apiGroup", json!(GROUP));
    for subject in binding.get_mut("subjects").and_then(Value::as_array_mut).into_iter().flatten() {
        if matches!(text(subject, "/kind"), "User" | "Group") {
            object::default_to(subject, "/apiGroup", json!(GROUP));
        }
    }
}

/// Upstream's `validateRoleBindingSubject`.
fn validate_subject(subject: &Value, namespaced: bool, path: &Path) -> field::ErrorList {
    let name = text(subject, "/name");
    let group = text(subject, "/apiGroup");
    let mut errors = Vec::new();
    if name.is_empty() {
        errors.push(field::Error::required(&path.child("name"), ""));
    }
    match text(subject, "/kind") {
        "ServiceAccount" => {
            if !name.is_empty() {
                errors.extend(invalid_each(&path.child("name"), name, validation::dns1123_subdomain(name)));
            }
            if !group.is_empty() {
                errors.push(field::Error::not_supported(&path.child("apiGroup"), group, &[""]));
            }
            if !namespaced && text(subject, "/namespace").is_empty() {
                errors.push(field::Error::required(&path.child("namespace"), ""));
            }
        }
        kind @ ("User" | "Group") => {
            if name.is_empty() {
                errors.push(field::Error::invalid(&path.child("name"), "", format!("{} name cannot be empty", kind.to_lowercase())));
            }
            if group != GROUP {
                errors.push(field::Error::not_supported(&path.child("apiGroup"), group, &[GROUP]));
            }
        }
        other => errors.push(field::Error::not_supported(&path.child("kind"), other, &["ServiceAccount", "User", "Group"])),
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binding() -> Value {
        json!({"metadata": {"name": "read"}, "roleRef": {"kind": "Role", "name": "reader"}, "subjects": [
            {"kind": "User", "name": "jane"}, {"kind": "ServiceAccount", "name": "ci", "namespace": "team"}, {"kind": "Group", "name": "devs"}]})
    }

    #[test]
    fn defaults_table_and_immutable_role_ref() {
        let strategy = BindingStrategy { cluster: false };
        let mut created = binding();
        strategy.prepare_for_create(&mut created);
        assert_eq!(created["roleRef"]["apiGroup"], GROUP);
        assert_eq!((&created["subjects"][0]["apiGroup"], created["subjects"][1].get("apiGroup")), (&json!(GROUP), None));
        assert!(strategy.validate(&created).is_empty(), "{:?}", strategy.validate(&created));
        assert_eq!(strategy.table_cells(&created)[3..], [json!("jane"), json!("devs"), json!("team/ci")]);
        assert_eq!(strategy.table_cells(&created)[1], "Role/reader");
        let mut changed = created.clone();
        changed["roleRef"]["name"] = json!("admin");
        let errors: Vec<String> = strategy.validate_update(&changed, &created).iter().map(ToString::to_string).collect();
        assert_eq!(errors, [r#"roleRef: Invalid value: {"APIGroup":"rbac.authorization.k8s.io","Kind":"Role","Name":"admin"}: cannot change roleRef"#]);
    }

    #[test]
    fn subjects_and_cluster_bindings() {
        let cluster = BindingStrategy { cluster: true };
        let mut bad = binding();
        bad["subjects"] = json!([{"kind": "ServiceAccount", "name": "ci"}, {"kind": "Robot", "name": "r2"}]);
        cluster.prepare_for_create(&mut bad);
        let errors: Vec<String> = cluster.validate(&bad).iter().map(ToString::to_string).collect();
        assert_eq!(
            errors,
            [
                r#"roleRef.kind: Unsupported value: "Role": supported values: "ClusterRole""#,
                "subjects[0].namespace: Required value",
                r#"subjects[1].kind: Unsupported value: "Robot": supported values: "ServiceAccount", "User", "Group""#,
            ]
        );
    }
}
