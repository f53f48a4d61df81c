//! [`Storage`] on etcd v3: keys `<prefix><key>`, JSON values, `resourceVersion` = the key's
//! `mod_revision`, create = txn on `create_revision == 0`, update and delete = txn on the
//! `mod_revision` that was read.

mod endpoints;
mod watch;

use std::time::Duration;

use etcd_client::{Compare, CompareOp, GetOptions, Txn, TxnOp, WatchOptions};
use serde_json::Value;

pub use endpoints::TlsFiles;

use super::{Error, ListOptions, ListPage, Preconditions, Result, Storage, TryUpdate, WatchStream, continue_token, versioner};

/// How to reach etcd.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Config {
    /// Client URLs of the members (`--etcd-servers`).
    pub endpoints: Vec<String>,
    /// Client certificate files, for `https` endpoints.
    pub tls: Option<TlsFiles>,
    /// The key prefix (`--etcd-prefix`, default `/registry`).
    pub prefix: String,
    /// Per-request timeout.
    pub request_timeout: Duration,
}

impl Config {
    /// A configuration with upstream's prefix and a 10s request timeout.
    pub fn new(endpoints: Vec<String>, tls: Option<TlsFiles>) -> Self {
        Self { endpoints, tls, prefix: "/registry".into(), request_timeout: Duration::from_secs(10) }
    }
}

/// The etcd v3 storage.
pub struct Etcd3Storage {
    endpoints: endpoints::Endpoints,
    prefix: String,
}

/// Builds the etcd v3 storage for `config`.
pub async fn storage(config: &Config) -> Result<Etcd3Storage> {
    let endpoints = endpoints::Endpoints::connect(&config.endpoints, config.tls.as_ref(), config.request_timeout).await?;
    Ok(Etcd3Storage { endpoints, prefix: config.prefix.trim_end_matches('/').to_owned() })
}

/// Decodes a stored value and stamps it with `revision`.
fn decode(bytes: &[u8], revision: u64) -> Result<Value> {
    let mut object: Value =
        serde_json::from_slice(bytes).map_err(|e| Error::InvalidObject(format!("stored value is not JSON: {e}")))?;
    versioner::set_resource_version(&mut object, revision)?;
    Ok(object)
}

/// Encodes an object for storage, without its resourceVersion.
fn encode(object: &Value) -> Result<Vec<u8>> {
    let mut object = object.clone();
    versioner::clear_resource_version(&mut object)?;
    serde_json::to_vec(&object).map_err(|e| Error::InvalidObject(e.to_string()))
}

fn revision_of(header: Option<&etcd_client::ResponseHeader>) -> u64 {
    header.and_then(|h| u64::try_from(h.revision()).ok()).unwrap_or(0)
}

/// The first key after every key that starts with `prefix`.
fn range_end(prefix: &[u8]) -> Vec<u8> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < 0xff {
            end.push(last + 1);
            return end;
        }
    }
    vec![0]
}

impl Etcd3Storage {
    fn full_key(&self, key: &str) -> String {
        format!("{}{key}", self.prefix)
    }

    /// Reads the raw stored object and its `mod_revision`.
    async fn read(&self, key: &str) -> Result<Option<(Value, i64)>> {
        let full = self.full_key(key);
        let mut response = self.endpoints.call(|mut c| { let full = full.clone(); async move { c.get(full, None).await } }).await?;
        let Some(kv) = response.take_kvs().into_iter().next() else { return Ok(None) };
        let object = decode(kv.value(), u64::try_from(kv.mod_revision()).unwrap_or(0))?;
        Ok(Some((object, kv.mod_revision())))
    }

    /// Runs a txn guarded by `key`'s `mod_revision`; `Ok(None)` if the key changed meanwhile.
    async fn write_if_unchanged(&self, key: &str, mod_revision: i64, op: TxnOp) -> Result<Option<u64>> {
        let full = self.full_key(key);
        let txn = Txn::new().when([Compare::mod_revision(full, CompareOp::Equal, mod_revision)]).and_then([op]);
        let response = self.endpoints.call(|mut c| { let txn = txn.clone(); async move { c.txn(txn).await } }).await?;
        Ok(response.succeeded().then(|| revision_of(response.header())))
    }
}

#[async_trait::async_trait]
impl Storage for Etcd3Storage {
    async fn create(&self, key: &str, mut object: Value) -> Result<Value> {
        if versioner::resource_version(&object)?.is_some() {
            return Err(Error::InvalidObject("resourceVersion should not be set on objects to be created".into()));
        }
        let full = self.full_key(key);
        let txn = Txn::new()
            .when([Compare::create_revision(full.clone(), CompareOp::Equal, 0)])
            .and_then([TxnOp::put(full, encode(&object)?, None)]);
        let response = self.endpoints.call(|mut c| { let txn = txn.clone(); async move { c.txn(txn).await } }).await?;
        if !response.succeeded() {
            // A retried txn whose first attempt did commit (the member died after applying it)
            // finds its own object: that is success, not a conflict.
            let uid = object.pointer("/metadata/uid").and_then(Value::as_str).filter(|u| !u.is_empty());
            if let (Some(uid), Some((existing, _))) = (uid, self.read(key).await?)
                && existing.pointer("/metadata/uid").and_then(Value::as_str) == Some(uid)
            {
                return Ok(existing);
            }
            return Err(Error::KeyExists(key.to_owned()));
        }
        versioner::set_resource_version(&mut object, revision_of(response.header()))?;
        Ok(object)
    }

