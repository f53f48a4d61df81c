//! The watch cache: one etcd watch per resource feeding an in-memory window of recent events
//! that every client watch is served from, as upstream's `Cacher`.
//!
//! Writes and reads go to the inner storage (reads stay consistent); watches come from the
//! window. A watch from a revision inside the window resumes exactly; an older one gets
//! [`Error::ResourceVersionTooOld`], which the API turns into 410 Gone.
//!
//! # Recovery
//! If the inner watch fails (etcd compacted past it, or no member answers), the cache ends
//! every client watch with the error, re-reads the prefix and starts a new window; clients
//! re-list and watch again, as they do upstream.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures::StreamExt;
use serde_json::Value;
use tokio::sync::broadcast;

use super::{Error, ListOptions, ListPage, Preconditions, Result, Storage, TryUpdate, WatchEvent, WatchStream};

/// How long to wait before re-reading after the inner watch failed.
const RESTART_DELAY: Duration = Duration::from_millis(200);

/// An event in the window, with the key it happened to.
#[derive(Debug, Clone)]
struct KeyedEvent {
    key: String,
    event: WatchEvent,
}

/// What the feeding task shares with client watches.
struct Window {
    /// Recent events, oldest first.
    events: VecDeque<KeyedEvent>,
    /// Watches may start at or after this revision.
    oldest: u64,
    /// The revision the cache has seen up to.
    current: u64,
    /// Whether the initial list has been read.
    ready: bool,
}

/// A watch cache over the objects under one key prefix.
pub struct Cacher {
    inner: Arc<dyn Storage>,
    prefix: String,
    window: Arc<Mutex<Window>>,
    live: broadcast::Sender<Result<KeyedEvent>>,
}

/// Starts the cache of `prefix` (e.g. `/pods/`) over `inner`, keeping `capacity` events.
pub fn cacher(inner: Arc<dyn Storage>, prefix: &str, capacity: usize) -> Cacher {
    let window = Arc::new(Mutex::new(Window { events: VecDeque::new(), oldest: 0, current: 0, ready: false }));
    let (live, _) = broadcast::channel(capacity.max(16));
    let cacher = Cacher { inner, prefix: prefix.to_owned(), window, live };
    tokio::spawn(feed(cacher.inner.clone(), cacher.prefix.clone(), cacher.window.clone(), cacher.live.clone(), capacity));
    cacher
}

fn lock(window: &Mutex<Window>) -> std::sync::MutexGuard<'_, Window> {
    window.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Keeps the window filled from the inner storage's watch, restarting after failures.
async fn feed(inner: Arc<dyn Storage>, prefix: String, window: Arc<Mutex<Window>>, live: broadcast::Sender<Result<KeyedEvent>>, capacity: usize) {
    loop {
        if let Err(error) = follow(&*inner, &prefix, &window, &live, capacity).await {
            tracing::warn!(%prefix, %error, "watch cache restarting");
            // Until the new window is read, no watch may start from the stale one.
            {
                let mut w = lock(&window);
                w.ready = false;
                w.events.clear();
            }
            let _ = live.send(Err(error));
        }
        tokio::time::sleep(RESTART_DELAY).await;
    }
}

/// Reads the current revision, then applies the inner watch's events until it fails.
async fn follow(inner: &dyn Storage, prefix: &str, window: &Mutex<Window>, live: &broadcast::Sender<Result<KeyedEvent>>, capacity: usize) -> Result<()> {
    let start = inner.current_revision().await?;
    let mut events = inner.watch(prefix, start, true).await?;
    {
        let mut w = lock(window);
        *w = Window { events: VecDeque::new(), oldest: start, current: start, ready: true };
    }
    while let Some(event) = events.next().await {
        let event = event?;
        let key = object_key(prefix, &event.object);
        let keyed = KeyedEvent { key, event };
        let mut w = lock(window);
        w.current = keyed.event.revision;
        w.events.push_back(keyed.clone());
        while w.events.len() > capacity {
            if let Some(dropped) = w.events.pop_front() {
                w.oldest = dropped.event.revision;
            }
        }
        let _ = live.send(Ok(keyed));
    }
    Err(Error::Unavailable("the inner watch ended".into()))
}

