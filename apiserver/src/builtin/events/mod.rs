//! events.k8s.io: the newer API of events.
//!
//! Upstream serves one set of objects through both groups: events.k8s.io/v1 events are
//! stored under the same `/events` keys as core/v1 events, encoded as core/v1 ("cohabiting"
//! resources), and converted field by field when read or written through this group. Here
//! the same holds: this group's store reads and writes core/v1 objects through a
//! [`conversion::EventConversion`] (see `builtin::cohabiting`), so an event created through
//! either group is listed, watched and updated through both, with one resourceVersion.

pub mod conversion;
mod event;

use std::sync::Arc;

use apimachinery::resource::Resource;

use super::Entry;

/// The group's resources.
pub fn entries() -> Vec<Entry> {
    vec![(Resource::new("events.k8s.io", "v1", "Event", "events", true).short_names(&["ev"]), Arc::new(event::EventsV1Strategy))]
}
