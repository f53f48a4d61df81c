//! Namespaces (core/v1).

use apimachinery::registry::{Decoded, Strategy};
use apimachinery::resource::Resource;
use apimachinery::table::{self, Column};
use apimachinery::validation;
use serde_json::{Value, json};

/// Namespaces serve every verb but deletecollection, as upstream.
pub fn resource(mut namespaces: Resource) -> Resource {
    namespaces.verbs.retain(|v| v != "deletecollection");
    namespaces
}

/// The namespaces upstream refuses to delete.
pub const UNDELETABLE: [&str; 3] = ["default", "kube-system", "kube-public"];

/// Namespaces: DNS-label names, `spec.finalizers: [kubernetes]` and `status.phase: Active`
/// on create; spec (finalizers) and status kept on update, as upstream.
pub struct NamespaceStrategy;

impl Strategy for NamespaceStrategy {
    fn decode(&self, object: Value) -> Result<Decoded, String> {
        crate::builtin::typed::<k8s_openapi::api::core::v1::Namespace>(object)
    }

    fn name_rule(&self) -> fn(&str) -> Vec<String> {
        validation::dns1123_label
    }

    fn prepare_for_create(&self, object: &mut Value) {
        object["spec"] = json!({"finalizers": ["kubernetes"]});
        object["status"] = json!({"phase": "Active"});
    }

    fn prepare_for_update(&self, object: &mut Value, old: &Value) {
        for field in ["status", "spec"] {
            match old.get(field) {
                Some(kept) => object[field] = kept.clone(),
                None => {
                    if let Some(map) = object.as_object_mut() {
                        map.remove(field);
                    }
                }
            }
        }
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
