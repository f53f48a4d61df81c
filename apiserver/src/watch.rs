//! Watch responses: a chunked stream of newline-delimited `{"type": ..., "object": ...}`
//! events, as Tables when the client asked for them, ending after `timeoutSeconds` or with an
//! `ERROR` event carrying a `Status` (410 `Expired` for a compacted resourceVersion).

use std::convert::Infallible;
use std::time::Duration;

use apimachinery::fields::FieldSelector;
use apimachinery::registry::Store;
use apimachinery::status::StatusError;
use apimachinery::storage::{self, EventType, WatchEvent};
use bytes::Bytes;
use futures::StreamExt;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use serde_json::{Value, json};

use crate::handler::Body;

/// How long a watch lasts when the client sets no `timeoutSeconds` (`--min-request-timeout`).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(1800);

/// What a watch request asked for.
pub struct Params {
    /// Start after this resourceVersion; `None` starts with the current objects.
    pub resource_version: Option<u64>,
    /// When to end the stream.
    pub timeout: Duration,
    /// Which objects to send.
    pub selector: FieldSelector,
    /// The Table version to render objects as, if any.
    pub table: Option<&'static str>,
}

fn type_name(event_type: EventType) -> &'static str {
    match event_type {
        EventType::Added => "ADDED",
        EventType::Modified => "MODIFIED",
        EventType::Deleted => "DELETED",
    }
}

fn line(event_type: &str, object: &Value) -> Bytes {
    let mut bytes = serde_json::to_vec(&json!({"type": event_type, "object": object})).unwrap_or_default();
    bytes.push(b'\n');
    Bytes::from(bytes)
}

fn encode(store: &Store, params: &Params, event: Result<WatchEvent, storage::Error>) -> Option<Bytes> {
    match event {
        Ok(event) if params.selector.matches(&event.object) => {
            let object = match params.table {
                Some(version) => store.table(version, std::slice::from_ref(&event.object), json!({"resourceVersion": event.revision.to_string()})),
                None => event.object,
            };
            Some(line(type_name(event.event_type), &object))
        }
        Ok(_) => None,
        Err(error) => {
            let status = match error {
                storage::Error::ResourceVersionTooOld { requested, oldest } => {
                    StatusError::expired(format!("too old resource version: {requested} ({oldest})"))
                }
                other => StatusError::internal(other),
            };
            Some(line("ERROR", &serde_json::to_value(status.to_status()).unwrap_or_default()))
        }
    }
}

/// Opens the watch and returns the streaming body.
pub async fn body(store: &Store, namespace: &str, params: Params) -> Result<Body, StatusError> {
    let events = store.watch(namespace, params.resource_version).await?;
    let store = store.clone();
    let deadline = tokio::time::sleep(params.timeout);
    let mut failed = false;
    let stream = events
        .take_until(deadline)
        .take_while(move |event| {
            let go_on = !failed;
            failed |= event.is_err();
            std::future::ready(go_on)
        })
        .filter_map(move |event| std::future::ready(encode(&store, &params, event)))
        .map(|chunk| Ok::<_, Infallible>(Frame::data(chunk)));
    Ok(StreamBody::new(stream).boxed_unsync())
}
