//! Endpoints (core/v1): a service's backing addresses, as the endpoints controller writes them.

use apimachinery::field::{self, Path};
use apimachinery::registry::{Decoded, Strategy};
use apimachinery::table::{self, Column};
use apimachinery::validation::{self, net};
use serde_json::{Value, json};

use crate::builtin::object::{self, invalid_each, items, text};

const PROTOCOLS: [&str; 3] = ["SCTP", "TCP", "UDP"];
/// How many addresses the table shows before `+ N more...`.
const SHOWN: usize = 3;

/// Endpoints: ports default to TCP; addresses, ports and names checked as upstream's
/// `ValidateEndpoints`.
pub struct EndpointsStrategy;

impl Strategy for EndpointsStrategy {
    fn decode(&self, object: Value) -> Result<Decoded, String> {
        crate::builtin::typed::<k8s_openapi::api::core::v1::Endpoints>(object)
    }

    fn prepare_for_create(&self, object: &mut Value) {
        default_protocols(object);
    }

    fn prepare_for_update(&self, object: &mut Value, _old: &Value) {
        default_protocols(object);
    }

    fn validate(&self, object: &Value) -> field::ErrorList {
        let path = Path::new("subsets");
        let mut errors = Vec::new();
        for (i, subset) in items(object, "/subsets").iter().enumerate() {
            errors.extend(validate_subset(subset, &path.index(i)));
        }
        errors
    }

    fn table_columns(&self) -> Vec<Column> {
        let endpoints = Column::new("Endpoints", "string", "The set of all endpoints is the union of all subsets.");
        vec![table::NAME, endpoints, table::AGE]
    }

    fn table_cells(&self, object: &Value) -> Vec<Value> {
        vec![table::name_cell(object), json!(endpoints_text(object)), table::age_cell(object)]
    }
}

/// Upstream's `SetDefaults_Endpoints`.
fn default_protocols(endpoints: &mut Value) {
    let subsets = endpoints.get_mut("subsets").and_then(Value::as_array_mut).into_iter().flatten();
    for port in subsets.filter_map(|s| s.get_mut("ports").and_then(Value::as_array_mut)).flatten() {
        object::default_to(port, "/protocol", json!("TCP"));
    }
}

fn validate_subset(subset: &Value, path: &Path) -> field::ErrorList {
    let mut errors = Vec::new();
    if items(subset, "/addresses").is_empty() && items(subset, "/notReadyAddresses").is_empty() {
        errors.push(field::Error::required(path, "must specify `addresses` or `notReadyAddresses`"));
    }
    for list in ["addresses", "notReadyAddresses"] {
        for (i, address) in items(subset, &format!("/{list}")).iter().enumerate() {
            errors.extend(validate_address(address, &path.child(list).index(i)));
        }
    }
    let ports = items(subset, "/ports");
    for (i, port) in ports.iter().enumerate() {
        errors.extend(validate_port(port, ports.len() > 1, &path.child("ports").index(i)));
    }
    errors
}

fn validate_address(address: &Value, path: &Path) -> field::ErrorList {
    let ip = text(address, "/ip");
    let mut errors = net::ip(&path.child("ip"), ip);
    let hostname = text(address, "/hostname");
    if !hostname.is_empty() {
        errors.extend(invalid_each(&path.child("hostname"), hostname, validation::dns1123_label(hostname)));
    }
    if let Some(node) = address.get("nodeName").and_then(Value::as_str) {
        errors.extend(invalid_each(&path.child("nodeName"), node, validation::dns1123_subdomain(node)));
    }
    errors.extend(net::non_special_ip(&path.child("ip"), ip));
    errors
}

fn validate_port(port: &Value, require_name: bool, path: &Path) -> field::ErrorList {
    let mut errors = Vec::new();
    let name = text(port, "/name");
    if require_name && name.is_empty() {
        errors.push(field::Error::required(&path.child("name"), ""));
    } else if !name.is_empty() {
        errors.extend(invalid_each(&path.child("name"), name, validation::dns1123_label(name)));
    }
    let number = port.get("port").and_then(Value::as_i64).unwrap_or(0);
    errors.extend(net::port_number(number).into_iter().map(|m| field::Error::invalid(&path.child("port"), number, m)));
    errors.extend(object::one_of(port, "/protocol", &path.child("protocol").to_string(), &PROTOCOLS));
    if let Some(protocol) = port.get("appProtocol").and_then(Value::as_str) {
        errors.extend(invalid_each(&path.child("appProtocol"), protocol, validation::qualified_name(protocol)));
    }
    errors
}

/// Upstream's `formatEndpoints`: `ip:port` per ready address and port (bare IPs for a
/// subset without ports), the first three, then `+ N more...`; `<none>` without subsets.
fn endpoints_text(endpoints: &Value) -> String {
    let subsets = items(endpoints, "/subsets");
    if subsets.is_empty() {
        return "<none>".into();
    }
    let mut shown = Vec::new();
    let mut total = 0;
    for subset in subsets {
        let addresses: Vec<&str> = items(subset, "/addresses").iter().map(|a| text(a, "/ip")).collect();
        let ports: Vec<i64> = items(subset, "/ports").iter().map(|p| p.get("port").and_then(Value::as_i64).unwrap_or(0)).collect();
        if ports.is_empty() {
            total += addresses.len();
            shown.extend(addresses.iter().map(|ip| (*ip).to_owned()));
            continue;
        }
        for port in ports {
            total += addresses.len();
            shown.extend(addresses.iter().map(|ip| host_port(ip, port)));
        }
    }
    table::abbreviated(&shown, total, SHOWN)
}

/// `ip:port`, with IPv6 addresses bracketed, as Go's `net.JoinHostPort`.
fn host_port(ip: &str, port: i64) -> String {
    if ip.contains(':') { format!("[{ip}]:{port}") } else { format!("{ip}:{port}") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_lists_three_endpoints_then_counts_the_rest() {
        let endpoints = json!({"subsets": [
            {"addresses": [{"ip": "10.0.0.1"}, {"ip": "10.0.0.2"}], "ports": [{"port": 80}]},
            {"addresses": [{"ip": "10.0.0.3"}, {"ip": "fd00::1"}], "ports": [{"port": 80}]},
        ]});
        assert_eq!(endpoints_text(&endpoints), "10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 1 more...");
        assert_eq!(endpoints_text(&json!({"subsets": [{"addresses": [{"ip": "fd00::1"}]}]})), "fd00::1");
        assert_eq!(endpoints_text(&json!({})), "<none>");
        assert_eq!(host_port("fd00::1", 80), "[fd00::1]:80");
    }

    #[test]
    fn defaults_and_validation() {
        let mut endpoints = json!({"subsets": [{"addresses": [{"ip": "127.0.0.1"}], "ports": [{"port": 80}, {"port": 0, "name": "x"}]}, {}]});
        EndpointsStrategy.prepare_for_create(&mut endpoints);
        assert_eq!(endpoints["subsets"][0]["ports"][0]["protocol"], "TCP");
        let errors: Vec<String> = EndpointsStrategy.validate(&endpoints).iter().map(ToString::to_string).collect();
        assert_eq!(
            errors,
            [
                r#"subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)"#,
                "subsets[0].ports[0].name: Required value",
                "subsets[0].ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive",
                "subsets[1]: Required value: must specify `addresses` or `notReadyAddresses`",
            ]
        );
    }
}
