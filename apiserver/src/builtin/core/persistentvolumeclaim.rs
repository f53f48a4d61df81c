//! PersistentVolumeClaims (core/v1).

use apimachinery::field::{self, Path};
use apimachinery::registry::{Decoded, Strategy};
use apimachinery::table::{self, Column};
use serde_json::{Value, json};

use super::persistentvolume::{access_modes_text, phase, storage_class, unset_or, validate_access_modes, validate_class};
use super::resources;
use crate::builtin::object::{self, text};
use crate::builtin::selectors;

const VOLUME_MODES: [&str; 2] = ["Block", "Filesystem"];
const IMMUTABLE_SPEC: &str = "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims";

/// PersistentVolumeClaims: volume mode `Filesystem` by default, status `Pending` on
/// create; access modes and a positive storage request required; afterwards the spec is
/// fixed but for binding (`volumeName`, a first storage class) and a bound claim's growth.
pub struct PersistentVolumeClaimStrategy;

impl Strategy for PersistentVolumeClaimStrategy {
    fn decode(&self, object: Value) -> Result<Decoded, String> {
        let mut claim = crate::builtin::typed::<k8s_openapi::api::core::v1::PersistentVolumeClaim>(object)?;
        for pointer in ["/spec/resources/requests", "/spec/resources/limits", "/status/capacity"] {
            resources::canonicalize(&mut claim.object, pointer)?;
        }
        Ok(claim)
    }

    fn prepare_for_create(&self, object: &mut Value) {
        object::default_to(object, "/spec/volumeMode", json!("Filesystem"));
        object::set(object, "/status", json!({"phase": "Pending"}));
    }

    fn prepare_for_update(&self, object: &mut Value, _old: &Value) {
        object::default_to(object, "/spec/volumeMode", json!("Filesystem"));
    }

    fn validate(&self, object: &Value) -> field::ErrorList {
        let spec = Path::new("spec");
        let mut errors = validate_access_modes(object, "/spec/accessModes", &spec.child("accessModes"), "at least 1 access mode is required");
        errors.extend(selectors::label_selector(object.pointer("/spec/selector"), &spec.child("selector")));
        let storage_path = spec.child("resources").key("storage");
        match resources::quantity(object, "/spec/resources/requests", "storage") {
            None => errors.push(field::Error::required(&storage_path, "")),
            Some(q) if q.is_negative() || q.is_zero() => errors.push(field::Error::invalid(&storage_path, q.to_string(), "must be greater than zero")),
            Some(q) => errors.extend(resources::validate_value("storage", q, &storage_path)),
        }
        errors.extend(validate_class(text(object, "/spec/storageClassName"), &spec.child("storageClassName")));
        errors.extend(object::optional_one_of(object, "/spec/volumeMode", "spec.volumeMode", &VOLUME_MODES));
        errors
    }

    fn validate_update(&self, object: &Value, old: &Value) -> field::ErrorList {
        let mut errors = self.validate(object);
        let (mut before, mut after) = (old.clone(), object.clone());
        if text(old, "/spec/volumeName").is_empty() {
            object::remove(&mut before, "/spec/volumeName");
            object::remove(&mut after, "/spec/volumeName");
        }
        if !object::is_set(old, "/spec/storageClassName") && storage_class(old).is_empty() {
            object::remove(&mut before, "/spec/storageClassName");
            object::remove(&mut after, "/spec/storageClassName");
        }
        if text(object, "/status/phase") == "Bound" {
            object::remove(&mut before, "/spec/resources/requests/storage");
            object::remove(&mut after, "/spec/resources/requests/storage");
        }
        if before.get("spec") != after.get("spec") {
            let detail = format!("{IMMUTABLE_SPEC}\n{}", object::spec_diff(&before, &after, &[]));
            errors.push(field::Error::forbidden(&Path::new("spec"), detail));
        }
        errors.extend(validate_shrink(object, old));
        errors
    }

    fn table_columns(&self) -> Vec<Column> {
        vec![
            table::NAME,
            Column::new("Status", "string", "phase represents the current phase of PersistentVolumeClaim."),
            Column::new("Volume", "string", "volumeName is the binding reference to the PersistentVolume backing this claim."),
            Column::new("Capacity", "string", "capacity represents the actual resources of the underlying volume."),
            Column::new("Access Modes", "string", "accessModes contains the actual access modes the volume backing the PVC has."),
            Column::new("StorageClass", "string", "StorageClass of the pvc"),
            Column::new("VolumeAttributesClass", "string", "VolumeAttributesClass of the pvc"),
            table::AGE,
            Column::new("VolumeMode", "string", "volumeMode defines what type of volume is required by the claim.").wide(),
        ]
    }

