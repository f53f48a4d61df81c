//! Leases (coordination.k8s.io/v1), the locks of leader election and node heartbeats.

use apimachinery::registry::{Decoded, Strategy};
use apimachinery::table::{self, Column};
use serde_json::{Value, json};

/// Leases: the table shows the holder.
pub struct LeaseStrategy;

impl Strategy for LeaseStrategy {
    fn decode(&self, object: Value) -> Result<Decoded, String> {
        crate::builtin::typed::<k8s_openapi::api::coordination::v1::Lease>(object)
    }

    fn table_columns(&self) -> Vec<Column> {
        let holder = Column { name: "Holder", type_: "string", format: "", description: "holderIdentity contains the identity of the holder of a current lease.", priority: 0 };
        vec![table::NAME, holder, table::AGE]
    }

    fn table_cells(&self, object: &Value) -> Vec<Value> {
        let holder = object.pointer("/spec/holderIdentity").cloned().unwrap_or(json!(""));
        vec![table::name_cell(object), holder, table::age_cell(object)]
    }
}
