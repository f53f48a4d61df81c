//! The built-in resources served so far: one table row each, with their strategies.

use std::sync::Arc;

use apimachinery::registry::{self, DefaultStrategy, Store, Strategy};
use apimachinery::resource::Resource;
use apimachinery::storage::Storage;
use apimachinery::validation;
use serde_json::{Value, json};

/// Namespaces: DNS-label names, `spec.finalizers: [kubernetes]` and `status.phase: Active`
/// on create, status kept on update.
struct NamespaceStrategy;

impl Strategy for NamespaceStrategy {
    fn name_rule(&self) -> fn(&str) -> Vec<String> {
        validation::dns1123_label
    }

    fn prepare_for_create(&self, object: &mut Value) {
        object["spec"] = json!({"finalizers": ["kubernetes"]});
        object["status"] = json!({"phase": "Active"});
    }

    fn prepare_for_update(&self, object: &mut Value, old: &Value) {
        object["status"] = old.get("status").cloned().unwrap_or(Value::Null);
    }
}

/// The stores of every built-in resource, over one storage.
pub fn stores(storage: Arc<dyn Storage>) -> Vec<Store> {
    let with_short = |mut resource: Resource, short: &[&str]| {
        resource.short_names = short.iter().map(|s| (*s).to_owned()).collect();
        resource
    };
    let table: Vec<(Resource, Arc<dyn Strategy>)> = vec![
        (with_short(Resource::new("", "v1", "Namespace", "namespaces", false), &["ns"]), Arc::new(NamespaceStrategy)),
        (with_short(Resource::new("", "v1", "ConfigMap", "configmaps", true), &["cm"]), Arc::new(DefaultStrategy)),
    ];
    table.into_iter().map(|(resource, strategy)| registry::store(resource, strategy, storage.clone())).collect()
}
