//! PATCH bodies: JSON patch (RFC 6902), JSON merge patch (RFC 7386), and strategic merge
//! patch.
//!
//! Strategic merge is applied as a merge patch for now: that is exact for maps and scalars.
//! Lists merged by key (finalizers, ownerReferences, secrets) and `$patch` directives come
//! with the patch-metadata table that OpenAPI and server-side apply will share; a patch
//! touching them is refused (415) rather than misapplied.

use serde_json::Value;

use crate::status::StatusError;

/// The patch formats, by request `Content-Type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatchType {
    /// `application/json-patch+json`.
    Json,
    /// `application/merge-patch+json`.
    Merge,
    /// `application/strategic-merge-patch+json`.
    StrategicMerge,
    /// `application/apply-patch+yaml` (server-side apply).
    Apply,
}

impl PatchType {
    /// The patch type of a `Content-Type` header value.
    pub fn from_content_type(content_type: &str) -> Option<Self> {
        match content_type.split(';').next().map(str::trim) {
            Some("application/json-patch+json") => Some(Self::Json),
            Some("application/merge-patch+json") => Some(Self::Merge),
            Some("application/strategic-merge-patch+json") => Some(Self::StrategicMerge),
            Some("application/apply-patch+yaml" | "application/apply-patch+cbor") => Some(Self::Apply),
            _ => None,
        }
    }
}

/// Applies `patch` to `current` and returns the patched object.
pub fn apply(patch_type: PatchType, current: &Value, patch: &[u8]) -> Result<Value, StatusError> {
    let mut patched = current.clone();
    match patch_type {
        PatchType::Json => {
            let operations: json_patch::Patch =
                serde_json::from_slice(patch).map_err(|e| StatusError::bad_request(format!("invalid JSON patch: {e}")))?;
            json_patch::patch(&mut patched, &operations).map_err(|e| StatusError::unprocessable(format!("the patch could not be applied: {e}")))?;
        }
        PatchType::Merge | PatchType::StrategicMerge => {
            let document: Value =
                serde_json::from_slice(patch).map_err(|e| StatusError::bad_request(format!("invalid merge patch: {e}")))?;
            if !document.is_object() {
                return Err(StatusError::bad_request("a merge patch must be a JSON object"));
            }
            if patch_type == PatchType::StrategicMerge {
                reject_directives(&document)?;
                reject_merged_lists(&document)?;
            }
            json_patch::merge(&mut patched, &document);
        }
        PatchType::Apply => return Err(StatusError::unsupported_media_type("application/apply-patch+yaml")),
    }
    Ok(patched)
}

/// Lists that strategic merge merges by key (a merge patch would replace them, dropping
/// entries other writers own), among the fields of the resources served.
const MERGED_LISTS: [&str; 4] = ["/metadata/finalizers", "/metadata/ownerReferences", "/secrets", "/imagePullSecrets"];

/// Refuses a strategic-merge patch touching a list that must be merged by key.
fn reject_merged_lists(document: &Value) -> Result<(), StatusError> {
    match MERGED_LISTS.iter().find(|pointer| document.pointer(pointer).is_some()) {
        Some(pointer) => Err(StatusError::unsupported_media_type(&format!(
            "application/strategic-merge-patch+json touching {pointer} (list merging is not supported yet; use a JSON patch)"
        ))),
        None => Ok(()),
    }
}

/// Refuses strategic-merge directives (`$patch`, `$retainKeys`, `$setElementOrder/...`,
/// `$deleteFromPrimitiveList/...`) that a plain merge would store as data.
fn reject_directives(document: &Value) -> Result<(), StatusError> {
    match document {
        Value::Object(map) => {
            if let Some(key) = map.keys().find(|k| k.starts_with('$')) {
                return Err(StatusError::unsupported_media_type(&format!(
                    "application/strategic-merge-patch+json with the {key} directive (not supported yet; use a merge or JSON patch)"
                )));
            }
            map.values().try_for_each(reject_directives)
        }
        Value::Array(items) => items.iter().try_for_each(reject_directives),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_three_formats() -> Result<(), StatusError> {
        let cm = json!({"metadata": {"name": "c", "labels": {"a": "1"}}, "data": {"k": "v"}});
        let merged = apply(PatchType::Merge, &cm, br#"{"metadata":{"labels":{"a":null,"b":"2"}}}"#)?;
        assert_eq!(merged["metadata"]["labels"], json!({"b": "2"}));
        let strategic = apply(PatchType::StrategicMerge, &cm, br#"{"data":{"x":"y"}}"#)?;
        assert_eq!(strategic["data"], json!({"k": "v", "x": "y"}));
        let json_patched = apply(PatchType::Json, &cm, br#"[{"op":"replace","path":"/data/k","value":"w"}]"#)?;
        assert_eq!(json_patched["data"]["k"], "w");
        Ok(())
    }

    #[test]
    fn bad_patches_are_client_errors() {
        let cm = json!({"data": {}});
        let code = |t, p: &[u8]| apply(t, &cm, p).err().map(|e| e.code);
        assert_eq!(code(PatchType::Json, b"{"), Some(400));
        assert_eq!(code(PatchType::Json, br#"[{"op":"test","path":"/data/k","value":"x"}]"#), Some(422));
        assert_eq!(code(PatchType::Merge, b"[1]"), Some(400));
        assert_eq!(code(PatchType::StrategicMerge, br#"{"spec":{"$patch":"replace"}}"#), Some(415));
        assert_eq!(code(PatchType::StrategicMerge, br#"{"metadata":{"finalizers":["mine"]}}"#), Some(415));
        assert_eq!(code(PatchType::Merge, br#"{"metadata":{"finalizers":["mine"]}}"#), None, "a merge patch replaces lists by definition");
        assert_eq!(PatchType::from_content_type("application/merge-patch+json; charset=utf-8"), Some(PatchType::Merge));
    }
}
