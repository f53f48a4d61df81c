//! Discovery documents: `/api`, `/apis`, `/api/v1`, `/apis/<group>` and
//! `/apis/<group>/<version>`, built from the stores served.

use apimachinery::registry::Store;
use apimachinery::resource::Resource;
use serde_json::{Value, json};

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
        .flat_map(|r| {
            let main = json!({
                "name": r.plural,
                "singularName": r.singular,
                "namespaced": r.namespaced,
                "kind": r.kind,
                "verbs": r.verbs,
                "shortNames": r.short_names,
                "categories": r.categories,
            });
            let subresources = r.subresources.iter().map(|sub| {
                let (kind, verbs) = subresource_kind_and_verbs(r, sub);
                json!({"name": format!("{}/{sub}", r.plural), "singularName": "", "namespaced": r.namespaced, "kind": kind, "verbs": verbs})
            });
            std::iter::once(main).chain(subresources).collect::<Vec<_>>()
        })
        .collect();
    if resources.is_empty() {
        return None;
    }
    let group_version = if group.is_empty() { version.to_owned() } else { format!("{group}/{version}") };
    Some(json!({"kind": "APIResourceList", "apiVersion": "v1", "groupVersion": group_version, "resources": resources}))
}

/// The kind a subresource answers with and its verbs, as upstream lists them: `status` is
/// the object itself, `scale` an autoscaling/v1 `Scale`.
fn subresource_kind_and_verbs<'a>(resource: &'a Resource, subresource: &str) -> (&'a str, Value) {
    match subresource {
        "scale" => ("Scale", json!(["get", "patch", "update"])),
        "binding" => ("Binding", json!(["create"])),
        "eviction" => ("Eviction", json!(["create"])),
        "finalize" => (resource.kind.as_str(), json!(["update"])),
        _ => (resource.kind.as_str(), json!(["get", "patch", "update"])),
    }
}

/// The aggregated discovery versions kubectl asks for: v2 (1.30+) and v2beta1 (1.27-1.29).
const AGGREGATED_VERSIONS: [&str; 2] = ["v2", "v2beta1"];

/// The aggregated discovery version the `Accept` header asks for first, if any.
pub fn wanted_aggregated(accept: &str) -> Option<&'static str> {
    accept.split(',').find_map(|media| {
        let params: Vec<&str> = media.split(';').map(str::trim).collect();
        if !(params.contains(&"g=apidiscovery.k8s.io") && params.contains(&"as=APIGroupDiscoveryList")) {
            return None;
        }
        AGGREGATED_VERSIONS.into_iter().find(|v| params.contains(&format!("v={v}").as_str()))
    })
}

/// The `Content-Type` of an aggregated discovery document.
pub fn aggregated_content_type(version: &str) -> String {
    format!("application/json;g=apidiscovery.k8s.io;v={version};as=APIGroupDiscoveryList")
}

/// The `APIGroupDiscoveryList` for `/api` (the core group) or `/apis` (the named groups), in
/// one document, so clients need no request per group-version.
pub fn aggregated(stores: &[Store], core: bool, version: &str) -> Value {
    let groups = unique(stores.iter().map(|s| s.resource().group.as_str()).filter(|g| g.is_empty() == core));
    let items: Vec<Value> = groups
        .into_iter()
        .map(|group| {
            let versions: Vec<Value> = group_versions(stores, group)
                .iter()
                .map(|v| {
                    let resources: Vec<Value> = stores
                        .iter()
                        .map(Store::resource)
                        .filter(|r| r.group == group && &r.version == v)
                        .map(|r| {
                            let subresources: Vec<Value> = r
                                .subresources
                                .iter()
                                .map(|sub| {
                                    let (kind, verbs) = subresource_kind_and_verbs(r, sub);
                                    let (group, version) = if sub == "scale" { ("autoscaling", "v1") } else { (r.group.as_str(), r.version.as_str()) };
                                    json!({"subresource": sub, "responseKind": {"group": group, "version": version, "kind": kind}, "verbs": verbs})
                                })
                                .collect();
                            json!({
                                "resource": r.plural,
                                "responseKind": {"group": r.group, "version": r.version, "kind": r.kind},
                                "scope": if r.namespaced { "Namespaced" } else { "Cluster" },
                                "singularResource": r.singular,
                                "verbs": r.verbs,
                                "shortNames": r.short_names,
                                "categories": r.categories,
                                "subresources": subresources,
                            })
                        })
                        .collect();
                    json!({"version": v, "resources": resources, "freshness": "Current"})
                })
                .collect();
            json!({"metadata": {"name": group}, "versions": versions})
        })
        .collect();
    json!({"kind": "APIGroupDiscoveryList", "apiVersion": format!("apidiscovery.k8s.io/{version}"), "metadata": {}, "items": items})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aggregated_version_follows_kubectls_accept_header() {
        let kubectl = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
        assert_eq!(wanted_aggregated(kubectl), Some("v2"));
        assert_eq!(wanted_aggregated("application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList"), Some("v2beta1"));
        assert_eq!(wanted_aggregated("application/json"), None);
    }
}
