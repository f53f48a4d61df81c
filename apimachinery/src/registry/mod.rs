//! The generic registry: one [`Store`] serves any resource over a [`Storage`], and a
//! per-resource [`Strategy`] supplies only what differs (defaulting, validation, what an
//! update may change), as upstream's `genericregistry.Store` and its strategies do.
//!
//! Objects travel as JSON values, so typed built-ins and schema-driven custom resources go
//! through the same path.

pub mod decode;
pub mod meta;
pub mod scale;

pub use decode::Decoded;

use std::sync::Arc;

use futures::StreamExt;
use serde_json::{Value, json};

use crate::field;
use crate::patch::{self, PatchType};
use crate::resource::Resource;
use crate::status::StatusError;
use crate::table;
use crate::storage::{self, ListOptions, Preconditions, Storage};
use crate::validation;

/// What differs between resources; every hook has a neutral default. The store calls the
/// hooks only with JSON objects whose kind, apiVersion and namespace it has already checked.
pub trait Strategy: Send + Sync {
    /// Decodes the body as the resource's type and back, so wrongly typed fields are refused
    /// (400) and unknown ones dropped and reported, as upstream's decoder does (see
    /// [`decode::typed`]). The default keeps the object as is.
    fn decode(&self, object: Value) -> Result<Decoded, String> {
        Ok(object.into())
    }

    /// The rule object names must follow (most resources: an RFC 1123 subdomain).
    fn name_rule(&self) -> fn(&str) -> Vec<String> {
        validation::dns1123_subdomain
    }

    /// Clears what a create may not set and applies defaults (e.g. wipes `status`).
    fn prepare_for_create(&self, _object: &mut Value) {}

    /// Validates a new object beyond its metadata.
    fn validate(&self, _object: &Value) -> field::ErrorList {
        Vec::new()
    }

    /// Keeps what an update may not change from `old` (e.g. `status` on the main resource).
    fn prepare_for_update(&self, _object: &mut Value, _old: &Value) {}

    /// Validates an update beyond its metadata (immutable fields).
    fn validate_update(&self, object: &Value, _old: &Value) -> field::ErrorList {
        self.validate(object)
    }

    /// The columns `kubectl get` prints; by default name and age.
    fn table_columns(&self) -> Vec<table::Column> {
        vec![table::NAME, table::AGE]
    }

    /// One row's cells, matching [`Strategy::table_columns`].
    fn table_cells(&self, object: &Value) -> Vec<Value> {
        vec![table::name_cell(object), table::age_cell(object)]
    }

    /// Fields a field selector may use beyond `metadata.name` and `metadata.namespace`: a
    /// dotted path (`spec.nodeName`), or `name=path|path` for a field read from the first
    /// of several paths that has a value (see [`crate::fields`]).
    fn selectable_fields(&self) -> Vec<&str> {
        Vec::new()
    }

    /// Whether `metadata.generation` counts changes of the desired state (all but metadata and
    /// status): 1 on create, one more on each update that changes it.
    fn tracks_generation(&self) -> bool {
        false
    }

    /// Where the `scale` subresource reads and writes, for resources that have one.
    fn scale(&self) -> Option<ScalePaths> {
        None
    }

    /// Whether a create keeps the `status` it is given even though the resource has a status
    /// subresource (nodes: the kubelet registers a node with its status).
    fn keeps_status_on_create(&self) -> bool {
        false
    }

    /// Validates a write through the `status` subresource beyond its metadata.
    fn validate_status_update(&self, _object: &Value, _old: &Value) -> field::ErrorList {
        Vec::new()
    }

    /// The grace period a delete gives `object`, from the client's `requested` one: 0 (the
    /// default) removes it at once; more marks it with `deletionTimestamp` and leaves it for
    /// its owner (the kubelet, for pods) to finish.
    fn grace_period(&self, _object: &Value, _requested: Option<i64>) -> i64 {
        0
    }
}

/// The annotation of the bookmark that ends a watch's initial events (`sendInitialEvents`).
pub const INITIAL_EVENTS_END: &str = "k8s.io/initial-events-end";

