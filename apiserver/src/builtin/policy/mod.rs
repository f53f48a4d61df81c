//! policy: pod disruption budgets.

mod poddisruptionbudget;

use std::sync::Arc;

use apimachinery::resource::Resource;

use super::Entry;

/// The group's resources.
pub fn entries() -> Vec<Entry> {
    let pdb = Resource::new("policy", "v1", "PodDisruptionBudget", "poddisruptionbudgets", true).short_names(&["pdb"]).subresources(&["status"]);
    vec![(pdb, Arc::new(poddisruptionbudget::PodDisruptionBudgetStrategy))]
}
