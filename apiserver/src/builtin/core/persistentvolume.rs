//! PersistentVolumes (core/v1), and what claims share with them: access modes, storage
//! class and volume mode.

use apimachinery::field::{self, Path};
use apimachinery::registry::{Decoded, Strategy};
use apimachinery::table::{self, Column};
use apimachinery::validation;
use serde_json::{Value, json};

use super::resources;
use crate::builtin::object::{self, invalid_each, text, texts};

/// Access modes, as upstream lists them in errors (sorted).
const ACCESS_MODES: [&str; 4] = ["ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"];
const VOLUME_MODES: [&str; 2] = ["Block", "Filesystem"];
const RECLAIM_POLICIES: [&str; 3] = ["Delete", "Recycle", "Retain"];
/// The annotation that named a storage class before `storageClassName`.
const BETA_CLASS_ANNOTATION: &str = "volume.beta.kubernetes.io/storage-class";
/// The volume sources of `spec` (upstream's `PersistentVolumeSource`).
pub const SOURCES: [&str; 22] = [
    "gcePersistentDisk",
    "awsElasticBlockStore",
    "hostPath",
    "glusterfs",
    "nfs",
    "rbd",
    "iscsi",
    "cinder",
    "cephfs",
    "fc",
    "flocker",
    "flexVolume",
    "azureFile",
    "vsphereVolume",
    "quobyte",
    "azureDisk",
    "photonPersistentDisk",
    "portworxVolume",
    "scaleIO",
    "local",
    "storageos",
    "csi",
];

/// PersistentVolumes: reclaim policy `Retain` and volume mode `Filesystem` by default,
/// status `Pending` on create; one volume source, capacity, access modes checked; the
/// source, volume mode and node affinity fixed once set.
pub struct PersistentVolumeStrategy;

impl Strategy for PersistentVolumeStrategy {
    fn decode(&self, object: Value) -> Result<Decoded, String> {
        let mut volume = crate::builtin::typed::<k8s_openapi::api::core::v1::PersistentVolume>(object)?;
        resources::canonicalize(&mut volume.object, "/spec/capacity")?;
        Ok(volume)
    }

    fn prepare_for_create(&self, object: &mut Value) {
        set_defaults(object);
        object::set(object, "/status", json!({"phase": "Pending", "lastPhaseTransitionTime": apimachinery::registry::meta::now()}));
    }

    fn prepare_for_update(&self, object: &mut Value, _old: &Value) {
        set_defaults(object);
    }

    fn validate(&self, object: &Value) -> field::ErrorList {
        let spec = Path::new("spec");
        let mut errors = validate_access_modes(object, "/spec/accessModes", &spec.child("accessModes"), "");
        errors.extend(validate_capacity(object));
        errors.extend(validate_source(object));
        errors.extend(object::optional_one_of(object, "/spec/persistentVolumeReclaimPolicy", "spec.persistentVolumeReclaimPolicy", &RECLAIM_POLICIES));
        errors.extend(validate_class(text(object, "/spec/storageClassName"), &spec.child("storageClassName")));
        errors.extend(object::optional_one_of(object, "/spec/volumeMode", "spec.volumeMode", &VOLUME_MODES));
        if object::is_set(object, "/spec/nodeAffinity") && !object::is_set(object, "/spec/nodeAffinity/required") {
            errors.push(field::Error::required(&spec.child("nodeAffinity").child("required"), "must specify required node constraints"));
        }
        errors
    }

    fn validate_update(&self, object: &Value, old: &Value) -> field::ErrorList {
        let mut errors = self.validate(object);
        let source = |v: &Value| SOURCES.iter().map(|s| v.pointer(&format!("/spec/{s}")).cloned()).collect::<Vec<_>>();
        if source(object) != source(old) {
            let detail = format!("spec.persistentvolumesource is immutable after creation\n{}", object::spec_diff(old, object, &SOURCES));
            errors.push(field::Error::forbidden(&Path::new("spec").child("persistentvolumesource"), detail));
        }
        errors.extend(object::immutable(object, old, "/spec/volumeMode", "volumeMode"));
        if object::is_set(old, "/spec/nodeAffinity") && object.pointer("/spec/nodeAffinity") != old.pointer("/spec/nodeAffinity") {
            let affinity = object.pointer("/spec/nodeAffinity").cloned().unwrap_or(Value::Null);
            errors.push(field::Error::invalid(&Path::new("nodeAffinity"), affinity, "field is immutable, except for updating from beta label to GA"));
        }
        errors
    }

