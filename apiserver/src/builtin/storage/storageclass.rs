//! StorageClasses (storage.k8s.io/v1).

use apimachinery::field::{self, Path};
use apimachinery::registry::{Decoded, Strategy};
use apimachinery::table::{self, Column};
use apimachinery::validation;
use serde_json::{Value, json};

use crate::builtin::object::{self, invalid_each, text};

/// The annotations that mark the default class (GA, then beta).
const DEFAULT_ANNOTATIONS: [&str; 2] = ["storageclass.kubernetes.io/is-default-class", "storageclass.beta.kubernetes.io/is-default-class"];
const RECLAIM_POLICIES: [&str; 2] = ["Delete", "Retain"];
const BINDING_MODES: [&str; 2] = ["Immediate", "WaitForFirstConsumer"];
/// Upstream's limits on provisioner parameters: entries, and bytes of keys and values.
const MAX_PARAMETERS: usize = 512;
const MAX_PARAMETER_BYTES: usize = 256 * 1024;

/// StorageClasses: reclaim policy `Delete` and binding mode `Immediate` by default; a
/// qualified provisioner; provisioner, parameters, reclaim policy and binding mode fixed
/// once set.
pub struct StorageClassStrategy;

impl Strategy for StorageClassStrategy {
    fn decode(&self, object: Value) -> Result<Decoded, String> {
        crate::builtin::typed::<k8s_openapi::api::storage::v1::StorageClass>(object)
    }

    fn prepare_for_create(&self, object: &mut Value) {
        set_defaults(object);
    }

    fn prepare_for_update(&self, object: &mut Value, _old: &Value) {
        set_defaults(object);
    }

    fn validate(&self, object: &Value) -> field::ErrorList {
        let provisioner = text(object, "/provisioner");
        let mut errors = Vec::new();
        if provisioner.is_empty() {
            errors.push(field::Error::required(&Path::new("provisioner"), ""));
        } else {
            errors.extend(invalid_each(&Path::new("provisioner"), provisioner, validation::qualified_name(&provisioner.to_lowercase())));
        }
        errors.extend(validate_parameters(object));
        errors.extend(object::optional_one_of(object, "/reclaimPolicy", "reclaimPolicy", &RECLAIM_POLICIES));
        errors.extend(object::one_of(object, "/volumeBindingMode", "volumeBindingMode", &BINDING_MODES));
        errors
    }

    fn validate_update(&self, object: &Value, old: &Value) -> field::ErrorList {
        let mut errors = Vec::new();
        for (field, message) in [("parameters", "updates to parameters are forbidden."), ("provisioner", "updates to provisioner are forbidden."), ("reclaimPolicy", "updates to reclaimPolicy are forbidden.")] {
            let (now, before) = (object.get(field).filter(|v| !v.is_null()), old.get(field).filter(|v| !v.is_null()));
            if now != before {
                errors.push(field::Error::forbidden(&Path::new(field), message));
            }
        }
        errors.extend(object::immutable(object, old, "/volumeBindingMode", "volumeBindingMode"));
        errors
    }

    fn table_columns(&self) -> Vec<Column> {
        vec![
            table::NAME,
            Column::new("Provisioner", "string", "provisioner indicates the type of the provisioner."),
            Column::new("ReclaimPolicy", "string", "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class."),
            Column::new("VolumeBindingMode", "string", "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound."),
            Column::new("AllowVolumeExpansion", "string", "allowVolumeExpansion shows whether the storage class allow volume expand."),
            table::AGE,
        ]
    }

    fn table_cells(&self, object: &Value) -> Vec<Value> {
        let annotations = object.pointer("/metadata/annotations");
        let default = DEFAULT_ANNOTATIONS.iter().any(|a| annotations.and_then(|m| m.get(*a)).and_then(Value::as_str) == Some("true"));
        let name = format!("{}{}", text(object, "/metadata/name"), if default { " (default)" } else { "" });
        let or = |field: &str, fallback: &str| match text(object, field) {
            "" => fallback.to_owned(),
            value => value.to_owned(),
        };
        vec![
            json!(name),
            json!(text(object, "/provisioner")),
            json!(or("/reclaimPolicy", "Delete")),
            json!(or("/volumeBindingMode", "Immediate")),
            json!(object.get("allowVolumeExpansion").and_then(Value::as_bool).unwrap_or(false)),
            table::age_cell(object),
        ]
    }
}

/// Upstream's `SetDefaults_StorageClass`.
fn set_defaults(class: &mut Value) {
    object::default_to(class, "/reclaimPolicy", json!("Delete"));
    object::default_to(class, "/volumeBindingMode", json!("Immediate"));
}

/// At most 512 parameters of 256 KiB in all, no empty keys.
fn validate_parameters(class: &Value) -> field::ErrorList {
    let path = Path::new("parameters");
    let parameters = class.get("parameters").and_then(Value::as_object);
    let Some(parameters) = parameters else { return Vec::new() };
    if parameters.len() > MAX_PARAMETERS {
        return vec![field::Error::too_long(&path, MAX_PARAMETERS)];
    }
    let mut errors = Vec::new();
    if parameters.keys().any(String::is_empty) {
        errors.push(field::Error::invalid(&path, "", "field can not be empty."));
    }
    let size: usize = parameters.iter().map(|(k, v)| k.len() + v.as_str().map_or(0, str::len)).sum();
    if size > MAX_PARAMETER_BYTES {
        errors.push(field::Error::too_long(&path, MAX_PARAMETER_BYTES));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class() -> Value {
        json!({"metadata": {"name": "fast", "annotations": {"storageclass.kubernetes.io/is-default-class": "true"}}, "provisioner": "csi.example.com", "parameters": {"type": "ssd"}})
    }

    #[test]
    fn defaults_table_and_immutable_fields() {
        let mut fast = class();
        StorageClassStrategy.prepare_for_create(&mut fast);
        assert_eq!((&fast["reclaimPolicy"], &fast["volumeBindingMode"]), (&json!("Delete"), &json!("Immediate")));
        assert!(StorageClassStrategy.validate(&fast).is_empty());
        let cells = StorageClassStrategy.table_cells(&fast);
        assert_eq!(cells[..5], [json!("fast (default)"), json!("csi.example.com"), json!("Delete"), json!("Immediate"), json!(false)]);
        let mut changed = fast.clone();
        changed["parameters"]["type"] = json!("hdd");
        changed["provisioner"] = json!("other.example.com");
        let errors: Vec<String> = StorageClassStrategy.validate_update(&changed, &fast).iter().map(ToString::to_string).collect();
        assert_eq!(errors, ["parameters: Forbidden: updates to parameters are forbidden.", "provisioner: Forbidden: updates to provisioner are forbidden."]);
        let errors: Vec<String> = StorageClassStrategy.validate(&json!({"volumeBindingMode": "Later"})).iter().map(ToString::to_string).collect();
        assert_eq!(errors, ["provisioner: Required value", r#"volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer""#]);
    }
}
