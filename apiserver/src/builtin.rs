//! The built-in resources served so far: one table row each, with their strategies.

use std::sync::Arc;

use apimachinery::registry::{self, Store, Strategy};
use apimachinery::resource::Resource;
use apimachinery::storage::Storage;
use apimachinery::table::{self, Column};
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

    fn table_columns(&self) -> Vec<Column> {
        let status = Column { name: "Status", type_: "string", format: "", description: "The status of the namespace", priority: 0 };
        vec![table::NAME, status, table::AGE]
    }

    fn table_cells(&self, object: &Value) -> Vec<Value> {
        let phase = object.pointer("/status/phase").cloned().unwrap_or(Value::String(String::new()));
        vec![table::name_cell(object), phase, table::age_cell(object)]
    }
}

/// ConfigMaps: upstream's table shows how many keys they hold.
struct ConfigMapStrategy;

impl Strategy for ConfigMapStrategy {
    fn table_columns(&self) -> Vec<Column> {
        let data = Column { name: "Data", type_: "integer", format: "", description: "Data contains the configuration data.", priority: 0 };
        vec![table::NAME, data, table::AGE]
    }

    fn table_cells(&self, object: &Value) -> Vec<Value> {
        let count = |field: &str| object.get(field).and_then(Value::as_object).map_or(0, serde_json::Map::len);
        vec![table::name_cell(object), json!(count("data") + count("binaryData")), table::age_cell(object)]
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
        (with_short(Resource::new("", "v1", "ConfigMap", "configmaps", true), &["cm"]), Arc::new(ConfigMapStrategy)),
    ];
    table.into_iter().map(|(resource, strategy)| registry::store(resource, strategy, storage.clone())).collect()
}
