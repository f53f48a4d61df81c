//! Ingresses (networking.k8s.io/v1).

use apimachinery::field::{self, Path};
use apimachinery::registry::{Decoded, Strategy};
use apimachinery::table::{self, Column};
use apimachinery::validation::{self, net};
use serde_json::{Value, json};

use crate::builtin::object::{self, invalid_each, items, text, texts};

const PATH_TYPES: [&str; 3] = ["Exact", "ImplementationSpecific", "Prefix"];
const BAD_SEQUENCES: [&str; 5] = ["//", "/./", "/../", "%2f", "%2F"];
const BAD_SUFFIXES: [&str; 2] = ["/..", "/."];
/// How many hosts the table shows before `+ N more...`.
const SHOWN: usize = 3;

/// Ingresses: a default backend or rules; hosts, paths and backends checked as upstream's
/// `ValidateIngressSpec`; generation counted.
pub struct IngressStrategy;

impl Strategy for IngressStrategy {
    fn decode(&self, object: Value) -> Result<Decoded, String> {
        crate::builtin::typed::<k8s_openapi::api::networking::v1::Ingress>(object)
    }

    fn tracks_generation(&self) -> bool {
        true
    }

    fn validate(&self, object: &Value) -> field::ErrorList {
        let spec = Path::new("spec");
        let mut errors = Vec::new();
        if items(object, "/spec/rules").is_empty() && !object::is_set(object, "/spec/defaultBackend") {
            let rules = object.pointer("/spec/rules").cloned().unwrap_or(Value::Null);
            errors.push(field::Error::invalid(&spec, rules, "either `defaultBackend` or `rules` must be specified"));
        }
        if let Some(backend) = object.pointer("/spec/defaultBackend").filter(|b| b.is_object()) {
            errors.extend(validate_backend(backend, &spec.child("defaultBackend")));
        }
        for (i, rule) in items(object, "/spec/rules").iter().enumerate() {
            errors.extend(validate_rule(rule, &spec.child("rules").index(i)));
        }
        for (i, tls) in items(object, "/spec/tls").iter().enumerate() {
            for (j, host) in texts(tls, "/hosts").iter().enumerate() {
                errors.extend(validate_host(host, &spec.child("tls").index(i).child("hosts").index(j)));
            }
            let secret = text(tls, "/secretName");
            if !secret.is_empty() {
                errors.extend(invalid_each(&spec.child("tls").index(i).child("secretName"), secret, validation::dns1123_subdomain(secret)));
            }
        }
        let class = text(object, "/spec/ingressClassName");
        if object::is_set(object, "/spec/ingressClassName") {
            errors.extend(invalid_each(&spec.child("ingressClassName"), class, validation::dns1123_subdomain(class)));
        }
        errors
    }

    fn validate_status_update(&self, object: &Value, _old: &Value) -> field::ErrorList {
        let path = Path::new("status").child("loadBalancer").child("ingress");
        let mut errors = Vec::new();
        for (i, entry) in items(object, "/status/loadBalancer/ingress").iter().enumerate() {
            let (ip, hostname) = (text(entry, "/ip"), text(entry, "/hostname"));
            if !ip.is_empty() {
                errors.extend(net::ip(&path.index(i).child("ip"), ip));
            }
            if !hostname.is_empty() {
                errors.extend(invalid_each(&path.index(i).child("hostname"), hostname, validation::dns1123_subdomain(hostname)));
            }
        }
        errors
    }

    fn table_columns(&self) -> Vec<Column> {
        vec![
            table::NAME,
            Column::new("Class", "string", "The name of the IngressClass resource that should be used for additional configuration"),
            Column::new("Hosts", "string", "Hosts that incoming requests are matched against before the ingress rule"),
            Column::new("Address", "string", "Address is a list containing ingress points for the load-balancer"),
            Column::new("Ports", "string", "Ports of TLS configurations that open"),
            table::AGE,
        ]
    }

    fn table_cells(&self, object: &Value) -> Vec<Value> {
        let class = match text(object, "/spec/ingressClassName") {
            "" if !object::is_set(object, "/spec/ingressClassName") => "<none>",
            class => class,
        };
        let ports = if items(object, "/spec/tls").is_empty() { "80" } else { "80, 443" };
        vec![table::name_cell(object), json!(class), json!(hosts(object)), json!(address(object)), json!(ports), table::age_cell(object)]
    }
}