/// Where a resource keeps what its `scale` subresource (autoscaling/v1 `Scale`) shows, as
/// JSON pointers: built-ins `/spec/replicas`, `/status/replicas`; custom resources from their
/// CRD's `specReplicasPath` etc.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScalePaths {
    /// The desired replica count (`spec.replicas` of the Scale).
    pub spec_replicas: String,
    /// The observed replica count (`status.replicas`).
    pub status_replicas: String,
    /// The label selector as a string (`status.selector`), if the resource has one there, or
    /// the `matchLabels`/`matchExpressions` selector to print as one.
    pub label_selector: Option<String>,
}

/// How a write through the `scale` subresource says what it wants.
#[derive(Debug, Clone, Copy)]
pub enum ScaleChange<'a> {
    /// A whole `Scale` (PUT).
    Replace(&'a Value),
    /// A patch of the current `Scale` (PATCH).
    Patch(PatchType, &'a [u8]),
}

/// Which part of an object a write addresses.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Part {
    /// The object itself; its `status` is kept when the resource has a status subresource.
    #[default]
    Main,
    /// The `status` subresource: only `status` changes.
    Status,
}

/// How a delete request ended.
#[derive(Debug, Clone, PartialEq)]
pub enum Deleted {
    /// The object is gone; its last state.
    Now(Value),
    /// The object is marked for deletion (finalizers or a grace period pending); its new state.
    Pending(Value),
}

/// A delete's options (`DeleteOptions`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeleteOptions {
    /// Conditions the stored object must meet.
    pub preconditions: Preconditions,
    /// `gracePeriodSeconds`.
    pub grace_period: Option<i64>,
    /// `propagationPolicy`: `Orphan`, `Background` or `Foreground`.
    pub propagation: Option<String>,
    /// `dryRun=All`.
    pub dry_run: bool,
}

/// Options every write takes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// `dryRun=All`: run every check and return the result, but store nothing.
    pub dry_run: bool,
    /// `fieldValidation`: what unknown fields in the body lead to.
    pub field_validation: FieldValidation,
}

/// What unknown fields in a write's body lead to (`fieldValidation`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum FieldValidation {
    /// Dropped silently.
    Ignore,
    /// Dropped with a warning per field; upstream's default.
    #[default]
    Warn,
    /// The write fails (400).
    Strict,
}

impl FieldValidation {
    /// Parses the query parameter; empty means the default.
    pub fn parse(text: &str) -> Result<Self, StatusError> {
        match text {
            "Ignore" => Ok(Self::Ignore),
            "" | "Warn" => Ok(Self::Warn),
            "Strict" => Ok(Self::Strict),
            other => Err(StatusError::bad_request(format!(
                "fieldValidation parameter unsupported: {other:?}: must be one of \"Ignore\", \"Warn\" or \"Strict\""
            ))),
        }
    }
}

/// The strategy of resources with nothing special: metadata handling only.
#[derive(Debug, Default, Clone, Copy)]
pub struct DefaultStrategy;

impl Strategy for DefaultStrategy {}

/// A resource's store: CRUD over storage with the strategy's hooks in upstream's order.
/// Cloning is cheap: the parts are shared.
#[derive(Clone)]
pub struct Store {
    resource: Arc<Resource>,
    strategy: Arc<dyn Strategy>,
    storage: Arc<dyn Storage>,
}

/// Sets `object[field]` to `source[field]`, or removes it when `source` has none.
fn copy_field(object: &mut Value, source: &Value, field: &str) {
    let Some(map) = object.as_object_mut() else { return };
    match source.get(field) {
        Some(value) => map.insert(field.to_owned(), value.clone()),
        None => map.remove(field),
    };
}

/// Whether an update changed anything but `metadata` and `status`: what bumps `generation`.
fn desired_state_changed(object: &Value, old: &Value) -> bool {
    fn desired(object: &Value) -> Option<Vec<(&String, &Value)>> {
        object.as_object().map(|m| m.iter().filter(|(k, _)| !matches!(k.as_str(), "metadata" | "status")).collect())
    }
    desired(object) != desired(old)
}

