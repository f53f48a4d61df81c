//! The seam where Service IP and port allocation belongs.
//!
//! Upstream's Service REST storage runs an allocator before the strategy: it normalizes
//! `clusterIP`/`clusterIPs`, carries allocated values over on updates, defaults the IP
//! family fields from the cluster's service CIDRs, then allocates cluster IPs, node ports
//! and the health-check node port from bitmaps kept in etcd. The allocator is not written
//! yet: this module does everything of that *except* allocating, so a Service is stored
//! with what its client gave (`clusterIP` empty, `nodePort: 0` unless set) and its family
//! fields defaulted as upstream would. [`prepare`] is the one call site the allocator will
//! hook into, after [`prepare`]'s defaulting and before validation.

use serde_json::{Value, json};

use crate::builtin::object::{self, items, text};

/// The IP families the cluster's service CIDRs cover, primary first (`--service-cluster-ip-range`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceNetwork {
    /// `IPv4`, `IPv6`, or both.
    pub families: Vec<&'static str>,
}

impl Default for ServiceNetwork {
    /// A single-stack IPv4 cluster, upstream's default `10.0.0.0/24` range.
    fn default() -> Self {
        Self { families: vec!["IPv4"] }
    }
}

impl ServiceNetwork {
    /// Whether the cluster serves two families.
    pub fn dual_stack(&self) -> bool {
        self.families.len() > 1
    }

    fn primary(&self) -> &'static str {
        self.families.first().copied().unwrap_or("IPv4")
    }
}

/// The other family of `family`.
fn other_family(family: &str) -> &'static str {
    if family == "IPv4" { "IPv6" } else { "IPv4" }
}

/// The family of a cluster IP.
pub fn family_of(ip: &str) -> &'static str {
    if apimachinery::validation::net::is_ipv6(ip) { "IPv6" } else { "IPv4" }
}

/// Everything that precedes allocation, on create (`old` is `None`) and update.
pub fn prepare(service: &mut Value, old: Option<&Value>, network: &ServiceNetwork) {
    normalize_cluster_ips(service, old);
    if let Some(old) = old {
        keep_allocated_values(service, old);
    }
    init_ip_families(service, old, network);
}

/// Upstream's `NormalizeClusterIPs`: keeps `clusterIP` and `clusterIPs` in step for clients
/// that set only the singular field.
fn normalize_cluster_ips(service: &mut Value, old: Option<&Value>) {
    let ip = text(service, "/spec/clusterIP").to_owned();
    let ips = items(service, "/spec/clusterIPs").to_vec();
    let Some(old) = old else {
        if !ip.is_empty() && ips.is_empty() {
            object::set(service, "/spec/clusterIPs", json!([ip]));
        }
        return;
    };
    let (old_ip, old_ips) = (text(old, "/spec/clusterIP"), items(old, "/spec/clusterIPs"));
    if !old_ips.is_empty() && ips.is_empty() && old_ip == ip {
        object::set(service, "/spec/clusterIPs", json!(old_ips));
    }
    let same_ips = items(service, "/spec/clusterIPs") == old_ips;
    if old_ip != ip {
        if !old_ip.is_empty() && ip.is_empty() && same_ips {
            object::remove(service, "/spec/clusterIPs");
        }
        if !ip.is_empty() && same_ips {
            object::set(service, "/spec/clusterIPs", json!([ip]));
        }
    }
}

fn needs_node_port(service: &Value) -> bool {
    match text(service, "/spec/type") {
        "NodePort" => true,
        "LoadBalancer" => service.pointer("/spec/allocateLoadBalancerNodePorts").and_then(Value::as_bool) != Some(false),
        _ => false,
    }
}

/// Whether the service needs a health-check node port (LoadBalancer with `Local` policy).
pub fn needs_health_check(service: &Value) -> bool {
    text(service, "/spec/type") == "LoadBalancer" && text(service, "/spec/externalTrafficPolicy") == "Local"
}

/// Upstream's `patchAllocatedValues`: an update that leaves out allocated values (a
/// `kubectl apply` of the original manifest) keeps the old ones.
fn keep_allocated_values(service: &mut Value, old: &Value) {
    if text(service, "/spec/type") != "ExternalName" && text(old, "/spec/type") != "ExternalName" {
        if text(service, "/spec/clusterIP").is_empty() {
            object::set(service, "/spec/clusterIP", json!(text(old, "/spec/clusterIP")));
        }
        if items(service, "/spec/clusterIPs").is_empty() && !items(old, "/spec/clusterIPs").is_empty() {
            object::set(service, "/spec/clusterIPs", json!(items(old, "/spec/clusterIPs")));
        }
    }
    if needs_node_port(service) && needs_node_port(old) {
        keep_node_ports(service, old);
    }
    if needs_health_check(service) && needs_health_check(old) && service.pointer("/spec/healthCheckNodePort").and_then(Value::as_i64).unwrap_or(0) == 0 {
        object::set(service, "/spec/healthCheckNodePort", old.pointer("/spec/healthCheckNodePort").cloned().unwrap_or(json!(0)));
    }
}