    async fn get(&self, key: &str) -> Result<Value> {
        Ok(self.read(key).await?.ok_or_else(|| Error::NotFound(key.to_owned()))?.0)
    }

    async fn list(&self, prefix: &str, options: &ListOptions) -> Result<ListPage> {
        let list_prefix = self.full_key(prefix);
        let (revision, start) = match &options.continue_token {
            Some(token) => {
                let (revision, start) = continue_token::decode(token)?;
                (Some(revision), format!("{list_prefix}{start}"))
            }
            None => (options.revision, list_prefix.clone()),
        };
        let mut get = GetOptions::new().with_range(range_end(list_prefix.as_bytes()));
        if options.limit > 0 {
            get = get.with_limit(i64::try_from(options.limit).unwrap_or(i64::MAX));
        }
        if let Some(rev) = revision.filter(|r| *r > 0) {
            get = get.with_revision(i64::try_from(rev).unwrap_or(i64::MAX));
        }
        let requested = revision.unwrap_or(0);
        let call = self.endpoints.call(|mut c| {
            let (start, get) = (start.clone(), get.clone());
            async move { c.get(start, Some(get)).await }
        });
        let mut response = call.await.map_err(|e| match e {
            Error::ResourceVersionTooOld { oldest, .. } => Error::ResourceVersionTooOld { requested, oldest },
            other => other,
        })?;
        let read_at = revision.filter(|r| *r > 0).unwrap_or_else(|| revision_of(response.header()));
        let more = response.more();
        let count = u64::try_from(response.count()).unwrap_or(0);
        let kvs = response.take_kvs();
        let items = kvs.iter().map(|kv| decode(kv.value(), u64::try_from(kv.mod_revision()).unwrap_or(0))).collect::<Result<Vec<_>>>()?;
        let continue_token = match kvs.last() {
            Some(last) if more => {
                let relative = String::from_utf8_lossy(&last.key()[list_prefix.len()..]).into_owned();
                Some(continue_token::encode(read_at, &relative))
            }
            _ => None,
        };
        let remaining = more.then(|| count.saturating_sub(items.len() as u64));
        Ok(ListPage { items, revision: read_at, continue_token, remaining })
    }

    async fn guaranteed_update(&self, key: &str, preconditions: &Preconditions, try_update: &mut TryUpdate<'_>) -> Result<Value> {
        loop {
            let (current, mod_revision) = self.read(key).await?.ok_or_else(|| Error::NotFound(key.to_owned()))?;
            preconditions.check(key, &current)?;
            let mut updated = try_update(current.clone())?;
            let bytes = encode(&updated)?;
            if bytes == encode(&current)? {
                return Ok(current);
            }
            let put = TxnOp::put(self.full_key(key), bytes, None);
            if let Some(revision) = self.write_if_unchanged(key, mod_revision, put).await? {
                versioner::set_resource_version(&mut updated, revision)?;
                return Ok(updated);
            }
            tracing::debug!(key, "update lost a race, retrying on the new state");
        }
    }

    async fn delete(&self, key: &str, preconditions: &Preconditions) -> Result<Value> {
        loop {
            let (mut current, mod_revision) = self.read(key).await?.ok_or_else(|| Error::NotFound(key.to_owned()))?;
            preconditions.check(key, &current)?;
            let delete = TxnOp::delete(self.full_key(key), None);
            if let Some(revision) = self.write_if_unchanged(key, mod_revision, delete).await? {
                versioner::set_resource_version(&mut current, revision)?;
                return Ok(current);
            }
        }
    }

    async fn watch(&self, key: &str, revision: u64, recursive: bool) -> Result<WatchStream> {
        let full = self.full_key(key);
        let mut options = WatchOptions::new().with_prev_key();
        if revision > 0 {
            options = options.with_start_revision(i64::try_from(revision + 1).unwrap_or(i64::MAX));
        }
        if recursive {
            options = options.with_range(range_end(full.as_bytes()));
        }
        let stream = self.endpoints.call(|mut c| {
            let (full, options) = (full.clone(), options.clone());
            async move { c.watch(full, Some(options)).await }
        });
        Ok(watch::events(stream.await?, revision))
    }

    async fn current_revision(&self) -> Result<u64> {
        let key = self.full_key("/");
        let options = GetOptions::new().with_count_only();
        let call = self.endpoints.call(|mut c| {
            let (key, options) = (key.clone(), options.clone());
            async move { c.get(key, Some(options)).await }
        });
        Ok(revision_of(call.await?.header()))
    }

    async fn count(&self, prefix: &str) -> Result<u64> {
        let full = self.full_key(prefix);
        let options = GetOptions::new().with_range(range_end(full.as_bytes())).with_count_only();
        let call = self.endpoints.call(|mut c| {
            let (full, options) = (full.clone(), options.clone());
            async move { c.get(full, Some(options)).await }
        });
        Ok(u64::try_from(call.await?.count()).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn range_end_covers_the_prefix() {
        assert_eq!(range_end(b"/registry/pods/"), b"/registry/pods0".to_vec());
        assert_eq!(range_end(&[b'a', 0xff]), b"b".to_vec());
    }
}