/// Builds the store of `resource`.
pub fn store(resource: Resource, strategy: Arc<dyn Strategy>, storage: Arc<dyn Storage>) -> Store {
    Store { resource: Arc::new(resource), strategy, storage }
}

impl Store {
    /// The resource served.
    pub fn resource(&self) -> &Resource {
        &self.resource
    }

    /// The API error for a storage error about object `name`.
    pub fn to_status(&self, name: &str, error: storage::Error) -> StatusError {
        let resource = self.resource.group_resource();
        match error {
            storage::Error::NotFound(_) => StatusError::not_found(resource, name),
            storage::Error::KeyExists(_) => StatusError::already_exists(resource, name),
            storage::Error::Conflict { reason, .. } => StatusError::conflict(resource, name, &reason),
            storage::Error::ResourceVersionTooOld { requested, oldest } => {
                StatusError::expired(format!("too old resource version: {requested} ({oldest})"))
            }
            storage::Error::ResourceVersionTooLarge { requested, current } => StatusError::too_large_resource_version(requested, current),
            storage::Error::InvalidContinue(why) => StatusError::bad_request(format!("invalid continue token: {why}")),
            storage::Error::Unavailable(why) => StatusError::service_unavailable(why),
            storage::Error::InvalidObject(why) | storage::Error::Internal(why) => StatusError::internal(why),
        }
    }

    fn invalid(&self, name: &str, errors: &[field::Error]) -> StatusError {
        StatusError::invalid(&self.resource.group, &self.resource.kind, name, errors)
    }

    /// Checks that the body is this resource's kind and sits in the request's namespace.
    fn check_identity(&self, object: &mut Value, namespace: &str) -> Result<(), StatusError> {
        let kind = object.get("kind").and_then(Value::as_str).unwrap_or_default();
        let api_version = object.get("apiVersion").and_then(Value::as_str).unwrap_or_default();
        if (!kind.is_empty() && kind != self.resource.kind) || (!api_version.is_empty() && api_version != self.resource.api_version()) {
            return Err(StatusError::bad_request(format!(
                "the API version in the data ({api_version}) does not match the expected API version ({})",
                self.resource.api_version()
            )));
        }
        let expected = (self.resource.kind.clone(), self.resource.api_version());
        let metadata = meta::metadata_mut(object).ok_or_else(|| StatusError::bad_request("the object is not a JSON object"))?;
        let body_namespace = metadata.get("namespace").and_then(Value::as_str).unwrap_or_default().to_owned();
        if self.resource.namespaced {
            if !body_namespace.is_empty() && body_namespace != namespace {
                return Err(StatusError::bad_request(
                    "the namespace of the provided object does not match the namespace sent on the request",
                ));
            }
            metadata.insert("namespace".into(), Value::String(namespace.to_owned()));
        } else {
            // As upstream, a namespace on a cluster-scoped object is dropped, not an error.
            metadata.remove("namespace");
        }
        if let Some(map) = object.as_object_mut() {
            map.insert("kind".into(), Value::String(expected.0));
            map.insert("apiVersion".into(), Value::String(expected.1));
        }
        Ok(())
    }

    /// Runs the strategy's decoder; a failure, or an unknown field under `Strict`, is
    /// upstream's 400 "cannot be handled as"; under `Warn` each unknown field is a warning.
    fn decode(&self, object: &mut Value, validation: FieldValidation) -> Result<(), StatusError> {
        let kind = &self.resource.kind;
        let cannot_handle = |why: String| StatusError::bad_request(format!("{kind} in version {:?} cannot be handled as a {kind}: {why}", self.resource.version));
        let decoded = self.strategy.decode(std::mem::take(object)).map_err(cannot_handle)?;
        let unknown = decoded.unknown_fields.iter().map(|field| format!("unknown field {field:?}"));
        match validation {
            FieldValidation::Strict if !decoded.unknown_fields.is_empty() => {
                return Err(cannot_handle(format!("strict decoding error: {}", unknown.collect::<Vec<_>>().join(", "))));
            }
            FieldValidation::Warn => unknown.for_each(crate::warning::add),
            _ => {}
        }
        *object = decoded.object;
        Ok(())
    }

