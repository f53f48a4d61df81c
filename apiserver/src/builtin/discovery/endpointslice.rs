//! EndpointSlices (discovery.k8s.io/v1).

use apimachinery::field::{self, Path};
use apimachinery::registry::{Decoded, Strategy};
use apimachinery::table::{self, Column};
use apimachinery::validation::{self, net};
use serde_json::{Value, json};

use crate::builtin::object::{self, invalid_each, items, text};
use crate::builtin::selectors;

const ADDRESS_TYPES: [&str; 3] = ["FQDN", "IPv4", "IPv6"];
const PROTOCOLS: [&str; 3] = ["SCTP", "TCP", "UDP"];
const MAX_ENDPOINTS: usize = 1000;
const MAX_ADDRESSES: usize = 100;
const MAX_PORTS: usize = 100;
const MAX_TOPOLOGY_LABELS: usize = 16;
/// How many ports or addresses the table shows before `+ N more...`.
const SHOWN: usize = 3;

/// EndpointSlices: ports default to name `""` and TCP; at most 1000 endpoints of 1 to 100
/// addresses of the slice's address type, which never changes; generation counted.
pub struct EndpointSliceStrategy;

impl Strategy for EndpointSliceStrategy {
    fn decode(&self, object: Value) -> Result<Decoded, String> {
        crate::builtin::typed::<k8s_openapi::api::discovery::v1::EndpointSlice>(object)
    }

    fn prepare_for_create(&self, object: &mut Value) {
        default_ports(object);
    }

    fn prepare_for_update(&self, object: &mut Value, _old: &Value) {
        default_ports(object);
    }

    fn tracks_generation(&self) -> bool {
        true
    }

    fn validate(&self, object: &Value) -> field::ErrorList {
        let mut errors = object::one_of(object, "/addressType", "addressType", &ADDRESS_TYPES);
        errors.extend(validate_endpoints(object));
        errors.extend(validate_ports(object));
        errors
    }

    fn validate_update(&self, object: &Value, old: &Value) -> field::ErrorList {
        let mut errors = self.validate(object);
        errors.extend(object::immutable(object, old, "/addressType", "addressType"));
        errors
    }

    fn table_columns(&self) -> Vec<Column> {
        vec![
            table::NAME,
            Column::new("AddressType", "string", "addressType specifies the type of address carried by this EndpointSlice."),
            Column::new("Ports", "string", "ports specifies the list of network ports exposed by each endpoint in this slice."),
            Column::new("Endpoints", "string", "endpoints is a list of unique endpoints in this slice."),
            table::AGE,
        ]
    }

    fn table_cells(&self, object: &Value) -> Vec<Value> {
        let ports: Vec<String> = items(object, "/ports")
            .iter()
            .map(|p| match (p.get("port").and_then(Value::as_i64), p.get("name").and_then(Value::as_str)) {
                (Some(port), _) => port.to_string(),
                (None, Some(name)) => name.to_owned(),
                (None, None) => "*".to_owned(),
            })
            .collect();
        let addresses: Vec<String> = items(object, "/endpoints").iter().flat_map(|e| object::texts(e, "/addresses")).map(str::to_owned).collect();
        vec![
            table::name_cell(object),
            json!(text(object, "/addressType")),
            json!(unset_if_empty(table::abbreviated(&ports, ports.len(), SHOWN))),
            json!(unset_if_empty(table::abbreviated(&addresses, addresses.len(), SHOWN))),
            table::age_cell(object),
        ]
    }
}

fn unset_if_empty(text: String) -> String {
    if text.is_empty() { "<unset>".into() } else { text }
}

/// Upstream's `SetDefaults_EndpointPort`.
fn default_ports(slice: &mut Value) {
    for port in slice.get_mut("ports").and_then(Value::as_array_mut).into_iter().flatten() {
        if port.get("name").is_none_or(Value::is_null) {
            port["name"] = json!("");
        }
        object::default_to(port, "/protocol", json!("TCP"));
    }
}

fn validate_endpoints(slice: &Value) -> field::ErrorList {
    let path = Path::new("endpoints");
    let endpoints = items(slice, "/endpoints");
    if endpoints.len() > MAX_ENDPOINTS {
        return vec![field::Error::too_many(&path, endpoints.len(), MAX_ENDPOINTS)];
    }
    let mut errors = Vec::new();
    for (i, endpoint) in endpoints.iter().enumerate() {
        let addresses_path = path.index(i).child("addresses");
        let addresses = object::texts(endpoint, "/addresses");
        if addresses.is_empty() {
            errors.push(field::Error::required(&addresses_path, "must contain at least 1 address"));
        } else if addresses.len() > MAX_ADDRESSES {
            errors.push(field::Error::too_many(&addresses_path, addresses.len(), MAX_ADDRESSES));
        }
        for (j, address) in addresses.iter().enumerate() {
            errors.extend(validate_address(text(slice, "/addressType"), address, &addresses_path.index(j)));
        }
        let topology = path.index(i).child("deprecatedTopology");
        let labels = endpoint.get("deprecatedTopology").and_then(Value::as_object).map_or(0, |m| m.len());
        if labels > MAX_TOPOLOGY_LABELS {
            errors.push(field::Error::too_many(&topology, labels, MAX_TOPOLOGY_LABELS));
        }
        errors.extend(selectors::labels(endpoint.get("deprecatedTopology"), &topology));
        if let Some(hostname) = endpoint.get("hostname").and_then(Value::as_str) {
            errors.extend(invalid_each(&path.index(i).child("hostname"), hostname, validation::dns1123_label(hostname)));
        }
    }
    errors
}

