//! Resources kept in another resource's encoding, as upstream's storage factory
//! "cohabiting resources": their store converts on the way to and from the shared keys.

use std::sync::Arc;

use apimachinery::resource::Resource;
use apimachinery::storage::Storage;
use apimachinery::storage::converting::{self, Conversion};

use super::events::conversion::EventConversion;

/// The conversion of `resource` to the version its keys hold, if it is stored as another.
fn conversion(resource: &Resource) -> Option<Arc<dyn Conversion>> {
    match (resource.group.as_str(), resource.plural.as_str()) {
        ("events.k8s.io", "events") => Some(Arc::new(EventConversion)),
        _ => None,
    }
}

/// `storage` as `resource` sees it: converting for cohabiting resources, as is otherwise.
pub fn storage(resource: &Resource, storage: Arc<dyn Storage>) -> Arc<dyn Storage> {
    match conversion(resource) {
        Some(conversion) => Arc::new(converting::converting(storage, conversion)),
        None => storage,
    }
}
