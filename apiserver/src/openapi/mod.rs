//! The OpenAPI documents, generated at run time from the served resources: `/openapi/v2`
//! (Swagger 2.0, as JSON or gnostic protobuf) and `/openapi/v3` (a root plus one OpenAPI 3.0
//! document per group-version).
//!
//! Schemas come from a [`SchemaSource`]: [`Builtin`] maps each built-in (group, version,
//! kind) to its k8s-openapi type; a resource no source knows is left out of the documents.
//! The built documents are cached in a [`Cache`] and rebuilt only when the served resource
//! list changes.

mod definitions;
mod operations;
mod protobuf;
mod routes;
mod schema;
mod v2;
mod v3;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use apimachinery::registry::Store;
use apimachinery::resource::Resource;
use bytes::Bytes;

pub use routes::serve;
pub use schema::{BUILTIN_KINDS, Builtin, KindSchemas, SchemaSource, define, define_list, reference};

/// One encoded document and its entity tag (upstream's: the SHA-512 of the bytes, in
/// uppercase hex).
#[derive(Debug, Clone)]
pub struct Encoded {
    /// The bytes served.
    pub bytes: Bytes,
    /// The entity tag, unquoted.
    pub etag: String,
}

impl Encoded {
    fn new(bytes: Vec<u8>) -> Self {
        let digest = aws_lc_rs::digest::digest(&aws_lc_rs::digest::SHA512, &bytes);
        let etag = digest.as_ref().iter().map(|b| format!("{b:02X}")).collect();
        Self { bytes: Bytes::from(bytes), etag }
    }

    fn json(value: &serde_json::Value) -> Self {
        Self::new(serde_json::to_vec(value).unwrap_or_default())
    }
}

/// Every document for one set of served resources.
#[derive(Debug, Clone)]
pub struct Documents {
    /// `/openapi/v2` as JSON.
    pub v2_json: Encoded,
    /// `/openapi/v2` as gnostic's `openapi.v2.Document` protobuf.
    pub v2_protobuf: Encoded,
    /// `/openapi/v3`.
    pub v3_root: Encoded,
    /// `/openapi/v3/<key>`, by key (`api/v1`, `apis/apps/v1`).
    pub v3: BTreeMap<String, Encoded>,
}

impl Documents {
    /// Builds the documents of `resources`, taking schemas from `source`.
    pub fn build(resources: &[&Resource], source: &dyn SchemaSource) -> Self {
        let mut by_group_version: BTreeMap<String, Vec<&Resource>> = BTreeMap::new();
        for resource in resources {
            by_group_version.entry(v3::group_version_key(&resource.group, &resource.version)).or_default().push(resource);
        }
        let v3: BTreeMap<String, Encoded> =
            by_group_version.into_iter().map(|(key, members)| (key, Encoded::json(&v3::document(&members, source)))).collect();
        let hashes = v3.iter().map(|(key, document)| (key.clone(), document.etag.clone())).collect();
        let v2 = v2::document(resources, source);
        Self { v2_json: Encoded::json(&v2), v2_protobuf: Encoded::new(protobuf::document(&v2)), v3_root: Encoded::json(&v3::root(&hashes)), v3 }
    }
}

/// The documents of the last resource list asked for.
pub struct Cache {
    source: Arc<dyn SchemaSource>,
    built: Mutex<Option<(Vec<Resource>, Arc<Documents>)>>,
}

impl Default for Cache {
    /// A cache over the built-in schemas.
    fn default() -> Self {
        Self::new(Arc::new(Builtin))
    }
}

impl Cache {
    /// A cache building documents with schemas from `source`.
    pub fn new(source: Arc<dyn SchemaSource>) -> Self {
        Self { source, built: Mutex::new(None) }
    }

    /// The documents of the resources `stores` serve; building them takes a second or so
    /// (debug builds), during which the calling tokio worker hands its other tasks over.
    pub fn documents_for(&self, stores: &[Store]) -> Arc<Documents> {
        let resources: Vec<&Resource> = stores.iter().map(Store::resource).collect();
        match tokio::runtime::Handle::try_current() {
            Ok(runtime) if runtime.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
                tokio::task::block_in_place(|| self.documents(&resources))
            }
            _ => self.documents(&resources),
        }
    }

    /// The documents of `resources`: the cached ones if the list is unchanged, else new ones.
    pub fn documents(&self, resources: &[&Resource]) -> Arc<Documents> {
        let mut built = self.built.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((key, documents)) = built.as_ref()
            && key.iter().eq(resources.iter().copied())
        {
            return documents.clone();
        }
        let documents = Arc::new(Documents::build(resources, self.source.as_ref()));
        *built = Some((resources.iter().map(|r| (*r).clone()).collect(), documents.clone()));
        documents
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn documents_are_rebuilt_only_when_the_resources_change() {
        let cache = Cache::default();
        let configmaps = Resource::new("", "v1", "ConfigMap", "configmaps", true);
        let leases = Resource::new("coordination.k8s.io", "v1", "Lease", "leases", true);
        let first = cache.documents(&[&configmaps]);
        assert!(Arc::ptr_eq(&first, &cache.documents(&[&configmaps])));
        let second = cache.documents(&[&configmaps, &leases]);
        assert!(!Arc::ptr_eq(&first, &second));
        assert_eq!(second.v3.keys().collect::<Vec<_>>(), ["api/v1", "apis/coordination.k8s.io/v1"]);
        assert_eq!(first.v3["api/v1"].etag, second.v3["api/v1"].etag, "a group-version's document depends on its resources only");
        assert_eq!(first.v3["api/v1"].etag.len(), 128);
    }
}
