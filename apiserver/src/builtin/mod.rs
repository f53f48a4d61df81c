//! The built-in resources: one module per API group, one strategy module per resource, and
//! one [`Entry`] each in its group's `entries()`.

mod certificates;
mod cohabiting;
mod coordination;
pub mod core;
mod discovery;
pub mod events;
mod networking;
pub mod object;
mod policy;
mod rbac;
mod scheduling;
pub mod selectors;
mod storage;

use std::sync::Arc;

use apimachinery::field::{self, Path};
use apimachinery::registry::{self, Store, Strategy};
use apimachinery::resource::Resource;
use apimachinery::storage::{Storage, cacher};
use serde_json::{Value, json};

/// Checks the keys of a `data`-like map as upstream's `IsConfigMapKey`.
pub fn validate_keys(object: &Value, field: &str) -> field::ErrorList {
    let path = Path::new(field);
    let keys = object.get(field).and_then(Value::as_object).map(|m| m.keys().cloned().collect::<Vec<_>>()).unwrap_or_default();
    let mut errors = field::ErrorList::new();
    for key in keys {
        let valid = !key.is_empty() && key.len() <= 253 && key.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
        if !valid || key == "." || key == ".." {
            let detail = "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
            errors.push(field::Error::invalid(&path, key.as_str(), detail));
        }
    }
    errors
}

pub use apimachinery::registry::decode::typed;

/// The number of keys in `data` plus `binaryData`, as upstream's DATA column.
pub fn data_count(object: &Value, fields: &[&str]) -> Value {
    json!(fields.iter().map(|f| object.get(*f).and_then(Value::as_object).map_or(0, serde_json::Map::len)).sum::<usize>())
}

/// A served resource and its strategy: a row of the built-in table.
pub type Entry = (Resource, Arc<dyn Strategy>);

/// Every built-in resource.
pub fn entries() -> Vec<Entry> {
    [
        core::entries(),
        coordination::entries(),
        discovery::entries(),
        events::entries(),
        policy::entries(),
        networking::entries(),
        rbac::entries(),
        certificates::entries(),
        scheduling::entries(),
        storage::entries(),
    ]
    .into_iter()
    .flatten()
    .collect()
}

/// How many recent events a resource's watch cache keeps unless `--watch-cache-sizes` says.
pub const DEFAULT_WATCH_CACHE_SIZE: usize = 1000;

/// How often idle watchers get a bookmark, as upstream's watch cache.
pub const BOOKMARK_INTERVAL: std::time::Duration = std::time::Duration::from_secs(60);

/// The stores of every built-in resource, over one storage; `cache_size` gives each
/// resource's watch cache size (0: watches go straight to etcd).
pub fn stores(storage: Arc<dyn Storage>, cache_size: &dyn Fn(&Resource) -> usize) -> Vec<Store> {
    entries()
        .into_iter()
        .map(|(resource, strategy)| {
            let storage = match cache_size(&resource) {
                0 => storage.clone(),
                capacity => {
                    let config = cacher::CacheConfig { capacity, bookmark_every: BOOKMARK_INTERVAL };
                    Arc::new(cacher::cacher(storage.clone(), &resource.list_prefix(""), config)) as Arc<dyn Storage>
                }
            };
            let storage = cohabiting::storage(&resource, storage);
            registry::store(resource, strategy, storage)
        })
        .collect()
}
