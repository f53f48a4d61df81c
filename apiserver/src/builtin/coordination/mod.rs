//! coordination.k8s.io: leases.

mod lease;

use std::sync::Arc;

use apimachinery::resource::Resource;

use super::Entry;

/// The group's resources.
pub fn entries() -> Vec<Entry> {
    vec![(Resource::new("coordination.k8s.io", "v1", "Lease", "leases", true), Arc::new(lease::LeaseStrategy))]
}
