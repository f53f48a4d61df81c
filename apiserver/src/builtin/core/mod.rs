//! The core group (`/api/v1`).

mod configmap;
mod endpoints;
pub mod event;
mod limitrange;
pub mod namespace;
mod node;
mod persistentvolume;
mod persistentvolumeclaim;
mod resourcequota;
mod resources;
mod secret;
pub mod service;
mod serviceaccount;

use std::sync::Arc;

use apimachinery::resource::Resource;

use super::Entry;

/// The core group's resources.
pub fn entries() -> Vec<Entry> {
    let v1 = |kind: &str, plural: &str, namespaced: bool| Resource::new("", "v1", kind, plural, namespaced);
    vec![
        (namespace::resource(v1("Namespace", "namespaces", false).short_names(&["ns"])), Arc::new(namespace::NamespaceStrategy)),
        (v1("ConfigMap", "configmaps", true).short_names(&["cm"]), Arc::new(configmap::ConfigMapStrategy)),
        (v1("Secret", "secrets", true), Arc::new(secret::SecretStrategy)),
        (v1("ServiceAccount", "serviceaccounts", true).short_names(&["sa"]), Arc::new(serviceaccount::ServiceAccountStrategy)),
        (node::resource(v1("Node", "nodes", false).short_names(&["no"]).subresources(&["status"])), Arc::new(node::NodeStrategy)),
        (
            v1("Service", "services", true).short_names(&["svc"]).categories(&["all"]).subresources(&["status"]),
            Arc::new(service::ServiceStrategy::default()),
        ),
        (v1("Endpoints", "endpoints", true).short_names(&["ep"]), Arc::new(endpoints::EndpointsStrategy)),
        (v1("Event", "events", true).short_names(&["ev"]), Arc::new(event::EventStrategy)),
        (v1("LimitRange", "limitranges", true).short_names(&["limits"]), Arc::new(limitrange::LimitRangeStrategy)),
        (v1("ResourceQuota", "resourcequotas", true).short_names(&["quota"]).subresources(&["status"]), Arc::new(resourcequota::ResourceQuotaStrategy)),
        (
            v1("PersistentVolume", "persistentvolumes", false).short_names(&["pv"]).subresources(&["status"]),
            Arc::new(persistentvolume::PersistentVolumeStrategy),
        ),
        (
            v1("PersistentVolumeClaim", "persistentvolumeclaims", true).short_names(&["pvc"]).subresources(&["status"]),
            Arc::new(persistentvolumeclaim::PersistentVolumeClaimStrategy),
        ),
    ]
}