/// Node ports by port name, unless the new service uses the old value for another port.
fn keep_node_ports(service: &mut Value, old: &Value) {
    let node_port = |p: &Value| p.get("nodePort").and_then(Value::as_i64).unwrap_or(0);
    let used: Vec<i64> = items(service, "/spec/ports").iter().map(node_port).filter(|n| *n != 0).collect();
    let old_ports = items(old, "/spec/ports").to_vec();
    let Some(ports) = service.pointer_mut("/spec/ports").and_then(Value::as_array_mut) else { return };
    for port in ports.iter_mut().filter(|p| node_port(p) == 0) {
        let name = text(port, "/name").to_owned();
        let previous = old_ports.iter().find(|p| text(p, "/name") == name).map_or(0, node_port);
        if previous != 0 && !used.contains(&previous) {
            port["nodePort"] = json!(previous);
        }
    }
}

/// The policy a service without one gets: the old one on update, dual-stack for a
/// selectorless headless service, single-stack otherwise.
fn default_policy(service: &Value, old: Option<&Value>) -> String {
    let old_policy = old.map(|o| text(o, "/spec/ipFamilyPolicy")).filter(|p| !p.is_empty());
    match old_policy {
        Some(policy) => policy.to_owned(),
        None if text(service, "/spec/clusterIP") == "None" && !object::is_set(service, "/spec/selector") => "RequireDualStack".into(),
        None => "SingleStack".into(),
    }
}

/// Upstream's `initIPFamilyFields`, less its errors (validation reports those): defaults
/// `ipFamilyPolicy`, infers `ipFamilies` from given cluster IPs, and fills in the cluster's
/// families.
fn init_ip_families(service: &mut Value, old: Option<&Value>, network: &ServiceNetwork) {
    if text(service, "/spec/type") == "ExternalName" {
        return;
    }
    if text(service, "/spec/ipFamilyPolicy").is_empty() {
        let policy = default_policy(service, old);
        object::set(service, "/spec/ipFamilyPolicy", json!(policy));
    }
    let policy = text(service, "/spec/ipFamilyPolicy").to_owned();
    let mut families: Vec<String> = object::texts(service, "/spec/ipFamilies").into_iter().map(str::to_owned).collect();
    for (i, ip) in object::texts(service, "/spec/clusterIPs").iter().enumerate() {
        if *ip == "None" {
            break;
        }
        if i >= families.len() && network.families.contains(&family_of(ip)) {
            families.push(family_of(ip).to_owned());
        }
    }
    let headless_without_selector = text(service, "/spec/clusterIP") == "None" && !object::is_set(service, "/spec/selector");
    if families.is_empty() {
        families.push(network.primary().to_owned());
    }
    let wants_two = policy != "SingleStack" && families.len() == 1;
    if wants_two && (headless_without_selector || network.dual_stack()) {
        families.push(other_family(&families[0]).to_owned());
    }
    object::set(service, "/spec/ipFamilies", json!(families));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prepared(service: Value, old: Option<&Value>) -> Value {
        let mut service = service;
        prepare(&mut service, old, &ServiceNetwork::default());
        service
    }

    #[test]
    fn families_default_like_upstream_on_a_single_stack_cluster() {
        let plain = prepared(json!({"spec": {"type": "ClusterIP", "selector": {"app": "web"}}}), None);
        assert_eq!((&plain["spec"]["ipFamilyPolicy"], &plain["spec"]["ipFamilies"]), (&json!("SingleStack"), &json!(["IPv4"])));
        let headless = prepared(json!({"spec": {"type": "ClusterIP", "clusterIP": "None"}}), None);
        assert_eq!(headless["spec"]["ipFamilyPolicy"], "RequireDualStack");
        assert_eq!(headless["spec"]["ipFamilies"], json!(["IPv4", "IPv6"]));
        assert_eq!(headless["spec"]["clusterIPs"], json!(["None"]));
        let external = prepared(json!({"spec": {"type": "ExternalName", "externalName": "example.com"}}), None);
        assert!(external["spec"].get("ipFamilyPolicy").is_none());
    }

    #[test]
    fn updates_keep_allocated_values() {
        let old = json!({"spec": {"type": "NodePort", "clusterIP": "10.0.0.9", "clusterIPs": ["10.0.0.9"], "ipFamilyPolicy": "SingleStack",
            "ports": [{"name": "http", "port": 80, "nodePort": 30080}]}});
        let new = prepared(json!({"spec": {"type": "NodePort", "ports": [{"name": "http", "port": 80}]}}), Some(&old));
        assert_eq!((&new["spec"]["clusterIP"], &new["spec"]["clusterIPs"]), (&json!("10.0.0.9"), &json!(["10.0.0.9"])));
        assert_eq!(new["spec"]["ports"][0]["nodePort"], 30080);
        let changed = prepared(json!({"spec": {"type": "NodePort", "clusterIP": "10.0.0.7", "clusterIPs": ["10.0.0.9"]}}), Some(&old));
        assert_eq!(changed["spec"]["clusterIPs"], json!(["10.0.0.7"]), "a changed clusterIP drags clusterIPs along, for validation to refuse");
    }
}
