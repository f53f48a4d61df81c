//! Nodes (core/v1), stored under upstream's historic `/minions` prefix.

use apimachinery::field::{self, Path};
use apimachinery::registry::{Decoded, Strategy};
use apimachinery::resource::Resource;
use apimachinery::table::{self, Column};
use apimachinery::validation::{self, net};
use serde_json::{Value, json};

use super::resources;
use crate::builtin::object::{self, invalid_each, text};

/// Nodes live under `/minions`, as upstream has kept them since before they were renamed.
pub fn resource(nodes: Resource) -> Resource {
    Resource { storage_prefix: "/minions".into(), ..nodes }
}

/// The label prefix whose keys name a node's roles (`node-role.kubernetes.io/control-plane`).
const ROLE_PREFIX: &str = "node-role.kubernetes.io/";
/// The older label whose value names a role.
const ROLE_LABEL: &str = "kubernetes.io/role";
const TAINT_EFFECTS: [&str; 3] = ["NoExecute", "NoSchedule", "PreferNoSchedule"];
const NODE_UPDATE_PODCIDR: &str = "node updates may not change podCIDR except from \"\" to valid";

/// Nodes: registered with their status by the kubelet; quantities canonical, `allocatable`
/// defaulted to `capacity`; taints, pod CIDRs and resources checked; pod CIDRs and the
/// provider ID fixed once set.
pub struct NodeStrategy;

impl Strategy for NodeStrategy {
    fn decode(&self, object: Value) -> Result<Decoded, String> {
        let mut node = crate::builtin::typed::<k8s_openapi::api::core::v1::Node>(object)?;
        resources::canonicalize(&mut node.object, "/status/capacity")?;
        resources::canonicalize(&mut node.object, "/status/allocatable")?;
        Ok(node)
    }

    fn keeps_status_on_create(&self) -> bool {
        true
    }

    fn prepare_for_create(&self, object: &mut Value) {
        default_allocatable(object);
    }

    fn prepare_for_update(&self, object: &mut Value, _old: &Value) {
        default_allocatable(object);
    }

    fn validate(&self, object: &Value) -> field::ErrorList {
        let mut errors = validate_taints(object);
        errors.extend(validate_resources(object));
        errors.extend(validate_pod_cidrs(object));
        errors
    }

    fn validate_update(&self, object: &Value, old: &Value) -> field::ErrorList {
        let mut errors = self.validate(object);
        errors.extend(validate_node_update(object, old));
        errors
    }

    fn validate_status_update(&self, object: &Value, old: &Value) -> field::ErrorList {
        let mut errors = validate_resources(object);
        errors.extend(validate_node_update(object, old));
        errors
    }

    fn selectable_fields(&self) -> Vec<&str> {
        vec!["spec.unschedulable"]
    }

    fn table_columns(&self) -> Vec<Column> {
        vec![
            table::NAME,
            Column::new("Status", "string", "The status of the node"),
            Column::new("Roles", "string", "The roles of the node"),
            table::AGE,
            Column::new("Version", "string", "Kubelet Version reported by the node."),
            Column::new("Internal-IP", "string", "List of addresses reachable to the node.").wide(),
            Column::new("External-IP", "string", "List of addresses reachable to the node.").wide(),
            Column::new("OS-Image", "string", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).").wide(),
            Column::new("Kernel-Version", "string", "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).").wide(),
            Column::new("Container-Runtime", "string", "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).").wide(),
        ]
    }

    fn table_cells(&self, object: &Value) -> Vec<Value> {
        let info = |field: &str| match text(object, &format!("/status/nodeInfo/{field}")) {
            "" => "<unknown>".to_owned(),
            value => value.to_owned(),
        };
        vec![
            table::name_cell(object),
            json!(status(object)),
            json!(roles(object)),
            table::age_cell(object),
            json!(text(object, "/status/nodeInfo/kubeletVersion")),
            json!(address(object, "InternalIP")),
            json!(address(object, "ExternalIP")),
            json!(info("osImage")),
            json!(info("kernelVersion")),
            json!(info("containerRuntimeVersion")),
        ]
    }
}

/// Upstream's `SetDefaults_NodeStatus`: without `allocatable`, all of `capacity` is.
fn default_allocatable(node: &mut Value) {
    if !object::is_set(node, "/status/allocatable")
        && let Some(capacity) = node.pointer("/status/capacity").filter(|c| c.is_object()).cloned()
    {
        object::set(node, "/status/allocatable", capacity);
    }
}

