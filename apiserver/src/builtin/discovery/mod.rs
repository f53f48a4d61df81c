//! discovery.k8s.io: endpoint slices.

mod endpointslice;

use std::sync::Arc;

use apimachinery::resource::Resource;

use super::Entry;

/// The group's resources.
pub fn entries() -> Vec<Entry> {
    vec![(Resource::new("discovery.k8s.io", "v1", "EndpointSlice", "endpointslices", true), Arc::new(endpointslice::EndpointSliceStrategy))]
}
