//! storage.k8s.io: storage classes.

mod storageclass;

use std::sync::Arc;

use apimachinery::resource::Resource;

use super::Entry;

/// The group's resources.
pub fn entries() -> Vec<Entry> {
    let classes = Resource::new("storage.k8s.io", "v1", "StorageClass", "storageclasses", false).short_names(&["sc"]);
    vec![(classes, Arc::new(storageclass::StorageClassStrategy))]
}
