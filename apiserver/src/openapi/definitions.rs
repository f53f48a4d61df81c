//! The definitions of one document: the schemas of the resources it covers, the shared meta/v1
//! types their operations use, and the `x-kubernetes-group-version-kind` extension on every
//! schema that is a kind, as kubectl looks kinds up by it.

use apimachinery::resource::Resource;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{DeleteOptions, Patch, Status, WatchEvent};
use schemars::generate::SchemaGenerator;
use serde_json::{Map, Value, json};

use super::operations::Shared;
use super::schema::{KindSchemas, SchemaSource, define};

/// The extension naming the kinds a schema describes.
pub const GVK_EXTENSION: &str = "x-kubernetes-group-version-kind";

/// Resources with the schemas a source gave them, over one generator.
pub struct Collected<'a> {
    /// The generator holding every definition so far.
    pub generator: SchemaGenerator,
    /// The shared meta/v1 definitions.
    pub shared: Shared,
    /// Each resource with a schema, and its schema names.
    pub resources: Vec<(&'a Resource, KindSchemas)>,
}

/// Defines the shared types and each resource's schemas; resources `source` has no schema for
/// are left out.
pub fn collect<'a>(mut generator: SchemaGenerator, resources: &[&'a Resource], source: &dyn SchemaSource) -> Collected<'a> {
    let shared = Shared {
        status: define::<Status>(&mut generator),
        delete_options: define::<DeleteOptions>(&mut generator),
        watch_event: define::<WatchEvent<Value>>(&mut generator),
        patch: define::<Patch>(&mut generator),
    };
    let resources = resources.iter().filter_map(|r| Some((*r, source.schemas_for(r, &mut generator)?))).collect();
    Collected { generator, shared, resources }
}

fn gvk(group: &str, version: &str, kind: &str) -> Value {
    json!({"group": group, "version": version, "kind": kind})
}

/// Adds `gvk` to the extension list of the definition `name`, once.
fn mark(definitions: &mut Map<String, Value>, name: &str, gvk: Value) {
    let Some(Value::Object(schema)) = definitions.get_mut(name) else { return };
    let list = schema.entry(GVK_EXTENSION).or_insert_with(|| json!([]));
    if let Value::Array(items) = list
        && !items.contains(&gvk)
    {
        items.push(gvk);
    }
}

impl Collected<'_> {
    /// The finished definitions: the generator's transforms applied, and kinds marked with
    /// their group-version-kinds (`DeleteOptions` and `WatchEvent` once per group-version,
    /// as upstream).
    pub fn definitions(&mut self) -> Map<String, Value> {
        let mut definitions = self.generator.take_definitions(true);
        mark(&mut definitions, &self.shared.status, gvk("", "v1", "Status"));
        for (resource, kinds) in &self.resources {
            let (group, version) = (resource.group.as_str(), resource.version.as_str());
            mark(&mut definitions, &kinds.object, gvk(group, version, &resource.kind));
            mark(&mut definitions, &kinds.list, gvk(group, version, &format!("{}List", resource.kind)));
            mark(&mut definitions, &self.shared.delete_options, gvk(group, version, "DeleteOptions"));
            mark(&mut definitions, &self.shared.watch_event, gvk(group, version, "WatchEvent"));
        }
        definitions
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::openapi::schema::Builtin;
    use schemars::generate::SchemaSettings;

    #[test]
    fn kinds_carry_their_group_version_kind_once() {
        let leases = Resource::new("coordination.k8s.io", "v1", "Lease", "leases", true);
        let mut collected = collect(SchemaSettings::openapi3().into_generator(), &[&leases, &leases], &Builtin);
        let definitions = collected.definitions();
        let lease = &definitions["io.k8s.api.coordination.v1.Lease"];
        assert_eq!(lease[GVK_EXTENSION], json!([{"group": "coordination.k8s.io", "version": "v1", "kind": "Lease"}]));
        assert_eq!(definitions["io.k8s.api.coordination.v1.LeaseList"][GVK_EXTENSION][0]["kind"], "LeaseList");
        assert_eq!(definitions["io.k8s.apimachinery.pkg.apis.meta.v1.Status"][GVK_EXTENSION][0]["kind"], "Status");
        assert!(definitions.contains_key("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta"));
    }
}
