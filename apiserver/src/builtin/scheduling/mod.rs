//! scheduling.k8s.io: priority classes.

mod priorityclass;

use std::sync::Arc;

use apimachinery::resource::Resource;

use super::Entry;

/// The group's resources.
pub fn entries() -> Vec<Entry> {
    let classes = Resource::new("scheduling.k8s.io", "v1", "PriorityClass", "priorityclasses", false).short_names(&["pc"]);
    vec![(classes, Arc::new(priorityclass::PriorityClassStrategy))]
}
