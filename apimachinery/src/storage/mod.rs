//! The storage interface the generic registry stores objects through, modelled on upstream's
//! `storage.Interface`: objects are JSON values addressed by key, `metadata.resourceVersion`
//! is the store's revision, and every write is a compare-and-swap.
//!
//! [`etcd3`] implements it on a real etcd cluster; a watch cache will be the second
//! implementation, and both pass the same contract tests.

pub mod cacher;
pub mod continue_token;
pub mod converting;
pub mod etcd3;
pub mod versioner;

use std::pin::Pin;

use futures::Stream;
use serde_json::Value;

/// Errors from the storage layer, before the registry turns them into API `Status`es.
#[derive(Debug, thiserror::Error, Clone, PartialEq, Eq)]
pub enum Error {
    /// No object at the key.
    #[error("key not found: {0}")]
    NotFound(String),
    /// Create found an object already at the key.
    #[error("key exists: {0}")]
    KeyExists(String),
    /// A precondition (uid or resourceVersion) does not hold.
    #[error("precondition failed for {key}: {reason}")]
    Conflict {
        /// The key.
        key: String,
        /// Which precondition failed.
        reason: String,
    },
    /// The requested revision was compacted away.
    #[error("too old resource version: {requested} ({oldest})")]
    ResourceVersionTooOld {
        /// The revision asked for.
        requested: u64,
        /// The oldest revision still available.
        oldest: u64,
    },
    /// A read asked for a revision the cache has not reached in time.
    #[error("too large resource version: {requested}, current: {current}")]
    ResourceVersionTooLarge {
        /// The revision asked for.
        requested: u64,
        /// The newest revision the cache has.
        current: u64,
    },
    /// A stored or given object is not usable.
    #[error("invalid object: {0}")]
    InvalidObject(String),
    /// A continue token that cannot be decoded.
    #[error("invalid continue token: {0}")]
    InvalidContinue(String),
    /// No etcd endpoint answered.
    #[error("etcd unavailable: {0}")]
    Unavailable(String),
    /// Anything else from etcd.
    #[error("etcd request failed: {0}")]
    Internal(String),
}

/// A `Result` with the storage [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Conditions a write or delete must meet, checked against the stored object.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Preconditions {
    /// The stored object's `metadata.uid` must be this.
    pub uid: Option<String>,
    /// The stored object's `metadata.resourceVersion` must be this.
    pub resource_version: Option<u64>,
}

impl Preconditions {
    /// Checks the stored object; `key` names it in the error.
    pub fn check(&self, key: &str, stored: &Value) -> Result<()> {
        if let Some(uid) = &self.uid {
            let actual = stored.pointer("/metadata/uid").and_then(Value::as_str).unwrap_or_default();
            if actual != uid {
                let reason = format!("Precondition failed: UID in precondition: {uid}, UID in object meta: {actual}");
                return Err(Error::Conflict { key: key.to_owned(), reason });
            }
        }
        if let Some(rv) = self.resource_version {
            let actual = versioner::resource_version(stored)?.unwrap_or_default();
            if actual != rv {
                let reason = format!(
                    "Precondition failed: ResourceVersion in precondition: {rv}, ResourceVersion in object meta: {actual}"
                );
                return Err(Error::Conflict { key: key.to_owned(), reason });
            }
        }
        Ok(())
    }
}

/// Options of a list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ListOptions {
    /// Read at exactly this revision; `None` reads the latest (a quorum read).
    pub revision: Option<u64>,
    /// Any state at least this recent will do (`resourceVersion=0` or `NotOlderThan`), so a
    /// watch cache may answer from memory; ignored when `revision` is set.
    pub not_older_than: Option<u64>,
    /// At most this many items; 0 means all.
    pub limit: u64,
    /// A continue token from the previous page.
    pub continue_token: Option<String>,
}

/// One page of a list.
#[derive(Debug, Clone, PartialEq)]
pub struct ListPage {
    /// The objects, in key order, each with its resourceVersion.
    pub items: Vec<Value>,
    /// The revision the list was read at.
    pub revision: u64,
    /// The token for the next page, if there is one.
    pub continue_token: Option<String>,
    /// How many items remain after this page, when known.
    pub remaining: Option<u64>,
}

/// What happened to an object.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventType {
    /// Created.
    Added,
    /// Updated.
    Modified,
    /// Deleted; the object is its last state.
    Deleted,
    /// No change: the watch has seen everything up to `revision` (the object carries only
    /// that resourceVersion). Sent by the watch cache now and then so clients can resume
    /// from a recent version.
    Bookmark,
}

/// One change seen by a watch.
#[derive(Debug, Clone, PartialEq)]
pub struct WatchEvent {
    /// What happened.
    pub event_type: EventType,
    /// The object, with the revision of the change as its resourceVersion.
    pub object: Value,
    /// For `Modified`, the object before the change (selector-filtered watches need it to
    /// turn an object leaving the selection into `Deleted`).
    pub previous: Option<Value>,
    /// The revision of the change.
    pub revision: u64,
}

/// A stream of watch events; it ends with an error if the watch cannot go on.
pub type WatchStream = Pin<Box<dyn Stream<Item = Result<WatchEvent>> + Send>>;

/// What an update callback decides, given the stored object.
pub type TryUpdate<'a> = dyn FnMut(Value) -> Result<Value> + Send + 'a;

/// The storage interface.
#[async_trait::async_trait]
pub trait Storage: Send + Sync {
    /// Stores a new object at `key`; fails with [`Error::KeyExists`] if one is there, unless
    /// the stored one has this object's `metadata.uid` (this create's own earlier attempt,
    /// committed before its member failed).
    async fn create(&self, key: &str, object: Value) -> Result<Value>;

    /// Reads the object at `key`.
    async fn get(&self, key: &str) -> Result<Value>;

    /// Lists the objects under the `prefix` (which should end in `/`).
    async fn list(&self, prefix: &str, options: &ListOptions) -> Result<ListPage>;

    /// Reads, lets `try_update` compute the new object, and writes it only if nothing changed
    /// in between, retrying on races. An unchanged result is not written.
    async fn guaranteed_update(&self, key: &str, preconditions: &Preconditions, try_update: &mut TryUpdate<'_>) -> Result<Value>;

    /// Deletes the object at `key` if the preconditions hold and returns its last state.
    async fn delete(&self, key: &str, preconditions: &Preconditions) -> Result<Value>;

    /// Watches `key` (or everything under it if `recursive`) for changes after `revision`
    /// (0: from now).
    async fn watch(&self, key: &str, revision: u64, recursive: bool) -> Result<WatchStream>;

    /// The store's current revision, read with a quorum.
    async fn current_revision(&self) -> Result<u64>;

    /// How many objects are under the prefix.
    async fn count(&self, prefix: &str) -> Result<u64>;
}
