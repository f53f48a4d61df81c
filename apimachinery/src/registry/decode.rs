//! Decoding request bodies through a typed model: wrongly typed fields are errors, unknown
//! fields are dropped and reported by path, so `fieldValidation` can refuse or warn.

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A decoded object and the paths of the fields its type does not have.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The object as its type encodes it (unknown fields gone).
    pub object: Value,
    /// Unknown fields, as upstream names them (`spec.containers[0].imagePolicy`).
    pub unknown_fields: Vec<String>,
}

impl From<Value> for Decoded {
    fn from(object: Value) -> Self {
        Self { object, unknown_fields: Vec::new() }
    }
}

/// Decodes `object` as `T` and encodes it back, collecting the unknown fields.
pub fn typed<T: DeserializeOwned + Serialize>(object: Value) -> Result<Decoded, String> {
    let mut unknown_fields = Vec::new();
    let decoded: T = serde_ignored::deserialize(object, |path| unknown_fields.push(field_path(&path))).map_err(|e| e.to_string())?;
    let object = serde_json::to_value(decoded).map_err(|e| e.to_string())?;
    Ok(Decoded { object, unknown_fields })
}

/// `spec.containers[0].name` for serde_ignored's path.
fn field_path(path: &serde_ignored::Path<'_>) -> String {
    use serde_ignored::Path;
    match path {
        Path::Root => String::new(),
        Path::Seq { parent, index } => format!("{}[{index}]", field_path(parent)),
        Path::Map { parent, key } => match field_path(parent) {
            prefix if prefix.is_empty() => key.clone(),
            prefix => format!("{prefix}.{key}"),
        },
        Path::Some { parent } | Path::NewtypeStruct { parent } | Path::NewtypeVariant { parent } => field_path(parent),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn unknown_fields_are_dropped_and_named() -> Result<(), String> {
        let body = json!({
            "apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "c", "colour": "red"},
            "data": {"k": "v"}, "data2": {"x": "y"},
        });
        let decoded = typed::<k8s_openapi::api::core::v1::ConfigMap>(body)?;
        assert_eq!(decoded.unknown_fields, ["data2", "metadata.colour"], "in the order of the decoded map");
        assert_eq!(decoded.object.get("data2"), None);
        let pod = json!({"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "a", "imagePolicy": 1}]}});
        assert_eq!(typed::<k8s_openapi::api::core::v1::Pod>(pod)?.unknown_fields, ["spec.containers[0].imagePolicy"]);
        assert!(typed::<k8s_openapi::api::core::v1::ConfigMap>(json!({"data": "not a map"})).is_err());
        Ok(())
    }
}