    fn table_cells(&self, object: &Value) -> Vec<Value> {
        let bound = !text(object, "/spec/volumeName").is_empty();
        let capacity = match resources::quantity(object, "/status/capacity", "storage") {
            Some(q) if bound => q.to_string(),
            None if bound => "0".into(),
            _ => String::new(),
        };
        let modes = if bound { access_modes_text(object, "/status/accessModes") } else { String::new() };
        vec![
            table::name_cell(object),
            json!(phase(object)),
            json!(text(object, "/spec/volumeName")),
            json!(capacity),
            json!(modes),
            json!(storage_class(object)),
            json!(unset_or(text(object, "/spec/volumeAttributesClassName"))),
            table::age_cell(object),
            json!(unset_or(text(object, "/spec/volumeMode"))),
        ]
    }
}

/// A request may shrink back (recovering from a failed expansion) but not to or below the
/// capacity the volume already has.
fn validate_shrink(claim: &Value, old: &Value) -> field::ErrorList {
    let request = |c: &Value| resources::quantity(c, "/spec/resources/requests", "storage");
    let (Some(now), Some(before)) = (request(claim), request(old)) else { return Vec::new() };
    let capacity = resources::quantity(old, "/status/capacity", "storage");
    if now < before && capacity.is_some_and(|c| now <= c) {
        let path = Path::new("spec").child("resources").child("requests").child("storage");
        return vec![field::Error::forbidden(&path, "field can not be less than status.capacity")];
    }
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn claim(storage: &str) -> Value {
        json!({"metadata": {"name": "data"}, "spec": {"accessModes": ["ReadWriteOnce"], "resources": {"requests": {"storage": storage}}}})
    }

    #[test]
    fn defaults_and_create_validation() {
        let mut pvc = claim("1Gi");
        PersistentVolumeClaimStrategy.prepare_for_create(&mut pvc);
        assert_eq!((&pvc["spec"]["volumeMode"], &pvc["status"]["phase"]), (&json!("Filesystem"), &json!("Pending")));
        assert!(PersistentVolumeClaimStrategy.validate(&pvc).is_empty());
        let errors: Vec<String> = PersistentVolumeClaimStrategy.validate(&json!({"spec": {}})).iter().map(ToString::to_string).collect();
        assert_eq!(errors, ["spec.accessModes: Required value: at least 1 access mode is required", "spec.resources[storage]: Required value"]);
    }

    #[test]
    fn only_a_bound_claim_may_grow() {
        let old = claim("1Gi");
        let grown = claim("2Gi");
        let errors = PersistentVolumeClaimStrategy.validate_update(&grown, &old);
        assert_eq!(errors.len(), 1);
        assert!(errors[0].to_string().starts_with(&format!("spec: Forbidden: {IMMUTABLE_SPEC}\n")), "{errors:?}");
        let mut bound_old = old.clone();
        bound_old["spec"]["volumeName"] = json!("pv1");
        bound_old["status"] = json!({"phase": "Bound", "capacity": {"storage": "1Gi"}});
        let mut bound_new = grown.clone();
        bound_new["spec"]["volumeName"] = json!("pv1");
        bound_new["status"] = bound_old["status"].clone();
        assert!(PersistentVolumeClaimStrategy.validate_update(&bound_new, &bound_old).is_empty());
        let mut named = claim("1Gi");
        named["spec"]["volumeName"] = json!("pv1");
        assert!(PersistentVolumeClaimStrategy.validate_update(&named, &old).is_empty(), "binding sets volumeName once");
    }

    #[test]
    fn table_cells_follow_upstreams_printer() {
        let mut pvc = claim("1Gi");
        PersistentVolumeClaimStrategy.prepare_for_create(&mut pvc);
        pvc["spec"]["storageClassName"] = json!("fast");
        assert_eq!(PersistentVolumeClaimStrategy.table_cells(&pvc)[1..7], [json!("Pending"), json!(""), json!(""), json!(""), json!("fast"), json!("<unset>")]);
        pvc["spec"]["volumeName"] = json!("pv1");
        pvc["status"] = json!({"phase": "Bound", "capacity": {"storage": "1Gi"}, "accessModes": ["ReadWriteOnce"]});
        assert_eq!(PersistentVolumeClaimStrategy.table_cells(&pvc)[1..5], [json!("Bound"), json!("pv1"), json!("1Gi"), json!("RWO")]);
    }
}
