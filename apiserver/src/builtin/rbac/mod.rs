//! rbac.authorization.k8s.io: roles, cluster roles and their bindings.

mod binding;
mod role;

use std::sync::Arc;

use apimachinery::resource::Resource;

use super::Entry;

/// The group's resources.
pub fn entries() -> Vec<Entry> {
    let v1 = |kind: &str, plural: &str, namespaced: bool| Resource::new("rbac.authorization.k8s.io", "v1", kind, plural, namespaced);
    vec![
        (v1("Role", "roles", true), Arc::new(role::RoleStrategy { namespaced: true })),
        (v1("RoleBinding", "rolebindings", true), Arc::new(binding::BindingStrategy { cluster: false })),
        (v1("ClusterRole", "clusterroles", false), Arc::new(role::RoleStrategy { namespaced: false })),
        (v1("ClusterRoleBinding", "clusterrolebindings", false), Arc::new(binding::BindingStrategy { cluster: true })),
    ]
}
