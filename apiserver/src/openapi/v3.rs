//! OpenAPI 3.0 documents: one per group-version (`/openapi/v3/api/v1`,
//! `/openapi/v3/apis/<group>/<version>`), and the discovery root `/openapi/v3` listing them
//! with their content hashes. kubectl reads these for `explain`, for deciding whether the
//! server validates fields (`fieldValidation` on a kind's PATCH operation), and since 1.28
//! for client-side apply's patch metadata.

use std::collections::BTreeMap;

use apimachinery::resource::Resource;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use serde_json::{Map, Value, json};

use super::definitions;
use super::operations::{self, Operation, Parameter, PathItem};
use super::schema::{SchemaSource, reference};

/// The server version the documents describe.
pub const INFO: (&str, &str) = ("Kubernetes", "v1.33.0");

/// A generator writing OpenAPI 3.0 schemas, referring to `#/components/schemas/<name>`.
pub fn generator() -> SchemaGenerator {
    SchemaSettings::openapi3().with(|s| s.meta_schema = None).into_generator()
}

/// The key of a group-version in the root: `api/v1` or `apis/<group>/<version>`.
pub fn group_version_key(group: &str, version: &str) -> String {
    if group.is_empty() { format!("api/{version}") } else { format!("apis/{group}/{version}") }
}

/// The discovery root, from each group-version's key and its document's hash.
pub fn root(hashes: &BTreeMap<String, String>) -> Value {
    let paths: Map<String, Value> =
        hashes.iter().map(|(key, hash)| (key.clone(), json!({"serverRelativeURL": format!("/openapi/v3/{key}?hash={hash}")}))).collect();
    json!({"paths": paths})
}

/// The document of the resources of one group-version.
pub fn document(resources: &[&Resource], source: &dyn SchemaSource) -> Value {
    let mut collected = definitions::collect(generator(), resources, source);
    let mut paths = Map::new();
    for (resource, kinds) in &collected.resources {
        for item in operations::paths(resource, kinds, &collected.shared) {
            paths.insert(item.path.clone(), path_item(&item, &collected.generator));
        }
    }
    let schemas = collected.definitions();
    json!({
        "openapi": "3.0.0",
        "info": {"title": INFO.0, "version": INFO.1},
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": {"BearerToken": {"type": "apiKey", "description": "Bearer token authentication", "name": "authorization", "in": "header"}},
        },
    })
}

fn parameter(p: &Parameter) -> Value {
    let mut value = json!({"name": p.name, "in": p.location, "description": p.description, "schema": {"type": p.kind, "uniqueItems": true}});
    if p.required {
        value["required"] = json!(true);
    }
    value
}

fn path_item(item: &PathItem, generator: &SchemaGenerator) -> Value {
    item.render(generator, render, parameter)
}

fn render(operation: &Operation, generator: &SchemaGenerator) -> Value {
    let mut responses = Map::new();
    for response in &operation.responses {
        let mut value = json!({"description": response.description});
        if let Some(schema) = &response.schema {
            let content: Map<String, Value> =
                operation.produces.iter().map(|media| ((*media).to_owned(), json!({"schema": reference(generator, schema)}))).collect();
            value["content"] = Value::Object(content);
        }
        responses.insert(response.code.to_owned(), value);
    }
    let mut value = json!({
        "tags": [operation.tag],
        "description": operation.description,
        "operationId": operation.id,
        "responses": responses,
        "x-kubernetes-action": operation.action,
        "x-kubernetes-group-version-kind": operation.gvk,
    });
    if !operation.parameters.is_empty() {
        value["parameters"] = operation.parameters.iter().map(parameter).collect();
    }
    if let Some(body) = &operation.body {
        let content: Map<String, Value> =
            body.consumes.iter().map(|media| ((*media).to_owned(), json!({"schema": reference(generator, &body.schema)}))).collect();
        value["requestBody"] = json!({"content": content, "required": body.required});
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openapi::definitions::GVK_EXTENSION;
    use crate::openapi::schema::Builtin;

    /// Every `$ref` in `value`.
    fn refs(value: &Value, found: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    found.push(target.clone());
                }
                map.values().for_each(|v| refs(v, found));
            }
            Value::Array(items) => items.iter().for_each(|v| refs(v, found)),
            _ => {}
        }
    }

    fn core_v1() -> Value {
        let resources = [Resource::new("", "v1", "ConfigMap", "configmaps", true), Resource::new("", "v1", "Namespace", "namespaces", false)];
        document(&resources.iter().collect::<Vec<_>>(), &Builtin)
    }

    #[test]
    fn every_reference_resolves() {
        let document = core_v1();
        let mut found = vec![];
        refs(&document, &mut found);
        assert!(found.len() > 20, "{found:?}");
        for target in found {
            let name = target.strip_prefix("#/components/schemas/").unwrap_or_else(|| panic!("not a component: {target}"));
            assert!(document["components"]["schemas"].get(name).is_some(), "dangling {target}");
        }
    }

    #[test]
    fn kinds_have_their_extension_and_descriptions() {
        let document = core_v1();
        let configmap = &document["components"]["schemas"]["io.k8s.api.core.v1.ConfigMap"];
        assert_eq!(configmap[GVK_EXTENSION], json!([{"group": "", "version": "v1", "kind": "ConfigMap"}]));
        assert!(configmap["properties"]["data"]["description"].as_str().is_some_and(|d| d.starts_with("Data contains the configuration data")));
        // A described reference is wrapped in allOf, as OpenAPI 3.0 ignores siblings of $ref.
        assert_eq!(configmap["properties"]["metadata"]["allOf"][0]["$ref"], "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
        assert_eq!((document["openapi"].as_str(), document["info"]["version"].as_str()), (Some("3.0.0"), Some("v1.33.0")));
    }

    #[test]
    fn patch_operations_offer_field_validation_as_kubectl_checks() {
        // kubectl's QueryParamVerifierV3 looks for a PATCH operation whose extension is the
        // kind's GVK object and reads the operation's own parameters (not the path's).
        let document = core_v1();
        let patch = &document["paths"]["/api/v1/namespaces/{namespace}/configmaps/{name}"]["patch"];
        assert_eq!(patch["x-kubernetes-group-version-kind"], json!({"group": "", "version": "v1", "kind": "ConfigMap"}));
        let names: Vec<&str> = patch["parameters"].as_array().into_iter().flatten().filter_map(|p| p["name"].as_str()).collect();
        assert!(["dryRun", "fieldManager", "fieldValidation", "force"].iter().all(|n| names.contains(n)), "{names:?}");
        assert_eq!(patch["operationId"], "patchCoreV1NamespacedConfigMap");
        assert!(patch["requestBody"]["content"].get("application/strategic-merge-patch+json").is_some());
        let list = &document["paths"]["/api/v1/configmaps"]["get"];
        assert_eq!((list["x-kubernetes-action"].as_str(), list["x-kubernetes-group-version-kind"]["kind"].as_str()), (Some("list"), Some("ConfigMap")));
    }

    #[test]
    fn the_root_points_at_each_group_version_with_its_hash() {
        let hashes = BTreeMap::from([(group_version_key("", "v1"), "AB".to_owned()), (group_version_key("apps", "v1"), "CD".to_owned())]);
        assert_eq!(
            root(&hashes),
            json!({"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=AB"}, "apis/apps/v1": {"serverRelativeURL": "/openapi/v3/apis/apps/v1?hash=CD"}}})
        );
    }
}
