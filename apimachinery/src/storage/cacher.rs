//! The watch cache: one etcd watch per resource feeding an in-memory window of recent events
//! that every client watch is served from, as upstream's `Cacher`.
//!
//! Writes and consistent reads go to the inner storage; watches come from the window, and
//! lists that accept any recent state (`resourceVersion=0`, `NotOlderThan`) from the cache's
//! copy of every object. A watch from a revision inside the window resumes exactly; an older
//! one gets [`Error::ResourceVersionTooOld`], which the API turns into 410 Gone. Every
//! `bookmark_every` each watch gets a [`EventType::Bookmark`] with the revision the cache
//! has reached, so idle watchers can resume from a recent version.
//!
//! # Recovery
//! If the inner watch fails (etcd compacted past it, or no member answers), the cache ends
//! every client watch with the error, re-reads the prefix and starts a new window; clients
//! re-list and watch again, as they do upstream.

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures::StreamExt;
use serde_json::Value;
use tokio::sync::broadcast;

use super::{Error, EventType, ListOptions, ListPage, Preconditions, Result, Storage, TryUpdate, WatchEvent, WatchStream};

/// How long to wait before re-reading after the inner watch failed.
const RESTART_DELAY: Duration = Duration::from_millis(200);
/// How long a list may wait for the cache to reach the revision it asks for, as upstream.
const FRESHNESS_WAIT: Duration = Duration::from_secs(3);

/// An event in the window, with the key it happened to.
#[derive(Debug, Clone)]
struct KeyedEvent {
    key: String,
    event: WatchEvent,
}

/// What the feeding task shares with client watches and lists.
struct Window {
    /// Every object, by key, as of `current`.
    objects: BTreeMap<String, Value>,
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

/// How a cache is sized and paced.
#[derive(Debug, Clone, Copy)]
pub struct CacheConfig {
    /// How many recent events the window keeps.
    pub capacity: usize,
    /// How often watchers get a bookmark.
    pub bookmark_every: Duration,
}

/// Starts the cache of `prefix` (e.g. `/pods/`) over `inner`.
pub fn cacher(inner: Arc<dyn Storage>, prefix: &str, config: CacheConfig) -> Cacher {
    let window = Arc::new(Mutex::new(Window { objects: BTreeMap::new(), events: VecDeque::new(), oldest: 0, current: 0, ready: false }));
    let (live, _) = broadcast::channel(config.capacity.max(16));
    let cacher = Cacher { inner, prefix: prefix.to_owned(), window, live };
    tokio::spawn(feed(cacher.inner.clone(), cacher.prefix.clone(), cacher.window.clone(), cacher.live.clone(), config));
    cacher
}

fn lock(window: &Mutex<Window>) -> std::sync::MutexGuard<'_, Window> {
    window.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Keeps the window filled from the inner storage's watch, restarting after failures.
async fn feed(inner: Arc<dyn Storage>, prefix: String, window: Arc<Mutex<Window>>, live: broadcast::Sender<Result<KeyedEvent>>, config: CacheConfig) {
    loop {
        if let Err(error) = follow(&*inner, &prefix, &window, &live, config).await {
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

/// Reads every object, then applies the inner watch's events from that revision on until
/// it fails, sending a bookmark every `bookmark_every`.
async fn follow(inner: &dyn Storage, prefix: &str, window: &Mutex<Window>, live: &broadcast::Sender<Result<KeyedEvent>>, config: CacheConfig) -> Result<()> {
    let page = inner.list(prefix, &ListOptions::default()).await?;
    let start = page.revision;
    let mut events = inner.watch(prefix, start, true).await?;
    {
        let objects = page.items.into_iter().map(|object| (object_key(prefix, &object), object)).collect();
        let mut w = lock(window);
        *w = Window { objects, events: VecDeque::new(), oldest: start, current: start, ready: true };
    }
    let mut bookmarks = tokio::time::interval_at(tokio::time::Instant::now() + config.bookmark_every, config.bookmark_every);
    loop {
        let event = tokio::select! {
            event = events.next() => event,
            _ = bookmarks.tick() => {
                let current = lock(window).current;
                let bookmark = WatchEvent { event_type: EventType::Bookmark, object: bookmark_object(current), previous: None, revision: current };
                let _ = live.send(Ok(KeyedEvent { key: String::new(), event: bookmark }));
                continue;
            }
        };
        let Some(event) = event else { break };
        let event = event?;
        let key = object_key(prefix, &event.object);
        let keyed = KeyedEvent { key, event };
        let mut w = lock(window);
        w.current = keyed.event.revision;
        match keyed.event.event_type {
            EventType::Deleted => w.objects.remove(&keyed.key),
            _ => w.objects.insert(keyed.key.clone(), keyed.event.object.clone()),
        };
        w.events.push_back(keyed.clone());
        while w.events.len() > config.capacity {
            if let Some(dropped) = w.events.pop_front() {
                w.oldest = dropped.event.revision;
            }
        }
        let _ = live.send(Ok(keyed));
    }
    Err(Error::Unavailable("the inner watch ended".into()))
}

/// The object of a bookmark: only a resourceVersion.
fn bookmark_object(revision: u64) -> Value {
    serde_json::json!({"metadata": {"resourceVersion": revision.to_string()}})
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

    /// Lists from memory once the cache has reached `revision` (waiting a little for it).
    async fn list_cached(&self, prefix: &str, revision: u64) -> Result<ListPage> {
        self.ready().await?;
        let deadline = tokio::time::Instant::now() + FRESHNESS_WAIT;
        loop {
            {
                let w = lock(&self.window);
                if w.current >= revision {
                    let items = w.objects.range(prefix.to_owned()..).take_while(|(k, _)| k.starts_with(prefix)).map(|(_, v)| v.clone()).collect();
                    return Ok(ListPage { items, revision: w.current, continue_token: None, remaining: None });
                }
                if tokio::time::Instant::now() >= deadline {
                    return Err(Error::ResourceVersionTooLarge { requested: revision, current: w.current });
                }
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
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
        match options.not_older_than {
            // As upstream, a list the cache answers is one page, whatever the limit.
            Some(revision) if options.revision.is_none() && options.continue_token.is_none() && prefix.starts_with(&self.prefix) => {
                self.list_cached(prefix, revision).await
            }
            _ => self.inner.list(prefix, options).await,
        }
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
                Ok(Ok(keyed)) if keyed.event.event_type == EventType::Bookmark => Some(Ok(keyed.event)),
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