    /// Whether the resource has a `status` subresource, so the main resource ignores `status`.
    fn has_status(&self) -> bool {
        self.resource.subresources.iter().any(|s| s == "status")
    }

    /// Upstream's `BeforeCreate`, in its order: identity, decoding, system fields, strategy
    /// prepare, metadata and strategy validation.
    fn before_create(&self, object: &mut Value, namespace: &str, validation: FieldValidation) -> Result<(), StatusError> {
        self.check_identity(object, namespace)?;
        self.decode(object, validation)?;
        let tracks_generation = self.strategy.tracks_generation();
        if let Some(metadata) = meta::metadata_mut(object) {
            meta::fill_on_create(metadata);
            if tracks_generation {
                metadata.insert("generation".into(), json!(1));
            }
        }
        if self.has_status()
            && !self.strategy.keeps_status_on_create()
            && let Some(map) = object.as_object_mut()
        {
            map.remove("status");
        }
        self.strategy.prepare_for_create(object);
        let mut errors = meta::validate(object, self.resource.namespaced, self.strategy.name_rule());
        errors.extend(self.strategy.validate(object));
        if errors.is_empty() { Ok(()) } else { Err(self.invalid(meta::get(object, "name"), &errors)) }
    }

    /// Upstream's `BeforeUpdate`: identity, kept system fields, what `part` may not change
    /// taken from `old`, strategy prepare, generation, validation.
    fn before_update(&self, object: &mut Value, old: &Value, namespace: &str, part: Part, validation: FieldValidation) -> Result<(), StatusError> {
        self.check_identity(object, namespace)?;
        self.decode(object, validation)?;
        if let Some(metadata) = meta::metadata_mut(object) {
            meta::keep_on_update(metadata, old);
        }
        match part {
            Part::Main => {
                if self.has_status() {
                    copy_field(object, old, "status");
                }
                self.strategy.prepare_for_update(object, old);
                if self.strategy.tracks_generation() && desired_state_changed(object, old) {
                    let next = old.pointer("/metadata/generation").and_then(Value::as_i64).unwrap_or(0) + 1;
                    if let Some(metadata) = meta::metadata_mut(object) {
                        metadata.insert("generation".into(), json!(next));
                    }
                }
            }
            Part::Status => {}
        }
        let mut errors = meta::validate(object, self.resource.namespaced, self.strategy.name_rule());
        errors.extend(meta::validate_update(object, old));
        errors.extend(match part {
            Part::Main => self.strategy.validate_update(object, old),
            Part::Status => self.strategy.validate_status_update(object, old),
        });
        if errors.is_empty() { Ok(()) } else { Err(self.invalid(meta::get(object, "name"), &errors)) }
    }

    /// Creates an object in `namespace` (ignored for cluster-scoped resources).
    pub async fn create(&self, namespace: &str, mut object: Value, options: WriteOptions) -> Result<Value, StatusError> {
        self.before_create(&mut object, namespace, options.field_validation)?;
        let name = meta::get(&object, "name").to_owned();
        if let Some(metadata) = meta::metadata_mut(&mut object) {
            metadata.remove("resourceVersion");
        }
        let key = self.resource.key(namespace, &name);
        if options.dry_run {
            return match self.storage.get(&key).await {
                Ok(_) => Err(StatusError::already_exists(self.resource.group_resource(), &name)),
                Err(storage::Error::NotFound(_)) => Ok(object),
                Err(e) => Err(self.to_status(&name, e)),
            };
        }
        self.storage.create(&key, object).await.map_err(|e| self.to_status(&name, e))
    }

    /// Reads one object.
    pub async fn get(&self, namespace: &str, name: &str) -> Result<Value, StatusError> {
        self.storage.get(&self.resource.key(namespace, name)).await.map_err(|e| self.to_status(name, e))
    }

