//! ConfigMaps (core/v1).

use apimachinery::field;
use apimachinery::registry::{Decoded, Strategy};
use apimachinery::table::{self, Column};
use serde_json::Value;

use crate::builtin::{data_count, validate_keys};

/// ConfigMaps: valid keys; the table shows how many keys they hold.
pub struct ConfigMapStrategy;

impl Strategy for ConfigMapStrategy {
    fn decode(&self, object: Value) -> Result<Decoded, String> {
        crate::builtin::typed::<k8s_openapi::api::core::v1::ConfigMap>(object)
    }

    fn validate(&self, object: &Value) -> field::ErrorList {
        let mut errors = validate_keys(object, "data");
        errors.extend(validate_keys(object, "binaryData"));
        errors
    }

    fn table_columns(&self) -> Vec<Column> {
        let data = Column { name: "Data", type_: "integer", format: "", description: "Data contains the configuration data.", priority: 0 };
        vec![table::NAME, data, table::AGE]
    }

    fn table_cells(&self, object: &Value) -> Vec<Value> {
        vec![table::name_cell(object), data_count(object, &["data", "binaryData"]), table::age_cell(object)]
    }
}
