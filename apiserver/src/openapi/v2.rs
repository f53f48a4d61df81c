//! The Swagger 2.0 document, `/openapi/v2`: every served resource in one document, schemas
//! under `#/definitions/<name>`. kubectl 1.27 and 1.28 load it (as protobuf) before
//! validating a manifest or explaining a field; later versions only when the v3 documents
//! are missing.

use apimachinery::resource::Resource;
use schemars::generate::{SchemaGenerator, SchemaSettings};
use serde_json::{Map, Value, json};

use super::definitions;
use super::operations::{self, Operation, Parameter, PathItem};
use super::schema::{SchemaSource, reference};
use super::v3::INFO;

/// A generator writing Swagger 2.0 schemas: refs to `#/definitions/<name>`, and a
/// description beside a `$ref` kept as is, as upstream's v2 document has it.
pub fn generator() -> SchemaGenerator {
    SchemaSettings::draft07()
        .with(|s| {
            s.meta_schema = None;
            s.transforms.clear();
        })
        .into_generator()
}

/// The document of every resource `source` has a schema for.
pub fn document(resources: &[&Resource], source: &dyn SchemaSource) -> Value {
    let mut collected = definitions::collect(generator(), resources, source);
    let mut paths = Map::new();
    for (resource, kinds) in &collected.resources {
        for item in operations::paths(resource, kinds, &collected.shared) {
            paths.insert(item.path.clone(), path_item(&item, &collected.generator));
        }
    }
    let definitions = collected.definitions();
    json!({
        "swagger": "2.0",
        "info": {"title": INFO.0, "version": INFO.1},
        "paths": paths,
        "definitions": definitions,
        "securityDefinitions": {"BearerToken": {"type": "apiKey", "description": "Bearer token authentication", "name": "authorization", "in": "header"}},
        "security": [{"BearerToken": []}],
    })
}

fn parameter(p: &Parameter) -> Value {
    let mut value = json!({"name": p.name, "in": p.location, "description": p.description, "type": p.kind, "uniqueItems": true});
    if p.required {
        value["required"] = json!(true);
    }
    value
}

fn path_item(item: &PathItem, generator: &SchemaGenerator) -> Value {
    item.render(generator, render, parameter)
}

fn render(operation: &Operation, generator: &SchemaGenerator) -> Value {
    let mut parameters: Vec<Value> = vec![];
    let mut consumes = vec!["*/*"];
    if let Some(body) = &operation.body {
        parameters.push(json!({"name": "body", "in": "body", "required": body.required, "schema": reference(generator, &body.schema)}));
        if body.consumes.len() > 1 {
            consumes = body.consumes.to_vec();
        }
    }
    parameters.extend(operation.parameters.iter().map(parameter));
    let mut responses = Map::new();
    for response in &operation.responses {
        let mut value = json!({"description": response.description});
        if let Some(schema) = &response.schema {
            value["schema"] = reference(generator, schema);
        }
        responses.insert(response.code.to_owned(), value);
    }
    let mut value = json!({
        "consumes": consumes,
        "produces": operation.produces,
        "schemes": ["https"],
        "tags": [operation.tag],
        "description": operation.description,
        "operationId": operation.id,
        "responses": responses,
        "x-kubernetes-action": operation.action,
        "x-kubernetes-group-version-kind": operation.gvk,
    });
    if !parameters.is_empty() {
        value["parameters"] = Value::Array(parameters);
    }
    value
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openapi::definitions::GVK_EXTENSION;
    use crate::openapi::schema::Builtin;

    #[test]
    fn definitions_and_operations_use_swagger_2_forms() {
        let leases = Resource::new("coordination.k8s.io", "v1", "Lease", "leases", true);
        let document = document(&[&leases], &Builtin);
        assert_eq!(document["swagger"], "2.0");
        let lease = &document["definitions"]["io.k8s.api.coordination.v1.Lease"];
        assert_eq!(lease[GVK_EXTENSION][0]["kind"], "Lease");
        assert_eq!(lease["properties"]["metadata"]["$ref"], "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
        let patch = &document["paths"]["/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases/{name}"]["patch"];
        assert_eq!(patch["consumes"][3], "application/strategic-merge-patch+json");
        assert_eq!(patch["parameters"][0]["in"], "body");
        assert!(patch["parameters"].as_array().into_iter().flatten().any(|p| p["name"] == "fieldValidation"));
        let created = &document["paths"]["/apis/coordination.k8s.io/v1/namespaces/{namespace}/leases"]["post"]["responses"]["201"];
        assert_eq!(created["schema"]["$ref"], "#/definitions/io.k8s.api.coordination.v1.Lease");
    }
}
