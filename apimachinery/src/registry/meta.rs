//! `metadata` handling every store shares: the system fields the server owns, generated
//! names, and upstream's `ValidateObjectMeta` checks.

use serde_json::{Map, Value};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::field::{self, Path};
use crate::validation;

/// Characters upstream uses for `generateName` suffixes (no vowels, no look-alikes).
const NAME_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";
/// Length of the random `generateName` suffix.
const NAME_SUFFIX_LEN: usize = 5;
/// Longest `generateName` prefix kept, so a generated name stays a valid label (63 - 5).
const MAX_GENERATED_PREFIX: usize = 58;
/// Largest total size of annotations.
const MAX_ANNOTATIONS_BYTES: usize = 256 * 1024;

/// Reads a string field of `metadata`.
pub fn get<'a>(object: &'a Value, field: &str) -> &'a str {
    object.get("metadata").and_then(|m| m.get(field)).and_then(Value::as_str).unwrap_or_default()
}

/// The `metadata` map, created if absent; `None` if the object or its metadata is not a map.
pub fn metadata_mut(object: &mut Value) -> Option<&mut Map<String, Value>> {
    object.as_object_mut()?.entry("metadata").or_insert_with(|| Value::Object(Map::new())).as_object_mut()
}

/// Now, as the RFC 3339 seconds timestamp Kubernetes uses.
pub fn now() -> String {
    seconds_from_now(0)
}

/// The RFC 3339 seconds timestamp `seconds` from now.
fn seconds_from_now(seconds: i64) -> String {
    let then = OffsetDateTime::now_utc().replace_nanosecond(0).unwrap_or(OffsetDateTime::UNIX_EPOCH) + time::Duration::seconds(seconds);
    then.format(&Rfc3339).unwrap_or_default()
}

/// The finalizer the garbage collector honours for `propagationPolicy=Orphan`.
pub const ORPHAN_FINALIZER: &str = "orphan";
/// The finalizer the garbage collector honours for `propagationPolicy=Foreground`.
pub const FOREGROUND_FINALIZER: &str = "foregroundDeletion";

fn finalizers(object: &Value) -> Vec<String> {
    let list = object.pointer("/metadata/finalizers").and_then(Value::as_array);
    list.into_iter().flatten().filter_map(Value::as_str).map(str::to_owned).collect()
}

/// The finalizers an object has once a delete with `propagation` is accepted: `Orphan` and
/// `Foreground` add the garbage collector's, `Background` drops them, as upstream.
pub fn finalizers_after_delete(object: &Value, propagation: Option<&str>) -> Vec<String> {
    let mut list = finalizers(object);
    let wanted = match propagation {
        Some("Orphan") => Some(ORPHAN_FINALIZER),
        Some("Foreground") => Some(FOREGROUND_FINALIZER),
        Some("Background") => {
            list.retain(|f| f != ORPHAN_FINALIZER && f != FOREGROUND_FINALIZER);
            None
        }
        _ => None,
    };
    if let Some(finalizer) = wanted {
        list.retain(|f| f != ORPHAN_FINALIZER && f != FOREGROUND_FINALIZER);
        list.push(finalizer.to_owned());
    }
    list
}

/// Marks an object deleted: `deletionTimestamp` `grace` seconds ahead (kept if an earlier
/// one is set), `deletionGracePeriodSeconds` (only ever shortened), and its `finalizers`.
pub fn mark_deleted(metadata: &mut Map<String, Value>, grace: i64, finalizers: Vec<String>) {
    let current_grace = metadata.get("deletionGracePeriodSeconds").and_then(Value::as_i64);
    let deleting = metadata.get("deletionTimestamp").and_then(Value::as_str).is_some();
    if !deleting || current_grace.is_some_and(|g| grace < g) {
        metadata.insert("deletionTimestamp".into(), Value::String(seconds_from_now(grace)));
        metadata.insert("deletionGracePeriodSeconds".into(), Value::from(grace));
    }
    if finalizers.is_empty() {
        metadata.remove("finalizers");
    } else {
        metadata.insert("finalizers".into(), Value::from(finalizers));
    }
}

/// Whether a deleted object has nothing left to wait for: no finalizers and no grace period.
pub fn deletion_finished(object: &Value) -> bool {
    let deleting = object.pointer("/metadata/deletionTimestamp").and_then(Value::as_str).is_some();
    let grace = object.pointer("/metadata/deletionGracePeriodSeconds").and_then(Value::as_i64).unwrap_or(0);
    deleting && grace == 0 && finalizers(object).is_empty()
}

