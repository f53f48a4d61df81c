//! Where a served kind's schema comes from. Built-in kinds take theirs from the k8s-openapi
//! types (`schemars` feature), which carry upstream's schema names and field descriptions; a
//! custom resource will bring a JSON schema from its CRD through its own [`SchemaSource`].

use apimachinery::resource::Resource;
use k8s_openapi::api;
use k8s_openapi::apiextensions_apiserver::pkg::apis::apiextensions;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ListMeta;
use k8s_openapi::kube_aggregator::pkg::apis::apiregistration;
use schemars::generate::SchemaGenerator;
use schemars::JsonSchema;
use serde_json::{Value, json};

/// The definition names a resource's operations refer to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindSchemas {
    /// The object's schema (`io.k8s.api.core.v1.ConfigMap`).
    pub object: String,
    /// The list's schema (`io.k8s.api.core.v1.ConfigMapList`).
    pub list: String,
}

/// Supplies the schemas of served kinds to the OpenAPI documents.
///
/// An implementation adds the object and list schemas of `resource` (and everything they refer
/// to) to the generator's definitions, with `$ref`s built by [`reference`], and returns their
/// names; `None` leaves the resource out of the documents. The documents add the
/// `x-kubernetes-group-version-kind` extensions themselves.
pub trait SchemaSource: Send + Sync {
    /// Defines `resource`'s schemas in `generator`, if this source knows them.
    fn schemas_for(&self, resource: &Resource, generator: &mut SchemaGenerator) -> Option<KindSchemas>;
}

/// The built-in kinds, from k8s-openapi.
#[derive(Debug, Clone, Copy, Default)]
pub struct Builtin;

impl SchemaSource for Builtin {
    fn schemas_for(&self, resource: &Resource, generator: &mut SchemaGenerator) -> Option<KindSchemas> {
        let object = builtin_object(&resource.group, &resource.version, &resource.kind, generator)?;
        let list = define_list(generator, &object, &resource.kind);
        Some(KindSchemas { object, list })
    }
}

/// Adds `T`'s schema to the generator's definitions and returns its name.
pub fn define<T: JsonSchema>(generator: &mut SchemaGenerator) -> String {
    generator.subschema_for::<T>();
    T::schema_name().into_owned()
}

/// A `$ref` to the definition `name`, in the generator's dialect (`#/definitions/…` for
/// Swagger 2.0, `#/components/schemas/…` for OpenAPI 3).
pub fn reference(generator: &SchemaGenerator, name: &str) -> Value {
    json!({"$ref": format!("#{}/{name}", generator.settings().definitions_path.trim_end_matches('/'))})
}

/// Defines `<object>List`, upstream's list shape for `kind`, and returns its name.
pub fn define_list(generator: &mut SchemaGenerator, object: &str, kind: &str) -> String {
    let list_meta = define::<ListMeta>(generator);
    let name = format!("{object}List");
    let property = |field: &str| generator.definitions().get(object).and_then(|o| o.pointer(&format!("/properties/{field}"))).cloned();
    let (api_version, kind_field) = (property("apiVersion"), property("kind"));
    let mut metadata = reference(generator, &list_meta);
    metadata["description"] = json!("The list's resourceVersion and continue token.");
    let schema = json!({
        "description": format!("A list of {kind} objects."),
        "type": "object",
        "properties": {
            "apiVersion": api_version.unwrap_or_else(|| json!({"type": "string"})),
            "items": {"description": format!("The {kind} objects."), "type": "array", "items": reference(generator, object)},
            "kind": kind_field.unwrap_or_else(|| json!({"type": "string"})),
            "metadata": metadata,
        },
        "required": ["items"],
    });
    generator.definitions_mut().insert(name.clone(), schema);
    name
}

/// Maps each served or soon-served built-in (group, version, kind) to its k8s-openapi type.
macro_rules! builtin_kinds {
    ($( ($group:literal, $version:literal, $kind:literal) => $ty:ty, )*) => {
        /// The (group, version, kind) of every built-in kind with a schema.
        pub const BUILTIN_KINDS: &[(&str, &str, &str)] = &[$(($group, $version, $kind)),*];

        /// Defines the object schema of a built-in kind and returns its name.
        fn builtin_object(group: &str, version: &str, kind: &str, generator: &mut SchemaGenerator) -> Option<String> {
            match (group, version, kind) {
                $(($group, $version, $kind) => Some(define::<$ty>(generator)),)*
                _ => None,
            }
        }
    };
}

