//! Services (core/v1): upstream's defaults, validation and table; cluster IPs and node
//! ports are not allocated yet (see [`allocation`]).

pub mod allocation;
mod validation;

use apimachinery::field;
use apimachinery::registry::{Decoded, Strategy};
use apimachinery::table::{self, Column};
use serde_json::{Value, json};

pub use self::validation::validate_port_number_or_name;
use self::allocation::ServiceNetwork;
use crate::builtin::object::{self, items, text, texts};

/// Upstream's default ClientIP affinity timeout, three hours.
const DEFAULT_AFFINITY_SECONDS: i64 = 10800;

/// Services: DNS-1035 names; upstream's `SetDefaults_Service`, then the allocation seam;
/// validation as upstream's, with `clusterIPs[0]` and the IP families fixed once set.
#[derive(Default)]
pub struct ServiceStrategy {
    /// The families the cluster's service CIDRs cover.
    pub network: ServiceNetwork,
}

impl Strategy for ServiceStrategy {
    fn decode(&self, object: Value) -> Result<Decoded, String> {
        crate::builtin::typed::<k8s_openapi::api::core::v1::Service>(object)
    }

    fn name_rule(&self) -> fn(&str) -> Vec<String> {
        apimachinery::validation::dns1035_label
    }

    fn prepare_for_create(&self, object: &mut Value) {
        set_defaults(object);
        allocation::prepare(object, None, &self.network);
    }

    fn prepare_for_update(&self, object: &mut Value, old: &Value) {
        set_defaults(object);
        allocation::prepare(object, Some(old), &self.network);
    }

    fn validate(&self, object: &Value) -> field::ErrorList {
        validation::validate(object, &self.network)
    }

    fn validate_update(&self, object: &Value, old: &Value) -> field::ErrorList {
        let mut errors = validation::validate_update(object, old);
        errors.extend(self.validate(object));
        errors
    }

    fn validate_status_update(&self, object: &Value, _old: &Value) -> field::ErrorList {
        validation::validate_status(object)
    }

    fn table_columns(&self) -> Vec<Column> {
        vec![
            table::NAME,
            Column::new("Type", "string", "type determines how the Service is exposed."),
            Column::new("Cluster-IP", "string", "clusterIP is the IP address of the service and is usually assigned randomly."),
            Column::new("External-IP", "string", "externalIPs is a list of IP addresses for which nodes in the cluster will also accept traffic for this service."),
            Column::new("Port(s)", "string", "The list of ports that are exposed by this service."),
            table::AGE,
            Column::new("Selector", "string", "Route service traffic to pods with label keys and values matching this selector.").wide(),
        ]
    }

    fn table_cells(&self, object: &Value) -> Vec<Value> {
        let cluster_ip = texts(object, "/spec/clusterIPs").first().map_or("<none>".to_owned(), |ip| (*ip).to_owned());
        let ports = port_text(object);
        vec![
            table::name_cell(object),
            json!(text(object, "/spec/type")),
            json!(cluster_ip),
            json!(external_ip(object)),
            json!(if ports.is_empty() { "<none>".to_owned() } else { ports }),
            table::age_cell(object),
            json!(table::labels_text(object.pointer("/spec/selector"))),
        ]
    }
}

/// Upstream's `SetDefaults_Service`.
fn set_defaults(service: &mut Value) {
    object::default_to(service, "/spec/sessionAffinity", json!("None"));
    match text(service, "/spec/sessionAffinity") {
        "None" => object::remove(service, "/spec/sessionAffinityConfig"),
        "ClientIP" if service.pointer("/spec/sessionAffinityConfig/clientIP/timeoutSeconds").is_none_or(Value::is_null) => {
            object::set(service, "/spec/sessionAffinityConfig", json!({"clientIP": {"timeoutSeconds": DEFAULT_AFFINITY_SECONDS}}));
        }
        _ => {}
    }
    object::default_to(service, "/spec/type", json!("ClusterIP"));
    if let Some(ports) = service.pointer_mut("/spec/ports").and_then(Value::as_array_mut) {
        for port in ports.iter_mut().filter(|p| p.is_object()) {
            object::default_to(port, "/protocol", json!("TCP"));
            if matches!(port.get("targetPort"), None | Some(Value::Null)) || port["targetPort"] == json!(0) || port["targetPort"] == json!("") {
                port["targetPort"] = port.get("port").cloned().unwrap_or(json!(0));
            }
        }
    }
    if validation::externally_accessible(service) {
        object::default_to(service, "/spec/externalTrafficPolicy", json!("Cluster"));
    }
    let kind = text(service, "/spec/type").to_owned();
    if matches!(kind.as_str(), "NodePort" | "LoadBalancer" | "ClusterIP") {
        object::default_to(service, "/spec/internalTrafficPolicy", json!("Cluster"));
    }
    if kind == "LoadBalancer" {
        if service.pointer("/spec/allocateLoadBalancerNodePorts").is_none_or(Value::is_null) {
            object::set(service, "/spec/allocateLoadBalancerNodePorts", json!(true));
        }
        if let Some(ingress) = service.pointer_mut("/status/loadBalancer/ingress").and_then(Value::as_array_mut) {
            for entry in ingress.iter_mut().filter(|e| !text(e, "/ip").is_empty()) {
                object::default_to(entry, "/ipMode", json!("VIP"));
            }
        }
    }
}

/// `80/TCP`, or `80:30080/TCP` with a node port, comma-separated.
fn port_text(service: &Value) -> String {
    let ports = items(service, "/spec/ports").iter().map(|port| {
        let (number, protocol) = (port.get("port").and_then(Value::as_i64).unwrap_or(0), text(port, "/protocol"));
        match port.get("nodePort").and_then(Value::as_i64).unwrap_or(0) {
            0 => format!("{number}/{protocol}"),
            node_port => format!("{number}:{node_port}/{protocol}"),
        }
    });
    ports.collect::<Vec<_>>().join(",")
}

/// Upstream's `getServiceExternalIP` (not clipped: the server prints the wide form).
fn external_ip(service: &Value) -> String {
    let external: Vec<&str> = texts(service, "/spec/externalIPs");
    match text(service, "/spec/type") {
        "ClusterIP" | "NodePort" if external.is_empty() => "<none>".into(),
        "ClusterIP" | "NodePort" => external.join(","),
        "LoadBalancer" => {
            let mut addresses: Vec<&str> = items(service, "/status/loadBalancer/ingress")
                .iter()
                .map(|i| if text(i, "/ip").is_empty() { text(i, "/hostname") } else { text(i, "/ip") })
                .filter(|a| !a.is_empty())
                .collect();
            addresses.sort_unstable();
            addresses.dedup();
            addresses.extend(external);
            if addresses.is_empty() { "<pending>".into() } else { addresses.join(",") }
        }
        "ExternalName" => text(service, "/spec/externalName").to_owned(),
        _ => "<unknown>".into(),
    }
}

#[cfg(test)]
mod tests;