/// `generateName` plus a random five-character suffix, truncating the prefix to fit.
pub fn generate_name(prefix: &str) -> String {
    let bytes = uuid::Uuid::new_v4().into_bytes();
    let suffix: String =
        bytes.iter().take(NAME_SUFFIX_LEN).map(|b| char::from(NAME_ALPHABET[usize::from(*b) % NAME_ALPHABET.len()])).collect();
    let mut keep = prefix.len().min(MAX_GENERATED_PREFIX);
    while !prefix.is_char_boundary(keep) {
        keep -= 1;
    }
    format!("{}{suffix}", &prefix[..keep])
}

/// Sets what the server owns on create: `uid`, `creationTimestamp`, and a name from
/// `generateName`; drops fields a client may not set.
pub fn fill_on_create(metadata: &mut Map<String, Value>) {
    let name_missing = metadata.get("name").and_then(Value::as_str).is_none_or(str::is_empty);
    if let (true, Some(prefix)) = (name_missing, metadata.get("generateName").and_then(Value::as_str)) {
        let name = generate_name(prefix);
        metadata.insert("name".into(), Value::String(name));
    }
    metadata.insert("uid".into(), Value::String(uuid::Uuid::new_v4().to_string()));
    metadata.insert("creationTimestamp".into(), Value::String(now()));
    for owned in ["deletionTimestamp", "deletionGracePeriodSeconds", "selfLink"] {
        metadata.remove(owned);
    }
}

/// Copies what a client may not change on update from the stored object; a `uid` is filled
/// in only when the body has none (a different one is an immutability error in validation).
pub fn keep_on_update(metadata: &mut Map<String, Value>, old: &Value) {
    if metadata.get("uid").and_then(Value::as_str).is_none_or(str::is_empty)
        && let Some(uid) = old.pointer("/metadata/uid")
    {
        metadata.insert("uid".into(), uid.clone());
    }
    for owned in ["creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds", "generation"] {
        match old.get("metadata").and_then(|m| m.get(owned)) {
            Some(value) => metadata.insert(owned.into(), value.clone()),
            None => metadata.remove(owned),
        };
    }
    metadata.remove("selfLink");
}

/// Upstream's update checks of metadata: `uid` is immutable, and an object being deleted
/// gains no finalizers.
pub fn validate_update(object: &Value, old: &Value) -> field::ErrorList {
    let path = Path::new("metadata");
    let mut errors = field::ErrorList::new();
    let (uid, old_uid) = (get(object, "uid"), get(old, "uid"));
    if uid != old_uid {
        errors.push(field::Error::invalid(&path.child("uid"), uid, "field is immutable"));
    }
    let old_finalizers = finalizers(old);
    let deleting = !get(old, "deletionTimestamp").is_empty();
    if deleting && finalizers(object).iter().any(|f| !old_finalizers.contains(f)) {
        errors.push(field::Error::forbidden(&path.child("finalizers"), "no new finalizers can be added if the object is being deleted"));
    }
    errors
}

/// Upstream's `ValidateObjectMeta`: name (with the resource's name rule), namespace scope,
/// labels and annotations.
pub fn validate(object: &Value, namespaced: bool, name_rule: fn(&str) -> Vec<String>) -> field::ErrorList {
    let path = Path::new("metadata");
    let mut errors = field::ErrorList::new();
    let (name, generate_name) = (get(object, "name"), get(object, "generateName"));
    if name.is_empty() && generate_name.is_empty() {
        errors.push(field::Error::required(&path.child("name"), "name or generateName is required"));
    }
    if !name.is_empty() {
        errors.extend(name_rule(name).into_iter().map(|msg| field::Error::invalid(&path.child("name"), name, msg)));
    }
    let namespace = get(object, "namespace");
    match (namespaced, namespace.is_empty()) {
        (true, true) => errors.push(field::Error::required(&path.child("namespace"), "")),
        (true, false) => errors.extend(
            validation::dns1123_label(namespace).into_iter().map(|m| field::Error::invalid(&path.child("namespace"), namespace, m)),
        ),
        (false, false) => errors.push(field::Error::forbidden(&path.child("namespace"), "not allowed on this type")),
        (false, true) => {}
    }
    errors.extend(validate_labels(object, &path.child("labels")));
    errors.extend(validate_annotations(object, &path.child("annotations")));
    errors
}