    fn table_columns(&self) -> Vec<Column> {
        vec![
            table::NAME,
            Column::new("Capacity", "string", "capacity is the description of the persistent volume's resources and capacity."),
            Column::new("Access Modes", "string", "accessModes contains all ways the volume can be mounted."),
            Column::new("Reclaim Policy", "string", "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim."),
            Column::new("Status", "string", "phase indicates if a volume is available, bound to a claim, or released by a claim."),
            Column::new("Claim", "string", "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim."),
            Column::new("StorageClass", "string", "StorageClass of the pv"),
            Column::new("VolumeAttributesClass", "string", "VolumeAttributesClass of the pv"),
            Column::new("Reason", "string", "reason is a brief CamelCase string that describes any failure and is meant for machine parsing and tidy display in the CLI."),
            table::AGE,
            Column::new("VolumeMode", "string", "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.").wide(),
        ]
    }

    fn table_cells(&self, object: &Value) -> Vec<Value> {
        let claim = match object.pointer("/spec/claimRef").filter(|c| c.is_object()) {
            Some(claim) => format!("{}/{}", text(claim, "/namespace"), text(claim, "/name")),
            None => String::new(),
        };
        let capacity = resources::quantity(object, "/spec/capacity", "storage").map_or("0".to_owned(), |q| q.to_string());
        vec![
            table::name_cell(object),
            json!(capacity),
            json!(access_modes_text(object, "/spec/accessModes")),
            json!(text(object, "/spec/persistentVolumeReclaimPolicy")),
            json!(phase(object)),
            json!(claim),
            json!(storage_class(object)),
            json!(unset_or(text(object, "/spec/volumeAttributesClassName"))),
            json!(text(object, "/status/reason")),
            table::age_cell(object),
            json!(unset_or(text(object, "/spec/volumeMode"))),
        ]
    }
}

/// Upstream's `SetDefaults_PersistentVolume` (its status default is part of create).
fn set_defaults(volume: &mut Value) {
    object::default_to(volume, "/spec/persistentVolumeReclaimPolicy", json!("Retain"));
    object::default_to(volume, "/spec/volumeMode", json!("Filesystem"));
}

/// `status.phase`, or `Terminating` once deleted.
pub fn phase(object: &Value) -> String {
    if object::is_set(object, "/metadata/deletionTimestamp") { "Terminating".into() } else { text(object, "/status/phase").to_owned() }
}

/// `value`, or `<unset>`.
pub fn unset_or(value: &str) -> String {
    if value.is_empty() { "<unset>".into() } else { value.to_owned() }
}

/// The storage class: the old beta annotation if present, else `spec.storageClassName`.
pub fn storage_class(object: &Value) -> String {
    match object.pointer("/metadata/annotations").and_then(|a| a.get(BETA_CLASS_ANNOTATION)).and_then(Value::as_str) {
        Some(class) => class.to_owned(),
        None => text(object, "/spec/storageClassName").to_owned(),
    }
}

/// Upstream's `GetAccessModesAsString`: `RWO,ROX,RWX,RWOP`, in that order.
pub fn access_modes_text(object: &Value, pointer: &str) -> String {
    let modes = texts(object, pointer);
    let short = [("ReadWriteOnce", "RWO"), ("ReadOnlyMany", "ROX"), ("ReadWriteMany", "RWX"), ("ReadWriteOncePod", "RWOP")];
    short.iter().filter(|(mode, _)| modes.contains(mode)).map(|(_, s)| *s).collect::<Vec<_>>().join(",")
}

/// At least one supported mode, and `ReadWriteOncePod` alone; `required` is the detail of
/// the missing-modes error.
pub fn validate_access_modes(object: &Value, pointer: &str, path: &Path, required: &str) -> field::ErrorList {
    let modes = texts(object, pointer);
    let mut errors = Vec::new();
    if modes.is_empty() {
        errors.push(field::Error::required(path, required));
    }
    for mode in &modes {
        if !ACCESS_MODES.contains(mode) {
            errors.push(field::Error::not_supported(path, *mode, &ACCESS_MODES));
        }
    }
    if modes.contains(&"ReadWriteOncePod") && modes.len() > 1 {
        errors.push(field::Error::forbidden(path, "may not use ReadWriteOncePod with other access modes"));
    }
    errors
}

/// A storage class name, when given, is a DNS subdomain.
pub fn validate_class(class: &str, path: &Path) -> field::ErrorList {
    if class.is_empty() { Vec::new() } else { invalid_each(path, class, validation::dns1123_subdomain(class)) }
}

