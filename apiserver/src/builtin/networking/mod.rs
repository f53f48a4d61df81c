//! networking.k8s.io: ingresses, ingress classes and network policies.

mod ingress;
mod ingressclass;
mod networkpolicy;

use std::sync::Arc;

use apimachinery::resource::Resource;

use super::Entry;

/// The group's resources.
pub fn entries() -> Vec<Entry> {
    let v1 = |kind: &str, plural: &str, namespaced: bool| Resource::new("networking.k8s.io", "v1", kind, plural, namespaced);
    vec![
        (v1("Ingress", "ingresses", true).short_names(&["ing"]).subresources(&["status"]), Arc::new(ingress::IngressStrategy)),
        (v1("IngressClass", "ingressclasses", false), Arc::new(ingressclass::IngressClassStrategy)),
        (v1("NetworkPolicy", "networkpolicies", true).short_names(&["netpol"]), Arc::new(networkpolicy::NetworkPolicyStrategy)),
    ]
}
