//! Discovery documents: `/api`, `/apis`, `/api/v1`, `/apis/<group>` and
//! `/apis/<group>/<version>`, built from the stores served.

use apimachinery::registry::Store;
use serde_json::{Value, json};

/// The verbs every store serves so far.
const VERBS: [&str; 8] = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

/// `/api`: the core group's versions.
pub fn core_versions(server_address: &str) -> Value {
    json!({
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [{"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}],
    })
}

/// Keeps the first occurrence of each item, in order.
fn unique<T: PartialEq>(items: impl Iterator<Item = T>) -> Vec<T> {
    let mut seen = Vec::new();
    for item in items {
        if !seen.contains(&item) {
            seen.push(item);
        }
    }
    seen
}

fn group_versions(stores: &[Store], group: &str) -> Vec<String> {
    unique(stores.iter().filter(|s| s.resource().group == group).map(|s| s.resource().version.clone()))
}

fn group_document(stores: &[Store], group: &str) -> Option<Value> {
    let versions = group_versions(stores, group);
    let first = versions.first()?;
    let entry = |v: &String| json!({"groupVersion": format!("{group}/{v}"), "version": v});
    Some(json!({
        "name": group,
        "versions": versions.iter().map(entry).collect::<Vec<_>>(),
        "preferredVersion": entry(first),
    }))
}

/// `/apis`: every named group.
pub fn group_list(stores: &[Store]) -> Value {
    let groups = unique(stores.iter().map(|s| s.resource().group.as_str()).filter(|g| !g.is_empty()));
    let documents: Vec<Value> = groups.iter().filter_map(|g| group_document(stores, g)).collect();
    json!({"kind": "APIGroupList", "apiVersion": "v1", "groups": documents})
}

/// `/apis/<group>`, if the group is served.
pub fn group(stores: &[Store], group: &str) -> Option<Value> {
    let mut document = group_document(stores, group)?;
    document["kind"] = json!("APIGroup");
    document["apiVersion"] = json!("v1");
    Some(document)
}

/// `/api/v1` or `/apis/<group>/<version>`, if served.
pub fn resource_list(stores: &[Store], group: &str, version: &str) -> Option<Value> {
    let resources: Vec<Value> = stores
        .iter()
        .map(Store::resource)
        .filter(|r| r.group == group && r.version == version)
        .map(|r| {
            json!({
                "name": r.plural,
                "singularName": r.singular,
                "namespaced": r.namespaced,
                "kind": r.kind,
                "verbs": VERBS,
                "shortNames": r.short_names,
                "categories": r.categories,
            })
        })
        .collect();
    if resources.is_empty() {
        return None;
    }
    let group_version = if group.is_empty() { version.to_owned() } else { format!("{group}/{version}") };
    Some(json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": resources}))
}
