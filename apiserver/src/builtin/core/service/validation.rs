//! Upstream's `ValidateService`, `ValidateServiceUpdate` and `ValidateServiceStatusUpdate`,
//! with its messages.

use apimachinery::field::{self, Path};
use apimachinery::validation::{self, net};
use serde_json::{Value, json};

use super::allocation::{ServiceNetwork, family_of, needs_health_check};
use crate::builtin::object::{self, invalid_each, items, text, texts};
use crate::builtin::selectors;

const TYPES: [&str; 4] = ["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
const PROTOCOLS: [&str; 3] = ["SCTP", "TCP", "UDP"];
const TRAFFIC_POLICIES: [&str; 2] = ["Cluster", "Local"];
const FAMILY_POLICIES: [&str; 3] = ["PreferDualStack", "RequireDualStack", "SingleStack"];
const ONLY_LOAD_BALANCER: &str = "may only be used when `type` is 'LoadBalancer'";
/// Upstream's longest ClientIP session affinity, a day.
const MAX_AFFINITY_SECONDS: i64 = 86400;

fn spec(field: &str) -> Path {
    Path::new("spec").child(field)
}

/// `clusterIPs` is `["None"]`.
pub fn is_headless(service: &Value) -> bool {
    texts(service, "/spec/clusterIPs") == ["None"]
}

/// Reachable from outside the cluster: `NodePort`, `LoadBalancer`, or with external IPs.
pub fn externally_accessible(service: &Value) -> bool {
    match text(service, "/spec/type") {
        "NodePort" | "LoadBalancer" => true,
        "ClusterIP" => !items(service, "/spec/externalIPs").is_empty(),
        _ => false,
    }
}

/// Upstream's `ValidateService` plus the cluster-dependent family checks its allocator makes.
pub fn validate(service: &Value, network: &ServiceNetwork) -> field::ErrorList {
    let mut errors = validate_type_specific(service);
    let mut names = Vec::new();
    for (i, port) in items(service, "/spec/ports").iter().enumerate() {
        errors.extend(validate_port(port, items(service, "/spec/ports").len() > 1, &mut names, &spec("ports").index(i)));
    }
    errors.extend(selectors::labels(service.pointer("/spec/selector"), &spec("selector")));
    errors.extend(validate_session_affinity(service));
    errors.extend(validate_cluster_ips(service));
    errors.extend(validate_families_on_cluster(service, network));
    for (i, ip) in texts(service, "/spec/externalIPs").iter().enumerate() {
        let at = spec("externalIPs").index(i);
        let invalid = net::ip(&at, ip);
        errors.extend(if invalid.is_empty() { net::non_special_ip(&at, ip) } else { invalid });
    }
    errors.extend(object::one_of(service, "/spec/type", "spec.type", &TYPES));
    errors.extend(validate_port_uniqueness(service));
    errors.extend(validate_load_balancer_fields(service));
    errors.extend(validate_traffic_policies(service));
    errors
}

fn validate_type_specific(service: &Value) -> field::ErrorList {
    let mut errors = Vec::new();
    let kind = text(service, "/spec/type");
    if items(service, "/spec/ports").is_empty() && !is_headless(service) && kind != "ExternalName" {
        errors.push(field::Error::required(&spec("ports"), ""));
    }
    match kind {
        "LoadBalancer" | "NodePort" if is_headless(service) => {
            errors.push(field::Error::invalid(&spec("clusterIPs").index(0), "None", format!("may not be set to 'None' for {kind} services")));
        }
        "ExternalName" => {
            for field in ["clusterIPs", "ipFamilies", "ipFamilyPolicy"] {
                if object::is_set(service, &format!("/spec/{field}")) {
                    errors.push(field::Error::forbidden(&spec(field), "may not be set for ExternalName services"));
                }
            }
            let name = text(service, "/spec/externalName").trim_end_matches('.');
            if name.is_empty() {
                errors.push(field::Error::required(&spec("externalName"), ""));
            }
            errors.extend(invalid_each(&spec("externalName"), name, if name.is_empty() { vec![] } else { validation::dns1123_subdomain(name) }));
        }
        _ => {}
    }
    errors
}

/// Upstream's `validateServicePort`.
fn validate_port(port: &Value, require_name: bool, names: &mut Vec<String>, path: &Path) -> field::ErrorList {
    let mut errors = Vec::new();
    let name = text(port, "/name");
    if require_name && name.is_empty() {
        errors.push(field::Error::required(&path.child("name"), ""));
    } else if !name.is_empty() {
        errors.extend(invalid_each(&path.child("name"), name, validation::dns1123_label(name)));
        if names.iter().any(|n| n == name) {
            errors.push(field::Error::duplicate(&path.child("name"), name));
        } else {
            names.push(name.to_owned());
        }
    }
    let number = port.get("port").and_then(Value::as_i64).unwrap_or(0);
    errors.extend(net::port_number(number).into_iter().map(|m| field::Error::invalid(&path.child("port"), number, m)));
    errors.extend(object::one_of(port, "/protocol", &path.child("protocol").to_string(), &PROTOCOLS));
    errors.extend(validate_port_number_or_name(port.get("targetPort"), &path.child("targetPort")));
    if let Some(protocol) = port.get("appProtocol").and_then(Value::as_str) {
        errors.extend(invalid_each(&path.child("appProtocol"), protocol, validation::qualified_name(protocol)));
    }
    errors
}

/// Upstream's `ValidatePortNumOrName` of an int-or-string port.
pub fn validate_port_number_or_name(value: Option<&Value>, path: &Path) -> field::ErrorList {
    match value {
        Some(Value::Number(n)) => {
            let n = n.as_i64().unwrap_or(0);
            net::port_number(n).into_iter().map(|m| field::Error::invalid(path, n, m)).collect()
        }
        Some(Value::String(name)) => invalid_each(path, name, net::port_name(name)),
        _ => Vec::new(),
    }
}

fn validate_session_affinity(service: &Value) -> field::ErrorList {
    let mut errors = object::one_of(service, "/spec/sessionAffinity", "spec.sessionAffinity", &["ClientIP", "None"]);
    let path = spec("sessionAffinityConfig");
    match text(service, "/spec/sessionAffinity") {
        "ClientIP" => {
            let required = "when session affinity type is ClientIP";
            match service.pointer("/spec/sessionAffinityConfig/clientIP/timeoutSeconds").and_then(Value::as_i64) {
                _ if !object::is_set(service, "/spec/sessionAffinityConfig") => errors.push(field::Error::required(&path, required)),
                _ if !object::is_set(service, "/spec/sessionAffinityConfig/clientIP") => {
                    errors.push(field::Error::required(&path.child("clientIP"), required));
                }
                None => errors.push(field::Error::required(&path.child("clientIP").child("timeoutSeconds"), required)),
                Some(t) if t <= 0 || t > MAX_AFFINITY_SECONDS => errors.push(field::Error::invalid(
                    &path.child("clientIP").child("timeoutSeconds"),
                    t,
                    format!("must be greater than 0 and less than {MAX_AFFINITY_SECONDS}"),
                )),
                Some(_) => {}
            }
        }
        "None" if object::is_set(service, "/spec/sessionAffinityConfig") => {
            errors.push(field::Error::forbidden(&path, "must not be set when session affinity is None"));
        }
        _ => {}
    }
    errors
}

/// Upstream's `ValidateServiceClusterIPsRelatedFields`.
fn validate_cluster_ips(service: &Value) -> field::ErrorList {
    if text(service, "/spec/type") == "ExternalName" {
        return Vec::new();
    }
    let (ip, ips) = (text(service, "/spec/clusterIP"), texts(service, "/spec/clusterIPs"));
    let path = spec("clusterIPs");
    let mut errors = Vec::new();
    match (ip.is_empty(), ips.first()) {
        (false, None) => errors.push(field::Error::required(&path, "")),
        (false, Some(first)) if *first != ip => errors.push(field::Error::invalid(&path, json!(ips), "first value must match `clusterIP`")),
        (true, Some(_)) => errors.push(field::Error::invalid(&path, json!(ips), "must be empty when `clusterIP` is not specified")),
        _ => {}
    }
    let families = texts(service, "/spec/ipFamilies");
    for (i, family) in families.iter().enumerate() {
        if !["IPv4", "IPv6"].contains(family) {
            errors.push(field::Error::not_supported(&spec("ipFamilies").index(i), *family, &["IPv4", "IPv6"]));
        }
        if families[..i].contains(family) {
            errors.push(field::Error::duplicate(&spec("ipFamilies").index(i), *family));
        }
    }
    errors.extend(object::optional_one_of(service, "/spec/ipFamilyPolicy", "spec.ipFamilyPolicy", &FAMILY_POLICIES));
    let mut invalid_ips = false;
    for (i, value) in ips.iter().enumerate() {
        if i == 0 && *value == "None" {
            if ips.len() > 1 {
                invalid_ips = true;
                errors.push(field::Error::invalid(&path, json!(ips), "'None' must be the first and only value"));
            }
            continue;
        }
        let invalid = net::ip(&path.index(i), value);
        invalid_ips |= !invalid.is_empty();
        errors.extend(invalid);
    }
    if ips.len() > 2 {
        errors.push(field::Error::invalid(&path, json!(ips), "may only hold up to 2 values"));
    }
    if invalid_ips {
        return errors;
    }
    if ips.len() > 1 && (ips.len() > 2 || family_of(ips[0]) == family_of(ips[1])) {
        errors.push(field::Error::invalid(&path, json!(ips), "may specify no more than one IP for each IP family"));
    }
    if !is_headless(service) {
        for (i, (value, family)) in ips.iter().zip(&families).enumerate() {
            if family_of(value) != *family {
                errors.push(field::Error::invalid(&path.index(i), *value, format!("expected an {family} value as indicated by `ipFamilies[{i}]`")));
            }
        }
    }
    errors
}

/// What upstream's allocator refuses before allocating: families the cluster does not serve.
fn validate_families_on_cluster(service: &Value, network: &ServiceNetwork) -> field::ErrorList {
    let policy = text(service, "/spec/ipFamilyPolicy");
    let headless_without_selector = text(service, "/spec/clusterIP") == "None" && !object::is_set(service, "/spec/selector");
    let mut errors = Vec::new();
    if policy == "SingleStack" && texts(service, "/spec/clusterIPs").len() == 2 {
        errors.push(field::Error::invalid(&spec("ipFamilyPolicy"), policy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified"));
    }
    if policy == "SingleStack" && texts(service, "/spec/ipFamilies").len() == 2 {
        errors.push(field::Error::invalid(&spec("ipFamilyPolicy"), policy, "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified"));
    }
    if text(service, "/spec/type") == "ExternalName" || headless_without_selector {
        return errors;
    }
    if policy == "RequireDualStack" && !network.dual_stack() {
        errors.push(field::Error::invalid(&spec("ipFamilyPolicy"), policy, "this cluster is not configured for dual-stack services"));
    }
    for (i, family) in texts(service, "/spec/ipFamilies").iter().enumerate() {
        if !network.families.contains(family) {
            errors.push(field::Error::invalid(&spec("ipFamilies").index(i), *family, "not configured on this cluster"));
        }
    }
    errors
}

/// No node port for `ClusterIP`; no repeated (protocol, nodePort) or (protocol, port).
fn validate_port_uniqueness(service: &Value) -> field::ErrorList {
    let ports = items(service, "/spec/ports");
    let number = |p: &Value, field: &str| p.get(field).and_then(Value::as_i64).unwrap_or(0);
    let mut errors = Vec::new();
    for (i, port) in ports.iter().enumerate() {
        let at = spec("ports").index(i);
        let (protocol, node_port) = (text(port, "/protocol"), number(port, "nodePort"));
        if text(service, "/spec/type") == "ClusterIP" && node_port != 0 {
            errors.push(field::Error::forbidden(&at.child("nodePort"), "may not be used when `type` is 'ClusterIP'"));
        }
        let earlier = &ports[..i];
        if node_port != 0 && earlier.iter().any(|p| text(p, "/protocol") == protocol && number(p, "nodePort") == node_port) {
            errors.push(field::Error::duplicate(&at.child("nodePort"), node_port));
        }
        if earlier.iter().any(|p| text(p, "/protocol") == protocol && number(p, "port") == number(port, "port")) {
            // Upstream reports the internal ServicePort key, serialized without JSON tags.
            let key = json!({"Name": "", "Protocol": protocol, "AppProtocol": null, "Port": number(port, "port"), "TargetPort": 0, "NodePort": 0});
            errors.push(field::Error::duplicate(&at, key));
        }
    }
    errors
}

fn validate_load_balancer_fields(service: &Value) -> field::ErrorList {
    let load_balancer = text(service, "/spec/type") == "LoadBalancer";
    let mut errors = Vec::new();
    let ranges = texts(service, "/spec/loadBalancerSourceRanges");
    // Upstream spells this path with a capital L.
    let ranges_path = spec("LoadBalancerSourceRanges");
    if !ranges.is_empty() && !load_balancer {
        errors.push(field::Error::forbidden(&ranges_path, ONLY_LOAD_BALANCER));
    }
    for (i, range) in ranges.iter().enumerate() {
        errors.extend(net::cidr(&ranges_path.index(i), range.trim()));
    }
    let allocate = service.pointer("/spec/allocateLoadBalancerNodePorts").filter(|v| !v.is_null());
    if allocate.is_some() && !load_balancer {
        errors.push(field::Error::forbidden(&spec("allocateLoadBalancerNodePorts"), ONLY_LOAD_BALANCER));
    }
    if allocate.is_none() && load_balancer {
        errors.push(field::Error::required(&Path::new("allocateLoadBalancerNodePorts"), ""));
    }
    match text(service, "/spec/loadBalancerClass") {
        "" => {}
        class if load_balancer => errors.extend(invalid_each(&spec("loadBalancerClass"), class, validation::qualified_name(class))),
        _ => errors.push(field::Error::forbidden(&spec("loadBalancerClass"), ONLY_LOAD_BALANCER)),
    }
    errors
}

fn validate_traffic_policies(service: &Value) -> field::ErrorList {
    let mut errors = Vec::new();
    let external = text(service, "/spec/externalTrafficPolicy");
    if !externally_accessible(service) {
        if !external.is_empty() {
            errors.push(field::Error::invalid(&spec("externalTrafficPolicy"), external, "may only be set for externally-accessible services"));
        }
    } else {
        errors.extend(object::one_of(service, "/spec/externalTrafficPolicy", "spec.externalTrafficPolicy", &TRAFFIC_POLICIES));
    }
    let health_port = service.pointer("/spec/healthCheckNodePort").and_then(Value::as_i64).unwrap_or(0);
    if !needs_health_check(service) && health_port != 0 {
        let detail = "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'";
        errors.push(field::Error::invalid(&spec("healthCheckNodePort"), health_port, detail));
    }
    // A LoadBalancer with the Local policy needs a health-check port; upstream's allocator
    // assigns one before validation, so its absence is not an error until that lands.
    if needs_health_check(service) && health_port != 0 {
        errors.extend(net::port_number(health_port).into_iter().map(|m| field::Error::invalid(&spec("healthCheckNodePort"), health_port, m)));
    }
    let internal_required = matches!(text(service, "/spec/type"), "NodePort" | "LoadBalancer" | "ClusterIP");
    match text(service, "/spec/internalTrafficPolicy") {
        "" if internal_required => errors.push(field::Error::required(&spec("internalTrafficPolicy"), "")),
        "" => {}
        policy if !TRAFFIC_POLICIES.contains(&policy) => errors.push(field::Error::not_supported(&spec("internalTrafficPolicy"), policy, &TRAFFIC_POLICIES)),
        _ => {}
    }
    match text(service, "/spec/trafficDistribution") {
        "" | "PreferClose" => {}
        other => errors.push(field::Error::not_supported(&spec("trafficDistribution"), other, &["PreferClose"])),
    }
    errors
}

/// What upstream's `ValidateServiceUpdate` adds: the primary cluster IP and IP family never
/// change, a secondary one goes only with `SingleStack`, and the load balancer class and
/// health-check port stay.
pub fn validate_update(service: &Value, old: &Value) -> field::ErrorList {
    let mut errors = Vec::new();
    let external_name = |s: &Value| text(s, "/spec/type") == "ExternalName";
    if !external_name(service) && !external_name(old) {
        if !(is_headless(service) && is_headless(old)) {
            errors.extend(upgrade_downgrade(service, old, "clusterIPs", "clusterIP"));
        }
        if !is_headless(service) && !is_headless(old) {
            errors.extend(upgrade_downgrade(service, old, "ipFamilies", "ipFamily"));
        }
    }
    let load_balancer = |s: &Value| text(s, "/spec/type") == "LoadBalancer";
    if load_balancer(service) && load_balancer(old) && service.pointer("/spec/loadBalancerClass") != old.pointer("/spec/loadBalancerClass") {
        let class = service.pointer("/spec/loadBalancerClass").cloned().unwrap_or(Value::Null);
        errors.push(field::Error::invalid(&spec("loadBalancerClass"), class, "may not change once set"));
    }
    if needs_health_check(service) && needs_health_check(old) && service.pointer("/spec/healthCheckNodePort") != old.pointer("/spec/healthCheckNodePort") {
        errors.push(field::Error::forbidden(&spec("healthCheckNodePort"), "field is immutable"));
    }
    errors
}

/// Upstream's `validateUpgradeDowngradeClusterIPs` / `...IPFamilies` for `field`, whose
/// entries are each a `singular`.
fn upgrade_downgrade(service: &Value, old: &Value, field: &str, singular: &str) -> field::ErrorList {
    let pointer = format!("/spec/{field}");
    let (now, before) = (texts(service, &pointer), texts(old, &pointer));
    let path = spec(field);
    // Upstream points at each changed cluster IP, but always at the first IP family.
    let changed = |i: usize| field::Error::invalid(&path.index(if field == "clusterIPs" { i } else { 0 }), json!(now), "may not change once set");
    let mut errors = Vec::new();
    if now.len() == before.len() {
        errors.extend((0..now.len()).filter(|i| now[*i] != before[*i]).map(changed));
    } else if now.len() < before.len() {
        if now.is_empty() {
            errors.push(field::Error::invalid(&path.index(0), json!(now), format!("primary {singular} can not be unset")));
        } else if now[0] != before[0] {
            errors.push(changed(0));
        }
        if now.len() == 1 && text(service, "/spec/ipFamilyPolicy") != "SingleStack" {
            let policy = service.pointer("/spec/ipFamilyPolicy").cloned().unwrap_or(Value::Null);
            errors.push(field::Error::invalid(&spec("ipFamilyPolicy"), policy, format!("must be set to 'SingleStack' when releasing the secondary {singular}")));
        }
    } else if !before.is_empty() && now[0] != before[0] {
        errors.push(changed(0));
    }
    errors
}

/// Upstream's `ValidateLoadBalancerStatus`.
pub fn validate_status(service: &Value) -> field::ErrorList {
    let path = Path::new("status").child("loadBalancer").child("ingress");
    let ingress = items(service, "/status/loadBalancer/ingress");
    if text(service, "/spec/type") != "LoadBalancer" && !ingress.is_empty() {
        return vec![field::Error::forbidden(&path, "may only be used when `spec.type` is 'LoadBalancer'")];
    }
    let mut errors = Vec::new();
    for (i, entry) in ingress.iter().enumerate() {
        let at = path.index(i);
        let (ip, mode, hostname) = (text(entry, "/ip"), text(entry, "/ipMode"), text(entry, "/hostname"));
        if !ip.is_empty() {
            errors.extend(net::ip(&at.child("ip"), ip));
        }
        match (ip.is_empty(), mode) {
            (false, "") => errors.push(field::Error::required(&at.child("ipMode"), "must be specified when `ip` is set")),
            (true, m) if !m.is_empty() => errors.push(field::Error::forbidden(&at.child("ipMode"), "may not be specified when `ip` is not set")),
            (false, m) if !["Proxy", "VIP"].contains(&m) => errors.push(field::Error::not_supported(&at.child("ipMode"), m, &["Proxy", "VIP"])),
            _ => {}
        }
        if !hostname.is_empty() {
            errors.extend(invalid_each(&at.child("hostname"), hostname, validation::dns1123_subdomain(hostname)));
            if hostname.parse::<std::net::IpAddr>().is_ok() {
                errors.push(field::Error::invalid(&at.child("hostname"), hostname, "must be a DNS name, not an IP address"));
            }
        }
    }
    errors
}
