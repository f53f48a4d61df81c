//! Turning an etcd watch into [`WatchEvent`]s.

use etcd_client::{EventType as EtcdEventType, KeyValue, WatchResponse, WatchStream as EtcdWatchStream};
use futures::StreamExt;

use super::decode;
use crate::storage::{Error, EventType, Result, WatchEvent, WatchStream};

/// Wraps an etcd watch response stream; it ends with an error on compaction or failure.
pub fn events(stream: EtcdWatchStream, requested: u64) -> WatchStream {
    let responses = futures::stream::unfold(Some(stream), move |state| async move {
        let mut stream = state?;
        match stream.message().await {
            Ok(Some(response)) => {
                let done = response.canceled();
                let batch = batch(&response, requested);
                Some((batch, if done { None } else { Some(stream) }))
            }
            Ok(None) => None,
            Err(e) => Some((vec![Err(Error::Unavailable(format!("watch failed: {e}")))], None)),
        }
    });
    Box::pin(responses.flat_map(futures::stream::iter))
}

fn batch(response: &WatchResponse, requested: u64) -> Vec<Result<WatchEvent>> {
    if response.canceled() {
        let oldest = u64::try_from(response.compact_revision()).unwrap_or(0);
        let error = if oldest > 0 {
            Error::ResourceVersionTooOld { requested, oldest }
        } else {
            Error::Unavailable(format!("watch canceled by etcd: {}", response.cancel_reason()))
        };
        return vec![Err(error)];
    }
    response.events().iter().filter_map(|event| convert(event.event_type(), event.kv(), event.prev_kv())).collect()
}

fn convert(kind: EtcdEventType, kv: Option<&KeyValue>, prev: Option<&KeyValue>) -> Option<Result<WatchEvent>> {
    let kv = kv?;
    let revision = u64::try_from(kv.mod_revision()).ok()?;
    let (event_type, source) = match kind {
        EtcdEventType::Put if kv.create_revision() == kv.mod_revision() => (EventType::Added, kv),
        EtcdEventType::Put => (EventType::Modified, kv),
        EtcdEventType::Delete => (EventType::Deleted, prev?),
    };
    let previous = match (event_type, prev) {
        (EventType::Modified, Some(prev)) => match decode(prev.value(), u64::try_from(prev.mod_revision()).unwrap_or(0)) {
            Ok(previous) => Some(previous),
            Err(e) => return Some(Err(e)),
        },
        _ => None,
    };
    Some(decode(source.value(), revision).map(|object| WatchEvent { event_type, object, previous, revision }))
}
