//! Reading and writing the JSON fields of built-in objects by JSON pointer, for defaulting,
//! validation and table cells: absent fields read as empty, writes create missing parents.

use apimachinery::field::{self, Path};
use serde_json::{Map, Value};

/// The string at `pointer`, or `""`.
pub fn text<'a>(object: &'a Value, pointer: &str) -> &'a str {
    object.pointer(pointer).and_then(Value::as_str).unwrap_or_default()
}

/// The list at `pointer`, or an empty one.
pub fn items<'a>(object: &'a Value, pointer: &str) -> &'a [Value] {
    object.pointer(pointer).and_then(Value::as_array).map_or(&[], Vec::as_slice)
}

/// The strings of the list at `pointer` (other entries skipped).
pub fn texts<'a>(object: &'a Value, pointer: &str) -> Vec<&'a str> {
    items(object, pointer).iter().filter_map(Value::as_str).collect()
}

/// Whether `pointer` holds something other than null, `""`, `[]` or `{}`.
pub fn is_set(object: &Value, pointer: &str) -> bool {
    match object.pointer(pointer) {
        None | Some(Value::Null) => false,
        Some(Value::String(s)) => !s.is_empty(),
        Some(Value::Array(a)) => !a.is_empty(),
        Some(Value::Object(o)) => !o.is_empty(),
        Some(_) => true,
    }
}

/// The parent map of `pointer` and its last segment, creating missing maps on the way.
fn parent_mut<'a>(object: &'a mut Value, pointer: &'a str) -> Option<(&'a mut Map<String, Value>, &'a str)> {
    let (parents, last) = pointer.rsplit_once('/')?;
    let mut current = object;
    for segment in parents.split('/').filter(|s| !s.is_empty()) {
        let map = current.as_object_mut()?;
        let next = map.entry(segment).or_insert_with(|| Value::Object(Map::new()));
        if next.is_null() {
            *next = Value::Object(Map::new());
        }
        current = next;
    }
    Some((current.as_object_mut()?, last))
}

/// Sets `pointer` to `value`, creating missing parent maps.
pub fn set(object: &mut Value, pointer: &str, value: Value) {
    if let Some((parent, last)) = parent_mut(object, pointer) {
        parent.insert(last.to_owned(), value);
    }
}

/// Sets `pointer` to `value` unless it already holds something ([`is_set`]).
pub fn default_to(object: &mut Value, pointer: &str, value: Value) {
    if !is_set(object, pointer) {
        set(object, pointer, value);
    }
}

/// Removes the field at `pointer`, if present.
pub fn remove(object: &mut Value, pointer: &str) {
    if let Some((parent, last)) = pointer.rsplit_once('/')
        && let Some(map) = object.pointer_mut(parent).and_then(Value::as_object_mut)
    {
        map.remove(last);
    }
}

/// Upstream's `ValidateImmutableField`: `path: Invalid value: <new>: field is immutable`
/// when the field at `pointer` differs between `new` and `old`.
pub fn immutable(new: &Value, old: &Value, pointer: &str, path: &str) -> field::ErrorList {
    let (now, before) = (new.pointer(pointer).filter(|v| !v.is_null()), old.pointer(pointer).filter(|v| !v.is_null()));
    if now == before {
        return Vec::new();
    }
    vec![field::Error::invalid(&Path::new(path), now.cloned().unwrap_or(Value::Null), "field is immutable")]
}

/// The fields of `spec` (all, or only `keys`) that differ between `old` and `new`, as
/// `-` / `+` lines, in the spirit of the diff upstream appends to "spec is immutable"
/// errors (upstream's exact layout comes from a diff library and is not reproduced).
pub fn spec_diff(old: &Value, new: &Value, keys: &[&str]) -> String {
    let spec = |v: &Value| v.get("spec").and_then(Value::as_object).cloned().unwrap_or_default();
    let (before, after) = (spec(old), spec(new));
    let mut names: Vec<&String> = before.keys().chain(after.keys()).filter(|k| keys.is_empty() || keys.contains(&k.as_str())).collect();
    names.sort();
    names.dedup();
    let mut lines = Vec::new();
    for name in names.into_iter().filter(|n| before.get(*n) != after.get(*n)) {
        if let Some(value) = before.get(name) {
            lines.push(format!("-  {name:?}: {value}"));
        }
        if let Some(value) = after.get(name) {
            lines.push(format!("+  {name:?}: {value}"));
        }
    }
    lines.join("\n")
}

/// Field errors for each message a name or value check returned.
pub fn invalid_each(path: &Path, value: &str, messages: Vec<String>) -> field::ErrorList {
    messages.into_iter().map(|message| field::Error::invalid(path, value, message)).collect()
}

/// Upstream's `NotSupported` check of an enumeration; an empty value is `Required`.
pub fn one_of(object: &Value, pointer: &str, path: &str, supported: &[&str]) -> field::ErrorList {
    let value = text(object, pointer);
    match value {
        "" => vec![field::Error::required(&Path::new(path), "")],
        v if supported.contains(&v) => Vec::new(),
        v => vec![field::Error::not_supported(&Path::new(path), v, supported)],
    }
}

/// As [`one_of`], but an absent value is fine.
pub fn optional_one_of(object: &Value, pointer: &str, path: &str, supported: &[&str]) -> field::ErrorList {
    if text(object, pointer).is_empty() { Vec::new() } else { one_of(object, pointer, path, supported) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_writes_and_defaults() {
        let mut object = json!({"spec": {"type": "", "ports": [1]}});
        assert_eq!(text(&object, "/spec/type"), "");
        assert_eq!(items(&object, "/spec/ports").len(), 1);
        default_to(&mut object, "/spec/type", json!("ClusterIP"));
        default_to(&mut object, "/status/phase", json!("Pending"));
        default_to(&mut object, "/spec/ports", json!([]));
        assert_eq!(object, json!({"spec": {"type": "ClusterIP", "ports": [1]}, "status": {"phase": "Pending"}}));
        remove(&mut object, "/status/phase");
        assert_eq!(object["status"], json!({}));
    }

    #[test]
    fn immutable_fields_report_the_new_value() {
        let (new, old) = (json!({"spec": {"x": "b"}}), json!({"spec": {"x": "a"}}));
        let errors = immutable(&new, &old, "/spec/x", "spec.x");
        assert_eq!(errors.iter().map(ToString::to_string).collect::<Vec<_>>(), [r#"spec.x: Invalid value: "b": field is immutable"#]);
        assert!(immutable(&new, &new, "/spec/x", "spec.x").is_empty());
        assert_eq!(one_of(&new, "/spec/x", "spec.x", &["a"]).len(), 1);
        assert_eq!(one_of(&json!({}), "/spec/x", "spec.x", &["a"])[0].to_string(), "spec.x: Required value");
    }
}
