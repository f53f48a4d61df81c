//! Resource lists (`capacity`, `requests`, `hard`, `min`/`max`): their quantities are
//! canonicalized on decode, as upstream's typed decoding does (`1024Mi` is stored as `1Gi`),
//! and their names and values checked as upstream's core validation does.

use apimachinery::field::{self, Path};
use apimachinery::quantity::Quantity;
use apimachinery::validation;
use serde_json::Value;

/// Resources any resource list may name without a domain prefix.
const STANDARD: [&str; 20] = [
    "cpu",
    "memory",
    "ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "pods",
    "services",
    "replicationcontrollers",
    "resourcequotas",
    "secrets",
    "persistentvolumeclaims",
    "storage",
    "requests.storage",
    "configmaps",
    "services.nodeports",
    "services.loadbalancers",
];

/// Resources a quota may limit without a domain prefix.
const QUOTA: [&str; 19] = [
    "pods",
    "memory",
    "cpu",
    "ephemeral-storage",
    "requests.cpu",
    "requests.memory",
    "requests.storage",
    "requests.ephemeral-storage",
    "limits.cpu",
    "limits.memory",
    "limits.ephemeral-storage",
    "persistentvolumeclaims",
    "services",
    "replicationcontrollers",
    "resourcequotas",
    "secrets",
    "configmaps",
    "services.nodeports",
    "services.loadbalancers",
];

/// Resources counted in whole units.
const INTEGER: [&str; 9] =
    ["pods", "services", "replicationcontrollers", "resourcequotas", "secrets", "configmaps", "persistentvolumeclaims", "services.nodeports", "services.loadbalancers"];

fn is_hugepages(name: &str) -> bool {
    ["hugepages-", "requests.hugepages-", "limits.hugepages-"].iter().any(|p| name.starts_with(p))
}

/// Rewrites each quantity of the map at `pointer` in canonical form, rounded up to `1m`;
/// a malformed one is upstream's decode error.
pub fn canonicalize(object: &mut Value, pointer: &str) -> Result<(), String> {
    let Some(map) = object.pointer_mut(pointer).and_then(Value::as_object_mut) else { return Ok(()) };
    for value in map.values_mut() {
        let text = match value {
            Value::String(text) => text.clone(),
            Value::Number(number) => number.to_string(),
            _ => return Err(apimachinery::quantity::FORMAT_ERROR.to_owned()),
        };
        *value = Value::String(Quantity::parse(&text)?.round_up_to_milli().to_string());
    }
    Ok(())
}

/// The parsed quantities of the map at `pointer`, by name (malformed ones skipped: decoding
/// refused them already).
pub fn quantities(object: &Value, pointer: &str) -> Vec<(String, Quantity)> {
    let entries = object.pointer(pointer).and_then(Value::as_object).into_iter().flatten();
    entries.filter_map(|(name, value)| Some((name.clone(), Quantity::parse(value.as_str()?).ok()?))).collect()
}

/// The quantity named `name` in the map at `pointer`.
pub fn quantity(object: &Value, pointer: &str, name: &str) -> Option<Quantity> {
    quantities(object, pointer).into_iter().find(|(n, _)| n == name).map(|(_, q)| q)
}

/// Upstream's `validateResourceName`: a qualified name, standard unless domain-prefixed.
pub fn validate_name(name: &str, path: &Path) -> field::ErrorList {
    let errors = crate::builtin::object::invalid_each(path, name, validation::qualified_name(name));
    if !errors.is_empty() || name.contains('/') || STANDARD.contains(&name) || is_hugepages(name) {
        return errors;
    }
    vec![field::Error::invalid(path, name, "must be a standard resource type or fully qualified")]
}

/// Upstream's container resource names (limit ranges of pods and containers).
pub fn validate_container_name(name: &str, path: &Path) -> field::ErrorList {
    let mut errors = validate_name(name, path);
    if !name.contains('/') && !["cpu", "memory", "ephemeral-storage"].contains(&name) && !name.starts_with("hugepages-") {
        errors.push(field::Error::invalid(path, name, "must be a standard resource for containers"));
    }
    errors
}

/// Upstream's quota resource names.
pub fn validate_quota_name(name: &str, path: &Path) -> field::ErrorList {
    let mut errors = validate_name(name, path);
    if !name.contains('/') && !QUOTA.contains(&name) && !name.starts_with("requests.hugepages-") && !name.starts_with("hugepages-") {
        errors.push(field::Error::invalid(path, name, "must be a standard resource for quota"));
    }
    errors
}

/// Upstream's `ValidateResourceQuantityValue`: not negative, and whole for countable resources.
pub fn validate_value(name: &str, quantity: Quantity, path: &Path) -> field::ErrorList {
    let mut errors = Vec::new();
    if quantity.is_negative() {
        errors.push(field::Error::invalid(path, quantity.to_string(), "must be greater than or equal to 0"));
    }
    if (INTEGER.contains(&name) || name.starts_with("count/")) && !quantity.is_integer() {
        errors.push(field::Error::invalid(path, quantity.to_string(), "must be an integer"));
    }
    errors
}

/// Checks every entry of the map at `pointer` with `check_name` and [`validate_value`].
pub fn validate_list(object: &Value, pointer: &str, path: &Path, check_name: fn(&str, &Path) -> field::ErrorList) -> field::ErrorList {
    let mut errors = Vec::new();
    for (name, quantity) in quantities(object, pointer) {
        let at = path.key(&name);
        errors.extend(check_name(&name, &at));
        errors.extend(validate_value(&name, quantity, &at));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn canonicalizes_and_refuses_malformed_quantities() {
        let mut object = json!({"spec": {"capacity": {"storage": "1024Mi", "cpu": 0.5}}});
        assert_eq!(canonicalize(&mut object, "/spec/capacity"), Ok(()));
        assert_eq!(object["spec"]["capacity"], json!({"storage": "1Gi", "cpu": "500m"}));
        let mut bad = json!({"spec": {"capacity": {"storage": "lots"}}});
        assert!(canonicalize(&mut bad, "/spec/capacity").is_err());
    }

    #[test]
    fn names_and_values() {
        let at = Path::new("spec.hard");
        assert!(validate_quota_name("requests.cpu", &at).is_empty());
        assert!(validate_quota_name("count/deployments.apps", &at).is_empty());
        assert_eq!(validate_quota_name("storage", &at)[0].detail, "must be a standard resource for quota");
        assert_eq!(validate_name("gpus", &at)[0].detail, "must be a standard resource type or fully qualified");
        let half = Quantity::parse("0.5").ok();
        let errors = half.map(|q| validate_value("pods", q, &at)).unwrap_or_default();
        assert_eq!(errors.iter().map(ToString::to_string).collect::<Vec<_>>(), [r#"spec.hard: Invalid value: "500m": must be an integer"#]);
    }
}