/// `Ready`, `NotReady` or `Unknown` from the Ready condition, then `SchedulingDisabled`
/// for a cordoned node.
fn status(node: &Value) -> String {
    let ready = object::items(node, "/status/conditions").iter().find(|c| text(c, "/type") == "Ready");
    let mut parts = vec![match ready.map(|c| text(c, "/status")) {
        Some("True") => "Ready",
        Some(_) => "NotReady",
        None => "Unknown",
    }];
    if node.pointer("/spec/unschedulable").and_then(Value::as_bool) == Some(true) {
        parts.push("SchedulingDisabled");
    }
    parts.join(",")
}

/// The roles named by `node-role.kubernetes.io/<role>` labels and `kubernetes.io/role`,
/// sorted, or `<none>`.
fn roles(node: &Value) -> String {
    let labels = node.pointer("/metadata/labels").and_then(Value::as_object).into_iter().flatten();
    let mut roles: Vec<&str> = labels
        .filter_map(|(key, value)| match key.strip_prefix(ROLE_PREFIX) {
            Some(role) if !role.is_empty() => Some(role),
            Some(_) => None,
            None => (key == ROLE_LABEL).then(|| value.as_str().unwrap_or_default()).filter(|v| !v.is_empty()),
        })
        .collect();
    roles.sort_unstable();
    roles.dedup();
    if roles.is_empty() { "<none>".into() } else { roles.join(",") }
}

/// The first address of `kind` (`InternalIP`, `ExternalIP`), or `<none>`.
fn address(node: &Value, kind: &str) -> String {
    let found = object::items(node, "/status/addresses").iter().find(|a| text(a, "/type") == kind);
    found.map_or("<none>".into(), |a| text(a, "/address").to_owned())
}

/// Upstream's `validateNodeTaints`, reported (as upstream does) under `metadata.taints`.
fn validate_taints(node: &Value) -> field::ErrorList {
    let path = Path::new("metadata").child("taints");
    let mut errors = Vec::new();
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for (i, taint) in object::items(node, "/spec/taints").iter().enumerate() {
        let at = path.index(i);
        let (key, effect) = (text(taint, "/key"), text(taint, "/effect"));
        errors.extend(invalid_each(&at.child("key"), key, validation::qualified_name(key)));
        let value = text(taint, "/value");
        if !validation::label_value(value).is_empty() {
            errors.push(field::Error::invalid(&at.child("value"), value, validation::label_value(value).join(";")));
        }
        errors.extend(object::one_of(taint, "/effect", &at.child("effect").to_string(), &TAINT_EFFECTS));
        if seen.contains(&(key, effect)) {
            let shown = json!({"Key": key, "Value": value, "Effect": effect, "TimeAdded": taint.get("timeAdded")});
            let mut duplicate = field::Error::duplicate(&at, shown);
            duplicate.detail = "taints must be unique by key and effect pair".into();
            errors.push(duplicate);
        }
        seen.push((key, effect));
    }
    errors
}

/// Upstream's `ValidateNodeResources`: capacity and allocatable are valid quantities.
fn validate_resources(node: &Value) -> field::ErrorList {
    let mut errors = Vec::new();
    for list in ["capacity", "allocatable"] {
        for (name, quantity) in resources::quantities(node, &format!("/status/{list}")) {
            let at = Path::new("status").child(list).child(&name);
            errors.extend(resources::validate_value(&name, quantity, &at));
        }
    }
    errors
}

/// Valid CIDRs, at most one per IP family, no repeats.
fn validate_pod_cidrs(node: &Value) -> field::ErrorList {
    let path = Path::new("spec").child("podCIDRs");
    let cidrs = object::texts(node, "/spec/podCIDRs");
    let mut errors: field::ErrorList = cidrs.iter().enumerate().flat_map(|(i, c)| net::cidr(&path.index(i), c)).collect();
    if cidrs.len() > 1 {
        let families: Vec<bool> = cidrs.iter().map(|c| net::is_ipv6(c.split('/').next().unwrap_or_default())).collect();
        if cidrs.len() > 2 || families.first() == families.get(1) {
            errors.push(field::Error::invalid(&path, json!(cidrs), "may specify no more than one CIDR for each IP family"));
        }
        for (i, cidr) in cidrs.iter().enumerate().skip(1) {
            if cidrs[..i].contains(cidr) {
                errors.push(field::Error::duplicate(&path.index(i), *cidr));
            }
        }
    }
    errors
}

