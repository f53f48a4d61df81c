//! NetworkPolicies (networking.k8s.io/v1).

use apimachinery::field::{self, Path};
use apimachinery::registry::{Decoded, Strategy};
use apimachinery::table::{self, Column};
use apimachinery::validation::net;
use serde_json::{Value, json};

use crate::builtin::core::service::validate_port_number_or_name;
use crate::builtin::object::{self, items, text, texts};
use crate::builtin::selectors;

const PROTOCOLS: [&str; 3] = ["SCTP", "TCP", "UDP"];
const POLICY_TYPES: [&str; 2] = ["Egress", "Ingress"];

/// NetworkPolicies: `policyTypes` default to `Ingress` (and `Egress` with egress rules),
/// ports to TCP; selectors, ports and IP blocks checked; generation counted.
pub struct NetworkPolicyStrategy;

impl Strategy for NetworkPolicyStrategy {
    fn decode(&self, object: Value) -> Result<Decoded, String> {
        crate::builtin::typed::<k8s_openapi::api::networking::v1::NetworkPolicy>(object)
    }

    fn tracks_generation(&self) -> bool {
        true
    }

    fn prepare_for_create(&self, object: &mut Value) {
        set_defaults(object);
    }

    fn prepare_for_update(&self, object: &mut Value, _old: &Value) {
        set_defaults(object);
    }

    fn validate(&self, object: &Value) -> field::ErrorList {
        let spec = Path::new("spec");
        let mut errors = selectors::label_selector(object.pointer("/spec/podSelector"), &spec.child("podSelector"));
        for (direction, peers) in [("ingress", "from"), ("egress", "to")] {
            for (i, rule) in items(object, &format!("/spec/{direction}")).iter().enumerate() {
                errors.extend(validate_rule(rule, peers, &spec.child(direction).index(i)));
            }
        }
        let types = texts(object, "/spec/policyTypes");
        for (i, kind) in types.iter().enumerate() {
            if !POLICY_TYPES.contains(kind) {
                errors.push(field::Error::not_supported(&spec.child("policyTypes").index(i), *kind, &POLICY_TYPES));
            }
        }
        if types.len() > 2 {
            errors.push(field::Error::invalid(&spec.child("policyTypes"), json!(types), "may not specify more than two policyTypes"));
        }
        errors
    }

    fn table_columns(&self) -> Vec<Column> {
        let selector = Column::new("Pod-Selector", "string", "podSelector selects the pods to which this NetworkPolicy object applies.");
        vec![table::NAME, selector, table::AGE]
    }

    fn table_cells(&self, object: &Value) -> Vec<Value> {
        vec![table::name_cell(object), json!(table::selector_text(object.pointer("/spec/podSelector"))), table::age_cell(object)]
    }
}

/// Upstream's `SetDefaults_NetworkPolicy` and `SetDefaults_NetworkPolicyPort`.
fn set_defaults(policy: &mut Value) {
    if !object::is_set(policy, "/spec/policyTypes") {
        let mut types = vec!["Ingress"];
        if !items(policy, "/spec/egress").is_empty() {
            types.push("Egress");
        }
        object::set(policy, "/spec/policyTypes", json!(types));
    }
    for direction in ["ingress", "egress"] {
        let rules = policy.pointer_mut(&format!("/spec/{direction}")).and_then(Value::as_array_mut).into_iter().flatten();
        for port in rules.filter_map(|r| r.get_mut("ports").and_then(Value::as_array_mut)).flatten() {
            object::default_to(port, "/protocol", json!("TCP"));
        }
    }
}

fn validate_rule(rule: &Value, peers: &str, path: &Path) -> field::ErrorList {
    let mut errors = Vec::new();
    for (i, port) in items(rule, "/ports").iter().enumerate() {
        errors.extend(validate_port(port, &path.child("ports").index(i)));
    }
    for (i, peer) in items(rule, &format!("/{peers}")).iter().enumerate() {
        errors.extend(validate_peer(peer, &path.child(peers).index(i)));
    }
    errors
}