/// Upstream's `formatHosts`: the first three named hosts, `*` when none is named.
fn hosts(ingress: &Value) -> String {
    let rules = items(ingress, "/spec/rules");
    let named: Vec<String> = rules.iter().take(SHOWN).map(|r| text(r, "/host")).filter(|h| !h.is_empty()).map(str::to_owned).collect();
    if named.is_empty() {
        return "*".into();
    }
    let shown = named.join(",");
    if rules.len() > SHOWN { format!("{shown} + {} more...", rules.len() - SHOWN) } else { shown }
}

/// The load balancer's addresses (IP, else hostname), sorted and unique.
fn address(ingress: &Value) -> String {
    let mut addresses: Vec<&str> = items(ingress, "/status/loadBalancer/ingress")
        .iter()
        .map(|i| if text(i, "/ip").is_empty() { text(i, "/hostname") } else { text(i, "/ip") })
        .filter(|a| !a.is_empty())
        .collect();
    addresses.sort_unstable();
    addresses.dedup();
    addresses.join(",")
}

/// A DNS name, possibly a wildcard, and not an IP address.
fn validate_host(host: &str, path: &Path) -> field::ErrorList {
    let mut errors = Vec::new();
    if host.parse::<std::net::IpAddr>().is_ok() {
        errors.push(field::Error::invalid(path, host, "must be a DNS name, not an IP address"));
    }
    let messages = if host.contains('*') { validation::wildcard_dns1123_subdomain(host) } else { validation::dns1123_subdomain(host) };
    errors.extend(invalid_each(path, host, messages));
    errors
}

fn validate_rule(rule: &Value, path: &Path) -> field::ErrorList {
    let host = text(rule, "/host");
    let mut errors = if host.is_empty() { Vec::new() } else { validate_host(host, &path.child("host")) };
    if let Some(http) = rule.get("http").filter(|h| h.is_object()) {
        let paths = items(http, "/paths");
        if paths.is_empty() {
            errors.push(field::Error::required(&path.child("http").child("paths"), ""));
        }
        for (i, entry) in paths.iter().enumerate() {
            errors.extend(validate_path(entry, &path.child("http").child("paths").index(i)));
        }
    }
    errors
}

/// Upstream's `validateHTTPIngressPath`.
fn validate_path(entry: &Value, path: &Path) -> field::ErrorList {
    let value = text(entry, "/path");
    let mut errors = Vec::new();
    match text(entry, "/pathType") {
        "" => return vec![field::Error::required(&path.child("pathType"), "pathType must be specified")],
        "Exact" | "Prefix" => {
            if !value.starts_with('/') {
                errors.push(field::Error::invalid(&path.child("path"), value, "must be an absolute path"));
            }
            for sequence in BAD_SEQUENCES.iter().filter(|s| value.contains(**s)) {
                errors.push(field::Error::invalid(&path.child("path"), value, format!("must not contain '{sequence}'")));
            }
            for suffix in BAD_SUFFIXES.iter().filter(|s| value.ends_with(**s)) {
                errors.push(field::Error::invalid(&path.child("path"), value, format!("cannot end with '{suffix}'")));
            }
        }
        "ImplementationSpecific" if !value.is_empty() && !value.starts_with('/') => {
            errors.push(field::Error::invalid(&path.child("path"), value, "must be an absolute path"));
        }
        "ImplementationSpecific" => {}
        other => errors.push(field::Error::not_supported(&path.child("pathType"), other, &PATH_TYPES)),
    }
    if let Some(backend) = entry.get("backend") {
        errors.extend(validate_backend(backend, &path.child("backend")));
    }
    errors
}

/// Upstream's `validateIngressBackend`: a service (name and port) or a resource.
fn validate_backend(backend: &Value, path: &Path) -> field::ErrorList {
    let (service, resource) = (object::is_set(backend, "/service"), object::is_set(backend, "/resource"));
    match (service, resource) {
        (true, true) => vec![field::Error::invalid(path, "", "cannot set both resource and service backends")],
        (false, true) => validate_resource_reference(backend.get("resource").unwrap_or(&Value::Null), &path.child("resource")),
        (true, false) => validate_service_backend(backend, path),
        (false, false) => vec![field::Error::invalid(path, "", "resource or service backend is required")],
    }
}

