//! ServiceAccounts (core/v1).

use apimachinery::registry::{Decoded, Strategy};
use apimachinery::table::{self, Column};
use serde_json::{Value, json};

/// ServiceAccounts: the table counts their secrets.
pub struct ServiceAccountStrategy;

impl Strategy for ServiceAccountStrategy {
    fn decode(&self, object: Value) -> Result<Decoded, String> {
        crate::builtin::typed::<k8s_openapi::api::core::v1::ServiceAccount>(object)
    }

    fn table_columns(&self) -> Vec<Column> {
        let secrets = Column { name: "Secrets", type_: "string", format: "", description: "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.", priority: 0 };
        vec![table::NAME, secrets, table::AGE]
    }

    fn table_cells(&self, object: &Value) -> Vec<Value> {
        let secrets = object.get("secrets").and_then(Value::as_array).map_or(0, Vec::len);
        vec![table::name_cell(object), json!(secrets), table::age_cell(object)]
    }
}