    /// Lists objects in `namespace`, or in all namespaces when it is empty, as a `<Kind>List`.
    pub async fn list(&self, namespace: &str, options: &ListOptions) -> Result<Value, StatusError> {
        let prefix = self.resource.list_prefix(namespace);
        let page = self.storage.list(&prefix, options).await.map_err(|e| self.to_status("", e))?;
        let mut metadata = json!({"resourceVersion": page.revision.to_string()});
        if let Some(token) = &page.continue_token {
            metadata["continue"] = json!(token);
        }
        if let Some(remaining) = page.remaining {
            metadata["remainingItemCount"] = json!(remaining);
        }
        Ok(json!({
            "kind": format!("{}List", self.resource.kind),
            "apiVersion": self.resource.api_version(),
            "metadata": metadata,
            "items": page.items,
        }))
    }

    /// Where the scale subresource reads and writes; 404 for resources without one.
    fn scale_paths(&self) -> Result<ScalePaths, StatusError> {
        self.strategy.scale().ok_or_else(StatusError::not_found_path)
    }

    /// The `Scale` of an object.
    pub async fn get_scale(&self, namespace: &str, name: &str) -> Result<Value, StatusError> {
        let paths = self.scale_paths()?;
        Ok(scale::to_scale(&self.get(namespace, name).await?, &paths))
    }

    /// Writes through the `scale` subresource: only the desired replicas change, through the
    /// main resource's update path (so `generation` and validation apply). A
    /// `resourceVersion` in the `Scale` is a precondition. Returns the new `Scale`.
    pub async fn update_scale(&self, namespace: &str, name: &str, change: ScaleChange<'_>, options: WriteOptions) -> Result<Value, StatusError> {
        let paths = self.scale_paths()?;
        let updated = self
            .update_with(namespace, name, Part::Main, options, &mut |old| {
                let current = scale::to_scale(old, &paths);
                let wanted = match change {
                    ScaleChange::Replace(body) => body.clone(),
                    ScaleChange::Patch(patch_type, body) => patch::apply(patch_type, &current, body)?,
                };
                if !meta::get(&wanted, "name").is_empty() && meta::get(&wanted, "name") != name {
                    return Err(StatusError::bad_request(format!(
                        "the name of the object ({}) does not match the name on the URL ({name})",
                        meta::get(&wanted, "name")
                    )));
                }
                let replicas = scale::desired_replicas(&wanted).map_err(|errors| StatusError::invalid("autoscaling", "Scale", name, &errors))?;
                let mut object = old.clone();
                scale::set_replicas(&mut object, &paths.spec_replicas, replicas);
                if let Some(metadata) = meta::metadata_mut(&mut object) {
                    match wanted.pointer("/metadata/resourceVersion").filter(|rv| rv.as_str().is_some_and(|s| !s.is_empty())) {
                        Some(rv) => metadata.insert("resourceVersion".into(), rv.clone()),
                        None => metadata.remove("resourceVersion"),
                    };
                }
                Ok(object)
            })
            .await?;
        Ok(scale::to_scale(&updated, &paths))
    }

    /// Changes an object with `change` straight through storage, retried on races, skipping
    /// the strategy: for subresources such as `pods/binding` that make their own checks and
    /// change what the main resource may not.
    pub async fn update_directly(
        &self,
        namespace: &str,
        name: &str,
        change: &mut (dyn FnMut(Value) -> Result<Value, StatusError> + Send),
    ) -> Result<Value, StatusError> {
        let key = self.resource.key(namespace, name);
        let mut failure = None;
        let result = self
            .storage
            .guaranteed_update(&key, &Preconditions::default(), &mut |current| {
                change(current).map_err(|status| {
                    let error = storage::Error::Conflict { key: key.clone(), reason: status.message.clone() };
                    failure = Some(status);
                    error
                })
            })
            .await;
        match (result, failure) {
            (Ok(updated), _) => Ok(updated),
            (Err(_), Some(status)) => Err(status),
            (Err(e), None) => Err(self.to_status(name, e)),
        }
    }

    /// Fields a field selector may use on this resource.
    pub fn selectable_fields(&self) -> Vec<&str> {
        self.strategy.selectable_fields()
    }

