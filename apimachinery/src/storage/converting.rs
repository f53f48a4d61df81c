//! Storage for a resource kept in another version's encoding, as upstream stores
//! "cohabiting" resources: events.k8s.io/v1 events live under the same keys as core/v1
//! events, encoded as core/v1, and each view converts on the way in and out.
//!
//! Every object crossing this layer is converted: written objects (and the result of an
//! update's callback) to the stored version, read objects, list items and watch events to
//! the served one. Keys, revisions and preconditions pass through untouched, so both views
//! share resourceVersions and conflicts.

use std::sync::Arc;

use futures::StreamExt;
use serde_json::Value;

use super::{ListOptions, ListPage, Preconditions, Result, Storage, TryUpdate, WatchEvent, WatchStream};

/// How one resource converts between the version it is served in and the one it is stored in.
pub trait Conversion: Send + Sync {
    /// Encodes a served object in the stored version.
    fn encode(&self, object: Value) -> Value;

    /// Decodes a stored object into the served version.
    fn decode(&self, object: Value) -> Value;
}

/// A [`Storage`] that converts every object between the served and the stored version.
pub struct Converting {
    inner: Arc<dyn Storage>,
    conversion: Arc<dyn Conversion>,
}

/// Serves `inner`'s objects through `conversion`.
pub fn converting(inner: Arc<dyn Storage>, conversion: Arc<dyn Conversion>) -> Converting {
    Converting { inner, conversion }
}

impl Converting {
    fn served(&self, object: Value) -> Value {
        self.conversion.decode(object)
    }
}

/// A watch event in the served version.
fn served_event(conversion: &dyn Conversion, event: WatchEvent) -> WatchEvent {
    WatchEvent { object: conversion.decode(event.object), previous: event.previous.map(|p| conversion.decode(p)), ..event }
}

#[async_trait::async_trait]
impl Storage for Converting {
    async fn create(&self, key: &str, object: Value) -> Result<Value> {
        self.inner.create(key, self.conversion.encode(object)).await.map(|o| self.served(o))
    }

    async fn get(&self, key: &str) -> Result<Value> {
        self.inner.get(key).await.map(|o| self.served(o))
    }

    async fn list(&self, prefix: &str, options: &ListOptions) -> Result<ListPage> {
        let page = self.inner.list(prefix, options).await?;
        Ok(ListPage { items: page.items.into_iter().map(|o| self.served(o)).collect(), ..page })
    }

    async fn guaranteed_update(&self, key: &str, preconditions: &Preconditions, try_update: &mut TryUpdate<'_>) -> Result<Value> {
        let conversion = self.conversion.clone();
        let mut converted = |stored: Value| try_update(conversion.decode(stored)).map(|next| conversion.encode(next));
        self.inner.guaranteed_update(key, preconditions, &mut converted).await.map(|o| self.served(o))
    }

    async fn delete(&self, key: &str, preconditions: &Preconditions) -> Result<Value> {
        self.inner.delete(key, preconditions).await.map(|o| self.served(o))
    }

    async fn watch(&self, key: &str, revision: u64, recursive: bool) -> Result<WatchStream> {
        let conversion = self.conversion.clone();
        let events = self.inner.watch(key, revision, recursive).await?;
        Ok(Box::pin(events.map(move |event| event.map(|e| served_event(&*conversion, e)))))
    }

    async fn current_revision(&self) -> Result<u64> {
        self.inner.current_revision().await
    }

    async fn count(&self, prefix: &str) -> Result<u64> {
        self.inner.count(prefix).await
    }
}