fn validate_service_backend(backend: &Value, path: &Path) -> field::ErrorList {
    let service = path.child("service");
    let name = text(backend, "/service/name");
    let mut errors = if name.is_empty() {
        vec![field::Error::required(&service.child("name"), "")]
    } else {
        invalid_each(&service.child("name"), name, validation::dns1035_label(name))
    };
    let port_name = text(backend, "/service/port/name");
    let number = backend.pointer("/service/port/number").and_then(Value::as_i64).unwrap_or(0);
    match (port_name.is_empty(), number) {
        (false, n) if n != 0 => errors.push(field::Error::invalid(path, "", "cannot set both port name & port number")),
        (false, _) => errors.extend(invalid_each(&service.child("port").child("name"), port_name, net::port_name(port_name))),
        (true, 0) => errors.push(field::Error::required(path, "port name or number is required")),
        (true, n) => errors.extend(net::port_number(n).into_iter().map(|m| field::Error::invalid(&service.child("port").child("number"), n, m))),
    }
    errors
}

/// A typed local object reference (ingress resource backends, ingress class parameters).
pub fn validate_resource_reference(reference: &Value, path: &Path) -> field::ErrorList {
    let mut errors = Vec::new();
    if let Some(group) = reference.get("apiGroup").and_then(Value::as_str) {
        errors.extend(invalid_each(&path.child("apiGroup"), group, validation::dns1123_subdomain(group)));
    }
    for (field, required) in [("kind", "kind is required"), ("name", "name is required")] {
        match text(reference, &format!("/{field}")) {
            "" => errors.push(field::Error::required(&path.child(field), required)),
            value => errors.extend(invalid_each(&path.child(field), value, validation::path_segment_name(value))),
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ingress(rules: Value) -> Value {
        json!({"metadata": {"name": "web"}, "spec": {"ingressClassName": "nginx", "rules": rules}})
    }

    fn rule(host: &str) -> Value {
        json!({"host": host, "http": {"paths": [{"path": "/", "pathType": "Prefix", "backend": {"service": {"name": "web", "port": {"number": 80}}}}]}})
    }

    #[test]
    fn table_cells_follow_upstreams_printer() {
        let mut four = ingress(json!([rule("a.example.com"), rule(""), rule("c.example.com"), rule("d.example.com")]));
        four["status"] = json!({"loadBalancer": {"ingress": [{"ip": "10.0.0.9"}, {"hostname": "lb.example.com"}]}});
        assert_eq!(IngressStrategy.table_cells(&four)[1..5], [json!("nginx"), json!("a.example.com,c.example.com + 1 more..."), json!("10.0.0.9,lb.example.com"), json!("80")]);
        let mut plain = ingress(json!([rule("")]));
        plain["spec"]["tls"] = json!([{"secretName": "cert"}]);
        plain["spec"].as_object_mut().map(|s| s.remove("ingressClassName"));
        assert_eq!(IngressStrategy.table_cells(&plain)[1..5], [json!("<none>"), json!("*"), json!(""), json!("80, 443")]);
    }

    #[test]
    fn validation_messages_match_upstream() {
        assert!(IngressStrategy.validate(&ingress(json!([rule("*.example.com")]))).is_empty());
        let errors: Vec<String> = IngressStrategy.validate(&json!({"spec": {}})).iter().map(ToString::to_string).collect();
        assert_eq!(errors, ["spec: Invalid value: null: either `defaultBackend` or `rules` must be specified"]);
        let bad = ingress(json!([{"host": "10.0.0.1", "http": {"paths": [{"path": "x", "backend": {"service": {"name": "web"}}}]}}]));
        let errors: Vec<String> = IngressStrategy.validate(&bad).iter().map(ToString::to_string).collect();
        assert_eq!(
            errors,
            [
                r#"spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address"#,
                "spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified",
            ]
        );
        let no_port = ingress(json!([{"http": {"paths": [{"path": "/", "pathType": "Exact", "backend": {"service": {"name": "web"}}}]}}]));
        let errors: Vec<String> = IngressStrategy.validate(&no_port).iter().map(ToString::to_string).collect();
        assert_eq!(errors, ["spec.rules[0].http.paths[0].backend: Required value: port name or number is required"]);
    }
}