    /// Replaces an object, or its status when `part` is [`Part::Status`]. A
    /// `metadata.resourceVersion` in the body must match the stored one (409 Conflict
    /// otherwise); without one the update is unconditional.
    pub async fn update(&self, namespace: &str, name: &str, part: Part, object: Value, options: WriteOptions) -> Result<Value, StatusError> {
        let body_name = meta::get(&object, "name");
        if body_name != name {
            return Err(StatusError::bad_request(format!(
                "the name of the object ({body_name}) does not match the name on the URL ({name})"
            )));
        }
        self.update_with(namespace, name, part, options, &mut |_| Ok(object.clone())).await
    }

    /// Applies a PATCH body to the stored object, then updates as [`Store::update`] does.
    pub async fn patch(
        &self,
        namespace: &str,
        name: &str,
        part: Part,
        patch_type: PatchType,
        body: &[u8],
        options: WriteOptions,
    ) -> Result<Value, StatusError> {
        self.update_with(namespace, name, part, options, &mut |old| {
            let patched = patch::apply(patch_type, old, body)?;
            if meta::get(&patched, "name") != name {
                return Err(StatusError::bad_request("metadata.name cannot be changed by a patch"));
            }
            Ok(patched)
        })
        .await
    }

    /// The object an update leads to from `old`: `compute`'s result, whose resourceVersion,
    /// if any, must be the stored one's, narrowed to `part`, through the update hooks.
    fn next_state(
        &self,
        namespace: &str,
        name: &str,
        part: Part,
        validation: FieldValidation,
        old: &Value,
        compute: &mut (dyn FnMut(&Value) -> Result<Value, StatusError> + Send),
    ) -> Result<Value, StatusError> {
        let mut updated = compute(old)?;
        let expected = storage::versioner::resource_version(&updated).map_err(|e| StatusError::bad_request(e.to_string()))?;
        if expected.is_some_and(|rv| Some(rv) != storage::versioner::resource_version(old).ok().flatten()) {
            return Err(StatusError::conflict(self.resource.group_resource(), name, StatusError::MODIFIED));
        }
        if part == Part::Status {
            let mut status_only = old.clone();
            copy_field(&mut status_only, &updated, "status");
            updated = status_only;
        }
        self.before_update(&mut updated, old, namespace, part, validation)?;
        Ok(updated)
    }

    /// The read-modify-write loop of update and patch, retried on races; a dry run reads
    /// once and writes nothing. An update that leaves a deleted object without finalizers
    /// and grace period removes it.
    async fn update_with(
        &self,
        namespace: &str,
        name: &str,
        part: Part,
        options: WriteOptions,
        compute: &mut (dyn FnMut(&Value) -> Result<Value, StatusError> + Send),
    ) -> Result<Value, StatusError> {
        let key = self.resource.key(namespace, name);
        if options.dry_run {
            let old = self.storage.get(&key).await.map_err(|e| self.to_status(name, e))?;
            return self.next_state(namespace, name, part, options.field_validation, &old, compute);
        }
        let updated = self
            .update_directly(namespace, name, &mut |old| self.next_state(namespace, name, part, options.field_validation, &old, compute))
            .await?;
        if !meta::deletion_finished(&updated) {
            return Ok(updated);
        }
        let preconditions = Preconditions { resource_version: storage::versioner::resource_version(&updated).ok().flatten(), uid: None };
        match self.storage.delete(&key, &preconditions).await {
            Ok(deleted) => Ok(deleted),
            // Changed or deleted meanwhile: whoever did it decides what happens next.
            Err(storage::Error::Conflict { .. } | storage::Error::NotFound(_)) => Ok(updated),
            Err(e) => Err(self.to_status(name, e)),
        }
    }

    /// Renders objects as a `Table` (`api_version` is `meta.k8s.io/v1` or `/v1beta1`), with
    /// the list's metadata (`resourceVersion`, `continue`).
    pub fn table(&self, api_version: &str, objects: &[Value], list_metadata: Value) -> Value {
        let strategy = self.strategy.clone();
        table::table(api_version, &strategy.table_columns(), objects, &|o| strategy.table_cells(o), list_metadata)
    }