builtin_kinds! {
    ("", "v1", "Binding") => api::core::v1::Binding,
    ("", "v1", "ComponentStatus") => api::core::v1::ComponentStatus,
    ("", "v1", "ConfigMap") => api::core::v1::ConfigMap,
    ("", "v1", "Endpoints") => api::core::v1::Endpoints,
    ("", "v1", "Event") => api::core::v1::Event,
    ("", "v1", "LimitRange") => api::core::v1::LimitRange,
    ("", "v1", "Namespace") => api::core::v1::Namespace,
    ("", "v1", "Node") => api::core::v1::Node,
    ("", "v1", "PersistentVolume") => api::core::v1::PersistentVolume,
    ("", "v1", "PersistentVolumeClaim") => api::core::v1::PersistentVolumeClaim,
    ("", "v1", "Pod") => api::core::v1::Pod,
    ("", "v1", "PodTemplate") => api::core::v1::PodTemplate,
    ("", "v1", "ReplicationController") => api::core::v1::ReplicationController,
    ("", "v1", "ResourceQuota") => api::core::v1::ResourceQuota,
    ("", "v1", "Secret") => api::core::v1::Secret,
    ("", "v1", "Service") => api::core::v1::Service,
    ("", "v1", "ServiceAccount") => api::core::v1::ServiceAccount,
    ("admissionregistration.k8s.io", "v1", "MutatingWebhookConfiguration") => api::admissionregistration::v1::MutatingWebhookConfiguration,
    ("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicy") => api::admissionregistration::v1::ValidatingAdmissionPolicy,
    ("admissionregistration.k8s.io", "v1", "ValidatingAdmissionPolicyBinding") => api::admissionregistration::v1::ValidatingAdmissionPolicyBinding,
    ("admissionregistration.k8s.io", "v1", "ValidatingWebhookConfiguration") => api::admissionregistration::v1::ValidatingWebhookConfiguration,
    ("apiextensions.k8s.io", "v1", "CustomResourceDefinition") => apiextensions::v1::CustomResourceDefinition,
    ("apiregistration.k8s.io", "v1", "APIService") => apiregistration::v1::APIService,
    ("apps", "v1", "ControllerRevision") => api::apps::v1::ControllerRevision,
    ("apps", "v1", "DaemonSet") => api::apps::v1::DaemonSet,
    ("apps", "v1", "Deployment") => api::apps::v1::Deployment,
    ("apps", "v1", "ReplicaSet") => api::apps::v1::ReplicaSet,
    ("apps", "v1", "StatefulSet") => api::apps::v1::StatefulSet,
    ("autoscaling", "v1", "HorizontalPodAutoscaler") => api::autoscaling::v1::HorizontalPodAutoscaler,
    ("autoscaling", "v1", "Scale") => api::autoscaling::v1::Scale,
    ("autoscaling", "v2", "HorizontalPodAutoscaler") => api::autoscaling::v2::HorizontalPodAutoscaler,
    ("batch", "v1", "CronJob") => api::batch::v1::CronJob,
    ("batch", "v1", "Job") => api::batch::v1::Job,
    ("certificates.k8s.io", "v1", "CertificateSigningRequest") => api::certificates::v1::CertificateSigningRequest,
    ("coordination.k8s.io", "v1", "Lease") => api::coordination::v1::Lease,
    ("discovery.k8s.io", "v1", "EndpointSlice") => api::discovery::v1::EndpointSlice,
    ("events.k8s.io", "v1", "Event") => api::events::v1::Event,
    ("networking.k8s.io", "v1", "Ingress") => api::networking::v1::Ingress,
    ("networking.k8s.io", "v1", "IngressClass") => api::networking::v1::IngressClass,
    ("networking.k8s.io", "v1", "NetworkPolicy") => api::networking::v1::NetworkPolicy,
    ("node.k8s.io", "v1", "RuntimeClass") => api::node::v1::RuntimeClass,
    ("policy", "v1", "Eviction") => api::policy::v1::Eviction,
    ("policy", "v1", "PodDisruptionBudget") => api::policy::v1::PodDisruptionBudget,
    ("rbac.authorization.k8s.io", "v1", "ClusterRole") => api::rbac::v1::ClusterRole,
    ("rbac.authorization.k8s.io", "v1", "ClusterRoleBinding") => api::rbac::v1::ClusterRoleBinding,
    ("rbac.authorization.k8s.io", "v1", "Role") => api::rbac::v1::Role,
    ("rbac.authorization.k8s.io", "v1", "RoleBinding") => api::rbac::v1::RoleBinding,
    ("scheduling.k8s.io", "v1", "PriorityClass") => api::scheduling::v1::PriorityClass,
    ("storage.k8s.io", "v1", "CSIDriver") => api::storage::v1::CSIDriver,
    ("storage.k8s.io", "v1", "CSINode") => api::storage::v1::CSINode,
    ("storage.k8s.io", "v1", "CSIStorageCapacity") => api::storage::v1::CSIStorageCapacity,
    ("storage.k8s.io", "v1", "StorageClass") => api::storage::v1::StorageClass,
    ("storage.k8s.io", "v1", "VolumeAttachment") => api::storage::v1::VolumeAttachment,
}

#[cfg(test)]
mod tests {
    use super::*;
    use schemars::generate::SchemaSettings;

    #[test]
    fn every_builtin_kind_has_a_schema_named_as_upstream() {
        let mut generator = SchemaSettings::openapi3().into_generator();
        for (group, version, kind) in BUILTIN_KINDS {
            let resource = Resource::new(group, version, kind, &format!("{}s", kind.to_lowercase()), true);
            let schemas = Builtin.schemas_for(&resource, &mut generator);
            let Some(KindSchemas { object, list }) = schemas else { panic!("no schema for {group}/{version} {kind}") };
            assert!(object.starts_with("io.k8s.") && object.ends_with(&format!(".{kind}")), "{object}");
            assert_eq!(list, format!("{object}List"));
            assert!(generator.definitions().contains_key(&object) && generator.definitions().contains_key(&list));
        }
        let unknown = Resource::new("example.com", "v1", "Widget", "widgets", true);
        assert!(Builtin.schemas_for(&unknown, &mut generator).is_none());
    }

    #[test]
    fn a_list_refers_to_its_items_in_the_generators_dialect() {
        let mut generator = SchemaSettings::openapi3().into_generator();
        let configmaps = Resource::new("", "v1", "ConfigMap", "configmaps", true);
        let schemas = Builtin.schemas_for(&configmaps, &mut generator).expect("ConfigMap is built in");
        let list = &generator.definitions()[&schemas.list];
        assert_eq!(list["properties"]["items"]["items"]["$ref"], "#/components/schemas/io.k8s.api.core.v1.ConfigMap");
        assert_eq!(list["properties"]["apiVersion"]["type"], "string");
    }
}
