//! Secrets (core/v1).

use apimachinery::field::{self, Path};
use apimachinery::registry::{Decoded, Strategy};
use apimachinery::table::{self, Column};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use crate::builtin::{data_count, validate_keys};

/// Secrets: `type` defaults to `Opaque` and is immutable; keys are checked, and decoding
/// refuses values that are not base64.
pub struct SecretStrategy;

impl Strategy for SecretStrategy {
    fn decode(&self, object: Value) -> Result<Decoded, String> {
        crate::builtin::typed::<k8s_openapi::api::core::v1::Secret>(object)
    }

    fn prepare_for_create(&self, object: &mut Value) {
        if object.get("type").and_then(Value::as_str).is_none_or(str::is_empty) {
            object["type"] = json!("Opaque");
        }
        if let Some(string_data) = object.as_object_mut().and_then(|o| o.remove("stringData")) {
            merge_string_data(object, &string_data);
        }
    }

    fn prepare_for_update(&self, object: &mut Value, _old: &Value) {
        if object.get("type").and_then(Value::as_str).is_none_or(str::is_empty) {
            object["type"] = json!("Opaque");
        }
        if let Some(string_data) = object.as_object_mut().and_then(|o| o.remove("stringData")) {
            merge_string_data(object, &string_data);
        }
    }

    fn validate(&self, object: &Value) -> field::ErrorList {
        validate_keys(object, "data")
    }

    fn validate_update(&self, object: &Value, old: &Value) -> field::ErrorList {
        let mut errors = self.validate(object);
        if object.get("type") != old.get("type") {
            errors.push(field::Error::invalid(&Path::new("type"), object.get("type").cloned().unwrap_or_default(), "field is immutable"));
        }
        errors
    }

    fn selectable_fields(&self) -> Vec<&str> {
        vec!["type"]
    }

    fn table_columns(&self) -> Vec<Column> {
        let kind = Column { name: "Type", type_: "string", format: "", description: "Used to facilitate programmatic handling of secret data.", priority: 0 };
        let data = Column { name: "Data", type_: "string", format: "", description: "Data contains the secret data.", priority: 0 };
        vec![table::NAME, kind, data, table::AGE]
    }

    fn table_cells(&self, object: &Value) -> Vec<Value> {
        let kind = object.get("type").cloned().unwrap_or_default();
        vec![table::name_cell(object), kind, data_count(object, &["data"]), table::age_cell(object)]
    }
}

/// Moves write-only `stringData` into `data` as base64, as upstream does on write.
/// A `data` that is not a map is left for validation to reject.
fn merge_string_data(object: &mut Value, string_data: &Value) {
    let Some(entries) = string_data.as_object() else { return };
    let Some(secret) = object.as_object_mut() else { return };
    let data = secret.entry("data").or_insert_with(|| json!({}));
    if data.is_null() {
        *data = json!({});
    }
    let Some(data) = data.as_object_mut() else { return };
    for (key, value) in entries {
        data.insert(key.clone(), json!(STANDARD.encode(value.as_str().unwrap_or_default())));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_data_is_refused_by_decoding_not_a_crash() {
        assert!(SecretStrategy.decode(json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": "not a map"})).is_err());
        assert!(SecretStrategy.decode(json!({"apiVersion": "v1", "kind": "Secret", "metadata": {"name": "s"}, "data": {"k": "%%%"}})).is_err());
        let mut fine = json!({"metadata": {"name": "s"}, "data": null, "stringData": {"a": "b"}});
        SecretStrategy.prepare_for_create(&mut fine);
        assert_eq!(fine["data"]["a"], "Yg==");
        assert!(SecretStrategy.validate(&fine).is_empty());
    }
}