    /// Watches objects in `namespace` (all when empty). Without a `resource_version` (or with
    /// 0), or with `send_initial_events`, the current objects come first as `Added` events —
    /// then, for `send_initial_events`, a bookmark annotated `k8s.io/initial-events-end` —
    /// and the changes after them; otherwise the changes after `resource_version`.
    pub async fn watch(&self, namespace: &str, resource_version: Option<u64>, send_initial_events: bool) -> Result<storage::WatchStream, StatusError> {
        let prefix = self.resource.list_prefix(namespace);
        let to_status = |e| self.to_status("", e);
        let from = resource_version.filter(|rv| *rv > 0);
        let (initial, from) = match (from, send_initial_events) {
            (Some(rv), false) => (Vec::new(), rv),
            (not_older_than, _) => {
                // Without a version the state is a consistent read, as upstream.
                let options = ListOptions { not_older_than, ..ListOptions::default() };
                let page = self.storage.list(&prefix, &options).await.map_err(to_status)?;
                let mut events: Vec<_> = page
                    .items
                    .into_iter()
                    .map(|object| {
                        let revision = storage::versioner::resource_version(&object).ok().flatten().unwrap_or(page.revision);
                        Ok(storage::WatchEvent { event_type: storage::EventType::Added, object, previous: None, revision })
                    })
                    .collect();
                if send_initial_events {
                    let end = json!({"metadata": {"resourceVersion": page.revision.to_string(), "annotations": {INITIAL_EVENTS_END: "true"}}});
                    events.push(Ok(storage::WatchEvent { event_type: storage::EventType::Bookmark, object: end, previous: None, revision: page.revision }));
                }
                (events, page.revision)
            }
        };
        let changes = self.storage.watch(&prefix, from, true).await.map_err(to_status)?;
        Ok(Box::pin(futures::stream::iter(initial).chain(changes)))
    }

    /// Deletes an object if the preconditions hold. An object with finalizers (its own, or
    /// the one `propagationPolicy` asks for) or a grace period is only marked with
    /// `deletionTimestamp`; the last finalizer's removal or a delete with no grace left ends it.
    pub async fn delete(&self, namespace: &str, name: &str, options: &DeleteOptions) -> Result<Deleted, StatusError> {
        let key = self.resource.key(namespace, name);
        // A few rounds: the object may change between the read and the conditional write.
        for _ in 0..8 {
            let current = self.storage.get(&key).await.map_err(|e| self.to_status(name, e))?;
            options.preconditions.check(&key, &current).map_err(|e| self.to_status(name, e))?;
            let grace = self.strategy.grace_period(&current, options.grace_period).max(0);
            let finalizers = meta::finalizers_after_delete(&current, options.propagation.as_deref());
            if grace == 0 && finalizers.is_empty() {
                if options.dry_run {
                    return Ok(Deleted::Now(current));
                }
                let rv = storage::versioner::resource_version(&current).ok().flatten();
                match self.storage.delete(&key, &Preconditions { resource_version: rv, uid: None }).await {
                    Ok(last) => return Ok(Deleted::Now(last)),
                    Err(storage::Error::Conflict { .. }) => continue,
                    Err(e) => return Err(self.to_status(name, e)),
                }
            }
            let mut marked = current.clone();
            if let Some(metadata) = meta::metadata_mut(&mut marked) {
                meta::mark_deleted(metadata, grace, finalizers);
            }
            if marked == current || options.dry_run {
                return Ok(Deleted::Pending(marked));
            }
            let rv = storage::versioner::resource_version(&current).ok().flatten();
            let expected = Preconditions { resource_version: rv, uid: None };
            match self.storage.guaranteed_update(&key, &expected, &mut |_| Ok(marked.clone())).await {
                Ok(updated) => return Ok(Deleted::Pending(updated)),
                Err(storage::Error::Conflict { .. }) => continue,
                Err(e) => return Err(self.to_status(name, e)),
            }
        }
        Err(StatusError::conflict(self.resource.group_resource(), name, StatusError::MODIFIED))
    }
}