fn string_map<'a>(object: &'a Value, field: &str) -> Vec<(&'a String, &'a Value)> {
    object.get("metadata").and_then(|m| m.get(field)).and_then(Value::as_object).map(|m| m.iter().collect()).unwrap_or_default()
}

fn validate_labels(object: &Value, path: &Path) -> field::ErrorList {
    let mut errors = field::ErrorList::new();
    for (key, value) in string_map(object, "labels") {
        errors.extend(validation::qualified_name(key).into_iter().map(|m| field::Error::invalid(path, key.as_str(), m)));
        let text = value.as_str().unwrap_or_default();
        errors.extend(validation::label_value(text).into_iter().map(|m| field::Error::invalid(&path.key(key), text, m)));
    }
    errors
}

fn validate_annotations(object: &Value, path: &Path) -> field::ErrorList {
    let mut errors = field::ErrorList::new();
    let mut total = 0;
    for (key, value) in string_map(object, "annotations") {
        errors.extend(validation::qualified_name(&key.to_lowercase()).into_iter().map(|m| field::Error::invalid(path, key.as_str(), m)));
        total += key.len() + value.as_str().map_or(0, str::len);
    }
    if total > MAX_ANNOTATIONS_BYTES {
        errors.push(field::Error::too_long(path, MAX_ANNOTATIONS_BYTES));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn generated_names_and_system_fields() {
        let mut object = json!({"metadata": {"generateName": "web-", "uid": "forged", "selfLink": "/x"}});
        let Some(metadata) = metadata_mut(&mut object) else { panic!("metadata is a map") };
        fill_on_create(metadata);
        let name = get(&object, "name");
        assert!(name.starts_with("web-") && name.len() == 9, "{name}");
        let long = generate_name(&format!("a{}", "é".repeat(124)));
        assert!(long.len() <= 63 && long.starts_with('a'), "{long}");
        assert_ne!(get(&object, "uid"), "forged");
        assert!(get(&object, "creationTimestamp").ends_with('Z'));
        assert_eq!(object["metadata"].get("selfLink"), None);
    }

    #[test]
    fn deletion_marks_and_finalizers() {
        let object = json!({"metadata": {"name": "x", "finalizers": ["example.com/keep", "orphan"]}});
        assert_eq!(finalizers_after_delete(&object, Some("Foreground")), ["example.com/keep", "foregroundDeletion"]);
        assert_eq!(finalizers_after_delete(&object, Some("Background")), ["example.com/keep"]);
        assert_eq!(finalizers_after_delete(&object, None), ["example.com/keep", "orphan"]);
        let mut marked = object.clone();
        let Some(metadata) = metadata_mut(&mut marked) else { panic!("metadata is a map") };
        mark_deleted(metadata, 30, vec![]);
        let first = get(&marked, "deletionTimestamp").to_owned();
        assert!(!first.is_empty() && !deletion_finished(&marked), "graceful: waits for the grace period");
        let Some(metadata) = metadata_mut(&mut marked) else { panic!("metadata is a map") };
        mark_deleted(metadata, 60, vec![]);
        assert_eq!((get(&marked, "deletionTimestamp"), marked["metadata"]["deletionGracePeriodSeconds"].as_i64()), (first.as_str(), Some(30)), "never lengthened");
        let Some(metadata) = metadata_mut(&mut marked) else { panic!("metadata is a map") };
        mark_deleted(metadata, 0, vec![]);
        assert!(deletion_finished(&marked));
        let added = json!({"metadata": {"uid": "u", "deletionTimestamp": first, "finalizers": ["a", "b"]}});
        let errors = validate_update(&added, &json!({"metadata": {"uid": "u", "deletionTimestamp": first, "finalizers": ["a"]}}));
        assert_eq!(errors.len(), 1, "{errors:?}");
    }

    #[test]
    fn validation_reports_each_problem_with_its_path() {
        let object = json!({"metadata": {"name": "Bad_Name", "labels": {"ok": "-bad"}}});
        let errors = validate(&object, true, validation::dns1123_subdomain);
        let fields: Vec<String> = errors.iter().map(|e| e.field.to_string()).collect();
        assert_eq!(fields, ["metadata.name", "metadata.namespace", "metadata.labels[ok]"]);
        let cluster_scoped = json!({"metadata": {"name": "n", "namespace": "x"}});
        assert_eq!(validate(&cluster_scoped, false, validation::dns1123_subdomain)[0].to_string(), "metadata.namespace: Forbidden: not allowed on this type");
    }
}
