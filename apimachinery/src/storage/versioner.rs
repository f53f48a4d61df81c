//! `metadata.resourceVersion` on stored objects: the store's revision as a decimal string,
//! cleared before an object is written so the stored bytes never carry a stale one.

use serde_json::Value;

use super::{Error, Result};

/// Reads `metadata.resourceVersion`; `None` if absent or empty.
pub fn resource_version(object: &Value) -> Result<Option<u64>> {
    match object.pointer("/metadata/resourceVersion") {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) if s.is_empty() => Ok(None),
        Some(Value::String(s)) => s
            .parse()
            .map(Some)
            .map_err(|_| Error::InvalidObject(format!("resourceVersion {s:?} is not a number"))),
        Some(other) => Err(Error::InvalidObject(format!("resourceVersion {other} is not a string"))),
    }
}

/// Sets `metadata.resourceVersion` to `revision`.
pub fn set_resource_version(object: &mut Value, revision: u64) -> Result<()> {
    metadata_mut(object)?.insert("resourceVersion".into(), Value::String(revision.to_string()));
    Ok(())
}

/// Removes `metadata.resourceVersion`, as objects are stored without it.
pub fn clear_resource_version(object: &mut Value) -> Result<()> {
    metadata_mut(object)?.remove("resourceVersion");
    Ok(())
}

fn metadata_mut(object: &mut Value) -> Result<&mut serde_json::Map<String, Value>> {
    let map = object.as_object_mut().ok_or_else(|| Error::InvalidObject("not a JSON object".into()))?;
    let metadata = map.entry("metadata").or_insert_with(|| Value::Object(Default::default()));
    metadata.as_object_mut().ok_or_else(|| Error::InvalidObject("metadata is not an object".into()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn round_trips_and_rejects_garbage() -> Result<()> {
        let mut pod = json!({"metadata": {"name": "p"}});
        assert_eq!(resource_version(&pod)?, None);
        set_resource_version(&mut pod, 42)?;
        assert_eq!(pod["metadata"]["resourceVersion"], "42");
        assert_eq!(resource_version(&pod)?, Some(42));
        clear_resource_version(&mut pod)?;
        assert_eq!(pod, json!({"metadata": {"name": "p"}}));
        assert!(resource_version(&json!({"metadata": {"resourceVersion": "x"}})).is_err());
        assert!(set_resource_version(&mut json!([1]), 1).is_err());
        Ok(())
    }
}
