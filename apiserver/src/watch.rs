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

fn line(event_type: &str, object: &Value) -> Bytes {
    let mut bytes = serde_json::to_vec(&json!({"type": event_type, "object": object})).unwrap_or_default();
    bytes.push(b'\n');
    Bytes::from(bytes)
}

/// What a selector-filtered watcher sees of an event, as upstream's cacheWatcher decides:
/// an object entering the selection is `ADDED`, one leaving it is `DELETED` (its previous
/// state at the event's revision), one outside it before and after is nothing.
fn filtered(selector: &Selector, event: WatchEvent) -> Option<(&'static str, Value)> {
    let now = selector.matches(&event.object);
    let before = event.previous.as_ref().is_some_and(|p| selector.matches(p));
    match (event.event_type, now, before) {
        (EventType::Added, true, _) => Some(("ADDED", event.object)),
        (EventType::Modified, true, true) => Some(("MODIFIED", event.object)),
        (EventType::Modified, true, false) if event.previous.is_some() => Some(("ADDED", event.object)),
        (EventType::Modified, true, false) => Some(("MODIFIED", event.object)),
        (EventType::Modified, false, true) => {
            let mut gone = event.previous?;
            storage::versioner::set_resource_version(&mut gone, event.revision).ok()?;
            Some(("DELETED", gone))
        }
        (EventType::Deleted, true, _) => Some(("DELETED", event.object)),
        (EventType::Bookmark, _, _) => Some(("BOOKMARK", event.object)),
        _ => None,
    }
}

fn encode(store: &Store, selector: &Selector, table: Option<&str>, bookmarks: bool, event: Result<WatchEvent, storage::Error>) -> Option<Bytes> {
    match event {
        Ok(event) if event.event_type == EventType::Bookmark => {
            if !bookmarks {
                return None;
            }
            // Only a resourceVersion (and annotations), under the resource's own kind.
            let mut object = event.object;
            object["kind"] = json!(store.resource().kind);
            object["apiVersion"] = json!(store.resource().api_version());
            Some(line("BOOKMARK", &object))
        }
        Ok(event) => {
            let revision = event.revision;
            let (kind, object) = filtered(selector, event)?;
            let object = match table {
                Some(version) => store.table(version, std::slice::from_ref(&object), json!({"resourceVersion": revision.to_string()})),
                None => object,
            };
            Some(line(kind, &object))
        }
        Err(error) => Some(line("ERROR", &serde_json::to_value(store.to_status("", error).to_status()).unwrap_or_default())),
    }
}

/// Opens the watch (from `query.resource_version`, else the current objects first) and
/// returns the streaming body; objects are Tables of version `table` if given.
pub async fn body(store: &Store, namespace: &str, query: Query, table: Option<&'static str>) -> Result<Body, StatusError> {
    if query.send_initial_events && !query.allow_bookmarks {
        return Err(StatusError::unprocessable("allowWatchBookmarks: Forbidden: sendInitialEvents requires setting allowWatchBookmarks to true"));
    }
    let events = match store.watch(namespace, query.resource_version, query.send_initial_events).await {
        Ok(events) => events,
        Err(status) if status.code == 410 => {
            // As upstream: the stream opens and says at once that the version is too old.
            let line = line("ERROR", &serde_json::to_value(status.to_status()).unwrap_or_default());
            return Ok(StreamBody::new(futures::stream::iter([Ok::<_, Infallible>(Frame::data(line))])).boxed_unsync());
        }
        Err(status) => return Err(status),
    };
    let store = store.clone();
    let (selector, bookmarks) = (query.selector, query.allow_bookmarks);
    let deadline = tokio::time::sleep(query.timeout);
    let mut failed = false;
    let stream = events
        .take_until(deadline)
        .take_while(move |event| {
            let go_on = !failed;
            failed |= event.is_err();
            std::future::ready(go_on)
        })
        .filter_map(move |event| std::future::ready(encode(&store, &selector, table, bookmarks, event)))
        .map(|chunk| Ok::<_, Infallible>(Frame::data(chunk)));
    Ok(StreamBody::new(stream).boxed_unsync())
}

#[cfg(test)]
mod tests {
    use super::*;
    use apimachinery::labels::LabelSelector;

    fn labelled(tier: &str, rv: u64) -> Value {
        json!({"metadata": {"name": "x", "labels": {"tier": tier}, "resourceVersion": rv.to_string()}})
    }

    #[test]
    fn objects_entering_and_leaving_the_selection() -> Result<(), StatusError> {
        let selector = Selector { labels: LabelSelector::parse("tier=web")?, ..Selector::default() };
        let modified = |from: &str, to: &str| WatchEvent {
            event_type: EventType::Modified,
            object: labelled(to, 9),
            previous: Some(labelled(from, 5)),
            revision: 9,
        };
        assert_eq!(filtered(&selector, modified("web", "web")).map(|e| e.0), Some("MODIFIED"));
        assert_eq!(filtered(&selector, modified("db", "web")).map(|e| e.0), Some("ADDED"));
        let left = filtered(&selector, modified("web", "db"));
        assert_eq!(left.as_ref().map(|e| e.0), Some("DELETED"));
        assert_eq!(left.map(|e| e.1["metadata"]["resourceVersion"].clone()), Some(json!("9")), "the previous state at the event's revision");
        assert_eq!(filtered(&selector, modified("db", "db")), None);
        Ok(())
    }
}