/// Exactly `storage`, positive.
fn validate_capacity(volume: &Value) -> field::ErrorList {
    let path = Path::new("spec").child("capacity");
    let capacity = volume.pointer("/spec/capacity").and_then(Value::as_object);
    let mut errors = Vec::new();
    if capacity.is_none_or(|c| c.is_empty()) {
        errors.push(field::Error::required(&path, ""));
    }
    if capacity.is_none_or(|c| !c.contains_key("storage") || c.len() > 1) {
        let shown = volume.pointer("/spec/capacity").cloned().unwrap_or(Value::Null);
        errors.push(field::Error::not_supported(&path, shown, &["storage"]));
    }
    for (name, quantity) in resources::quantities(volume, "/spec/capacity") {
        if quantity.is_negative() || quantity.is_zero() {
            errors.push(field::Error::invalid(&path.key(&name), quantity.to_string(), "must be greater than zero"));
        }
    }
    errors
}

/// One volume source, with the fields its kind requires.
fn validate_source(volume: &Value) -> field::ErrorList {
    let spec = Path::new("spec");
    let given: Vec<&str> = SOURCES.iter().copied().filter(|s| volume.pointer(&format!("/spec/{s}")).is_some_and(|v| !v.is_null())).collect();
    let mut errors = Vec::new();
    match given.as_slice() {
        [] => errors.push(field::Error::required(&spec, "must specify a volume type")),
        [_, more @ ..] => {
            errors.extend(more.iter().map(|s| field::Error::forbidden(&spec.child(s), "may not specify more than 1 volume type")));
        }
    }
    let required = [("hostPath", "path"), ("nfs", "server"), ("nfs", "path"), ("local", "path"), ("csi", "driver"), ("csi", "volumeHandle")];
    for (source, field) in required {
        if given.contains(&source) && text(volume, &format!("/spec/{source}/{field}")).is_empty() {
            errors.push(field::Error::required(&spec.child(source).child(field), ""));
        }
    }
    if given.contains(&"local") && !object::is_set(volume, "/spec/nodeAffinity") {
        errors.push(field::Error::required(&Path::new("metadata").child("annotations"), "Local volume requires node affinity"));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn volume() -> Value {
        json!({"metadata": {"name": "pv1", "creationTimestamp": "2020-01-01T00:00:00Z"}, "spec": {
            "capacity": {"storage": "10Gi"}, "accessModes": ["ReadWriteMany", "ReadWriteOnce"], "hostPath": {"path": "/data"}}})
    }

    #[test]
    fn defaults_status_and_table() {
        let mut pv = volume();
        PersistentVolumeStrategy.prepare_for_create(&mut pv);
        assert_eq!((&pv["spec"]["persistentVolumeReclaimPolicy"], &pv["spec"]["volumeMode"]), (&json!("Retain"), &json!("Filesystem")));
        assert_eq!(pv["status"]["phase"], "Pending");
        assert!(PersistentVolumeStrategy.validate(&pv).is_empty(), "{:?}", PersistentVolumeStrategy.validate(&pv));
        pv["spec"]["claimRef"] = json!({"namespace": "team", "name": "data"});
        let cells = PersistentVolumeStrategy.table_cells(&pv);
        assert_eq!(cells[1..9], [json!("10Gi"), json!("RWO,RWX"), json!("Retain"), json!("Pending"), json!("team/data"), json!(""), json!("<unset>"), json!("")]);
        assert_eq!(cells[10], "Filesystem");
    }

    #[test]
    fn validation_messages_match_upstream() {
        let errors: Vec<String> = PersistentVolumeStrategy.validate(&json!({"spec": {"accessModes": ["Sometimes"], "hostPath": {}, "nfs": {"server": "s", "path": "/x"}}}))
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            errors,
            [
                r#"spec.accessModes: Unsupported value: "Sometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod""#,
                "spec.capacity: Required value",
                r#"spec.capacity: Unsupported value: null: supported values: "storage""#,
                "spec.nfs: Forbidden: may not specify more than 1 volume type",
                "spec.hostPath.path: Required value",
            ]
        );
        let old = volume();
        let mut new = volume();
        new["spec"]["hostPath"]["path"] = json!("/elsewhere");
        let errors = PersistentVolumeStrategy.validate_update(&new, &old);
        assert!(errors[0].to_string().starts_with("spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation\n"), "{errors:?}");
    }
}
