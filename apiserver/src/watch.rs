//! Watch responses: a chunked stream of newline-delimited `{"type": ..., "object": ...}`
//! events, as Tables when the client asked for them, ending after `timeoutSeconds` or with an
//! `ERROR` event carrying a `Status` (410 `Expired` for a compacted resourceVersion).

use std::convert::Infallible;

use apimachinery::registry::Store;
use apimachinery::status::StatusError;
use apimachinery::storage::{self, EventType, WatchEvent};
use bytes::Bytes;
use futures::StreamExt;
use http_body_util::{BodyExt, StreamBody};
use hyper::body::Frame;
use serde_json::{Value, json};

use crate::handler::Body;
use crate::query::{Query, Selector};

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

fn encode(store: &Store, selector: &Selector, table: Option<&str>, event: Result<WatchEvent, storage::Error>) -> Option<Bytes> {
    match event {
        Ok(event) if selector.matches(&event.object) => {
            let object = match table {
                Some(version) => store.table(version, std::slice::from_ref(&event.object), json!({"resourceVersion": event.revision.to_string()})),
                None => event.object,
            };
            Some(line(type_name(event.event_type), &object))
        }
        Ok(_) => None,
        Err(error) => Some(line("ERROR", &serde_json::to_value(store.to_status("", error).to_status()).unwrap_or_default())),
    }
}

/// Opens the watch (from `query.resource_version`, else the current objects first) and
/// returns the streaming body; objects are Tables of version `table` if given.
pub async fn body(store: &Store, namespace: &str, query: Query, table: Option<&'static str>) -> Result<Body, StatusError> {
    let events = match store.watch(namespace, query.resource_version).await {
        Ok(events) => events,
        Err(status) if status.code == 410 => {
            // As upstream: the stream opens and says at once that the version is too old.
            let line = line("ERROR", &serde_json::to_value(status.to_status()).unwrap_or_default());
            return Ok(StreamBody::new(futures::stream::iter([Ok::<_, Infallible>(Frame::data(line))])).boxed_unsync());
        }
        Err(status) => return Err(status),
    };
    let store = store.clone();
    let selector = query.selector;
    let deadline = tokio::time::sleep(query.timeout);
    let mut failed = false;
    let stream = events
        .take_until(deadline)
        .take_while(move |event| {
            let go_on = !failed;
            failed |= event.is_err();
            std::future::ready(go_on)
        })
        .filter_map(move |event| std::future::ready(encode(&store, &selector, table, event)))
        .map(|chunk| Ok::<_, Infallible>(Frame::data(chunk)));
    Ok(StreamBody::new(stream).boxed_unsync())
}