fn validate_port(port: &Value, path: &Path) -> field::ErrorList {
    let mut errors = object::optional_one_of(port, "/protocol", &path.child("protocol").to_string(), &PROTOCOLS);
    errors.extend(validate_port_number_or_name(port.get("port"), &path.child("port")));
    if let Some(end) = port.get("endPort").and_then(Value::as_i64) {
        match port.get("port") {
            Some(Value::Number(start)) if start.as_i64().is_some_and(|s| end < s) => {
                errors.push(field::Error::invalid(&path.child("endPort"), end, "must be greater than or equal to `port`"));
            }
            Some(Value::Number(_)) => {}
            Some(Value::String(_)) => errors.push(field::Error::forbidden(&path.child("endPort"), "may not be specified when `port` is non-numeric")),
            _ => errors.push(field::Error::required(&path.child("port"), "must be specified when endPort is specified")),
        }
    }
    errors
}

/// Exactly one kind of peer: pod/namespace selectors, or an IP block.
fn validate_peer(peer: &Value, path: &Path) -> field::ErrorList {
    let selectors_set = ["podSelector", "namespaceSelector"].iter().filter(|s| peer.get(**s).is_some_and(|v| !v.is_null())).count();
    let block = peer.get("ipBlock").filter(|b| b.is_object());
    let mut errors = Vec::new();
    match (selectors_set, block) {
        (0, None) => errors.push(field::Error::required(path, "must specify a peer")),
        (n, Some(_)) if n > 0 => errors.push(field::Error::forbidden(path, "may not specify both ipBlock and another peer")),
        _ => {}
    }
    for selector in ["podSelector", "namespaceSelector"] {
        errors.extend(selectors::label_selector(peer.get(selector), &path.child(selector)));
    }
    if let Some(block) = block {
        let cidr = text(block, "/cidr");
        if cidr.is_empty() {
            errors.push(field::Error::required(&path.child("ipBlock").child("cidr"), ""));
        } else {
            errors.extend(net::cidr(&path.child("ipBlock").child("cidr"), cidr));
        }
        for (i, except) in texts(block, "/except").iter().enumerate() {
            errors.extend(net::cidr(&path.child("ipBlock").child("except").index(i), except));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_validation_and_table() {
        let mut policy = json!({"metadata": {"name": "db"}, "spec": {"podSelector": {"matchLabels": {"role": "db"}},
            "ingress": [{"from": [{"podSelector": {}}], "ports": [{"port": 5432}]}], "egress": [{"to": [{"ipBlock": {"cidr": "10.0.0.0/8"}}]}]}});
        NetworkPolicyStrategy.prepare_for_create(&mut policy);
        assert_eq!(policy["spec"]["policyTypes"], json!(["Ingress", "Egress"]));
        assert_eq!(policy["spec"]["ingress"][0]["ports"][0]["protocol"], "TCP");
        assert!(NetworkPolicyStrategy.validate(&policy).is_empty(), "{:?}", NetworkPolicyStrategy.validate(&policy));
        assert_eq!(NetworkPolicyStrategy.table_cells(&policy)[1], "role=db");
        assert_eq!(NetworkPolicyStrategy.table_cells(&json!({"spec": {"podSelector": {}}}))[1], "<none>");
        let bad = json!({"spec": {"podSelector": {}, "ingress": [{"from": [{}], "ports": [{"port": "http", "endPort": 90}]}], "policyTypes": ["Sideways"]}});
        let errors: Vec<String> = NetworkPolicyStrategy.validate(&bad).iter().map(ToString::to_string).collect();
        assert_eq!(
            errors,
            [
                "spec.ingress[0].ports[0].endPort: Forbidden: may not be specified when `port` is non-numeric",
                "spec.ingress[0].from[0]: Required value: must specify a peer",
                r#"spec.policyTypes[0]: Unsupported value: "Sideways": supported values: "Egress", "Ingress""#,
            ]
        );
    }
}