/// The key of an object under `prefix`: `<prefix><namespace>/<name>` or `<prefix><name>`.
fn object_key(prefix: &str, object: &Value) -> String {
    let field = |f: &str| object.pointer(&format!("/metadata/{f}")).and_then(Value::as_str).unwrap_or_default();
    match field("namespace") {
        "" => format!("{prefix}{}", field("name")),
        namespace => format!("{prefix}{namespace}/{}", field("name")),
    }
}

impl Cacher {
    /// Waits until the first read has filled the window.
    async fn ready(&self) -> Result<()> {
        for _ in 0..200 {
            if lock(&self.window).ready {
                return Ok(());
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        Err(Error::Unavailable(format!("the watch cache of {} is not ready", self.prefix)))
    }
}

#[async_trait::async_trait]
impl Storage for Cacher {
    async fn create(&self, key: &str, object: Value) -> Result<Value> {
        self.inner.create(key, object).await
    }

    async fn get(&self, key: &str) -> Result<Value> {
        self.inner.get(key).await
    }

    async fn list(&self, prefix: &str, options: &ListOptions) -> Result<ListPage> {
        self.inner.list(prefix, options).await
    }

    async fn guaranteed_update(&self, key: &str, preconditions: &Preconditions, try_update: &mut TryUpdate<'_>) -> Result<Value> {
        self.inner.guaranteed_update(key, preconditions, try_update).await
    }

    async fn delete(&self, key: &str, preconditions: &Preconditions) -> Result<Value> {
        self.inner.delete(key, preconditions).await
    }

    async fn watch(&self, key: &str, revision: u64, recursive: bool) -> Result<WatchStream> {
        if !key.starts_with(&self.prefix) {
            return self.inner.watch(key, revision, recursive).await;
        }
        self.ready().await?;
        let live = self.live.subscribe();
        let (backlog, current) = {
            let w = lock(&self.window);
            let from = if revision == 0 { w.current } else { revision };
            if from < w.oldest {
                return Err(Error::ResourceVersionTooOld { requested: from, oldest: w.oldest });
            }
            let backlog: Vec<KeyedEvent> = w.events.iter().filter(|e| e.event.revision > from).cloned().collect();
            (backlog, w.current.max(from))
        };
        let wanted = {
            let key = key.to_owned();
            move |k: &KeyedEvent| if recursive { k.key.starts_with(&key) } else { k.key == key }
        };
        let replay: Vec<Result<WatchEvent>> = backlog.into_iter().filter(|k| wanted(k)).map(|k| Ok(k.event)).collect();
        let received = futures::stream::unfold(live, |mut live| async move {
            let next = live.recv().await;
            Some((next, live))
        });
        let follow = received.filter_map(move |received| {
            let item = match received {
                Ok(Ok(keyed)) if keyed.event.revision > current && wanted(&keyed) => Some(Ok(keyed.event)),
                Ok(Ok(_)) => None,
                Ok(Err(error)) => Some(Err(error)),
                Err(broadcast::error::RecvError::Lagged(missed)) => {
                    Some(Err(Error::ResourceVersionTooOld { requested: current, oldest: current + missed }))
                }
                Err(broadcast::error::RecvError::Closed) => Some(Err(Error::Unavailable("the watch cache stopped".into()))),
            };
            std::future::ready(item)
        });
        Ok(Box::pin(futures::stream::iter(replay).chain(follow)))
    }

    async fn current_revision(&self) -> Result<u64> {
        self.inner.current_revision().await
    }

    async fn count(&self, prefix: &str) -> Result<u64> {
        self.inner.count(prefix).await
    }
}