/// Upstream's `ValidateNodeUpdate`: no repeated addresses; pod CIDRs and provider ID may
/// only go from unset to set; `externalID` never changes.
fn validate_node_update(node: &Value, old: &Value) -> field::ErrorList {
    let mut errors = Vec::new();
    let addresses = object::items(node, "/status/addresses");
    for (i, address) in addresses.iter().enumerate() {
        if addresses[..i].contains(address) {
            let shown = json!({"Type": text(address, "/type"), "Address": text(address, "/address")});
            errors.push(field::Error::duplicate(&Path::new("status").child("addresses").index(i), shown));
        }
    }
    let old_cidrs = object::texts(old, "/spec/podCIDRs");
    if !old_cidrs.is_empty() && old_cidrs != object::texts(node, "/spec/podCIDRs") {
        errors.push(field::Error::forbidden(&Path::new("spec").child("podCIDRs"), NODE_UPDATE_PODCIDR));
    }
    let old_provider = text(old, "/spec/providerID");
    if !old_provider.is_empty() && old_provider != text(node, "/spec/providerID") {
        errors.push(field::Error::forbidden(
            &Path::new("spec").child("providerID"),
            "node updates may not change providerID except from \"\" to valid",
        ));
    }
    if text(old, "/spec/externalID") != text(node, "/spec/externalID") {
        errors.push(field::Error::forbidden(&Path::new("spec").child("externalID"), "may not be updated"));
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    fn node(labels: Value, ready: &str, unschedulable: bool) -> Value {
        json!({
            "metadata": {"name": "n1", "labels": labels, "creationTimestamp": "2020-01-01T00:00:00Z"},
            "spec": {"unschedulable": unschedulable},
            "status": {
                "conditions": [{"type": "Ready", "status": ready}],
                "addresses": [{"type": "InternalIP", "address": "10.0.0.5"}],
                "nodeInfo": {"kubeletVersion": "v1.33.0", "osImage": "Debian", "kernelVersion": "6.1", "containerRuntimeVersion": ""},
            },
        })
    }

    #[test]
    fn table_cells_follow_upstreams_printer() {
        let labels = json!({"node-role.kubernetes.io/control-plane": "", "node-role.kubernetes.io/": "", "kubernetes.io/role": "edge"});
        let cells = NodeStrategy.table_cells(&node(labels, "True", true));
        assert_eq!(cells[1], "Ready,SchedulingDisabled");
        assert_eq!(cells[2], "control-plane,edge");
        assert_eq!(cells[4..], [json!("v1.33.0"), json!("10.0.0.5"), json!("<none>"), json!("Debian"), json!("6.1"), json!("<unknown>")]);
        assert_eq!(NodeStrategy.table_cells(&node(json!({}), "False", false))[1..3], [json!("NotReady"), json!("<none>")]);
        assert_eq!(status(&json!({})), "Unknown");
        assert_eq!(NodeStrategy.table_columns().iter().filter(|c| c.priority == 1).count(), 5);
    }

    #[test]
    fn allocatable_defaults_to_capacity_and_quantities_are_canonical() -> Result<(), String> {
        let mut node = NodeStrategy.decode(json!({"metadata": {"name": "n"}, "status": {"capacity": {"memory": "2048Mi", "cpu": "4"}}}))?.object;
        NodeStrategy.prepare_for_create(&mut node);
        assert_eq!(node["status"]["allocatable"], json!({"memory": "2Gi", "cpu": "4"}));
        Ok(())
    }

    #[test]
    fn validation_matches_upstream() {
        let taints = json!({"spec": {"taints": [{"key": "a", "effect": "NoSchedule"}, {"key": "a", "effect": "NoSchedule"}, {"key": "b", "effect": "Sometimes"}]}});
        let messages: Vec<String> = NodeStrategy.validate(&taints).iter().map(ToString::to_string).collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].starts_with("metadata.taints[1]: Duplicate value: ") && messages[0].ends_with("taints must be unique by key and effect pair"));
        assert!(messages[1].starts_with(r#"metadata.taints[2].effect: Unsupported value: "Sometimes""#));
        let cidrs = json!({"spec": {"podCIDRs": ["10.0.0.0/24", "10.1.0.0/24"]}});
        assert_eq!(NodeStrategy.validate(&cidrs)[0].detail, "may specify no more than one CIDR for each IP family");
        let old = json!({"spec": {"podCIDRs": ["10.0.0.0/24"], "providerID": "aws://1"}});
        let new = json!({"spec": {"podCIDRs": ["10.9.0.0/24"], "providerID": "aws://2"}});
        let errors: Vec<String> = NodeStrategy.validate_update(&new, &old).iter().map(ToString::to_string).collect();
        assert_eq!(errors, [format!("spec.podCIDRs: Forbidden: {NODE_UPDATE_PODCIDR}"), "spec.providerID: Forbidden: node updates may not change providerID except from \"\" to valid".to_owned()]);
        assert!(NodeStrategy.validate_update(&new, &json!({"spec": {}})).is_empty(), "setting them the first time is fine");
    }
}