/// An address of the slice's type; unknown types are left alone, as upstream.
fn validate_address(address_type: &str, address: &str, path: &Path) -> field::ErrorList {
    match address_type {
        "IPv4" => net::ipv4(path, address).into_iter().chain(net::non_special_ip(path, address)).collect(),
        "IPv6" => net::ipv6(path, address).into_iter().chain(net::non_special_ip(path, address)).collect(),
        "FQDN" => fully_qualified_domain_name(address, path),
        _ => Vec::new(),
    }
}

/// Upstream's `IsFullyQualifiedDomainName`.
fn fully_qualified_domain_name(name: &str, path: &Path) -> field::ErrorList {
    let name = name.strip_suffix('.').unwrap_or(name);
    if name.is_empty() {
        return vec![field::Error::required(path, "")];
    }
    let errors = validation::dns1123_subdomain(name);
    if !errors.is_empty() {
        return vec![field::Error::invalid(path, name, errors.join(","))];
    }
    if !name.contains('.') {
        return vec![field::Error::invalid(path, name, "should be a domain with at least two segments separated by dots")];
    }
    Vec::new()
}

fn validate_ports(slice: &Value) -> field::ErrorList {
    let path = Path::new("ports");
    let ports = items(slice, "/ports");
    if ports.len() > MAX_PORTS {
        return vec![field::Error::too_many(&path, ports.len(), MAX_PORTS)];
    }
    let mut errors = Vec::new();
    let mut names: Vec<&str> = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        let name = text(port, "/name");
        if !name.is_empty() {
            errors.extend(invalid_each(&path.index(i).child("name"), name, validation::dns1123_label(name)));
        }
        if names.contains(&name) {
            errors.push(field::Error::duplicate(&path.index(i).child("name"), name));
        } else {
            names.push(name);
        }
        errors.extend(object::one_of(port, "/protocol", &path.index(i).child("protocol").to_string(), &PROTOCOLS));
        if let Some(protocol) = port.get("appProtocol").and_then(Value::as_str) {
            errors.extend(invalid_each(&path.index(i).child("appProtocol"), protocol, validation::qualified_name(protocol)));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slice(endpoints: usize) -> Value {
        let endpoints: Vec<Value> = (0..endpoints).map(|i| json!({"addresses": [format!("10.0.{}.{}", i / 250, i % 250 + 1)]})).collect();
        json!({"addressType": "IPv4", "endpoints": endpoints, "ports": [{"port": 80}, {"name": "dns", "port": 53, "protocol": "UDP"}]})
    }

    #[test]
    fn defaults_limits_and_immutable_address_type() {
        let mut ok = slice(2);
        EndpointSliceStrategy.prepare_for_create(&mut ok);
        assert_eq!(ok["ports"][0], json!({"name": "", "port": 80, "protocol": "TCP"}));
        assert!(EndpointSliceStrategy.validate(&ok).is_empty(), "{:?}", EndpointSliceStrategy.validate(&ok));
        let mut many = slice(1001);
        EndpointSliceStrategy.prepare_for_create(&mut many);
        let errors: Vec<String> = EndpointSliceStrategy.validate(&many).iter().map(ToString::to_string).collect();
        assert_eq!(errors, ["endpoints: Too many: 1001: must have at most 1000 items"]);
        let mut changed = ok.clone();
        changed["addressType"] = json!("IPv6");
        changed["endpoints"] = json!([]);
        let errors: Vec<String> = EndpointSliceStrategy.validate_update(&changed, &ok).iter().map(ToString::to_string).collect();
        assert_eq!(errors, [r#"addressType: Invalid value: "IPv6": field is immutable"#]);
        let bad = json!({"addressType": "IPv4", "endpoints": [{"addresses": ["fd00::1"]}, {"addresses": []}]});
        let errors: Vec<String> = EndpointSliceStrategy.validate(&bad).iter().map(ToString::to_string).collect();
        assert_eq!(errors[0], r#"endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address"#);
        assert_eq!(errors.last().map(String::as_str), Some("endpoints[1].addresses: Required value: must contain at least 1 address"));
    }

    #[test]
    fn table_cells_follow_upstreams_printer() {
        let cells = EndpointSliceStrategy.table_cells(&slice(5));
        assert_eq!(cells[1..4], [json!("IPv4"), json!("80,53"), json!("10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...")]);
        assert_eq!(EndpointSliceStrategy.table_cells(&json!({"addressType": "FQDN", "ports": [{}]}))[2..4], [json!("*"), json!("<unset>")]);
    }
}
