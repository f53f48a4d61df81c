//! The HTTP operations of a served resource, laid out as upstream's installer registers them
//! (collection, item, all-namespaces and watch paths, only for the verbs served), in a form
//! both the Swagger 2.0 and the OpenAPI 3 document render.

use apimachinery::resource::Resource;
use schemars::generate::SchemaGenerator;
use serde_json::{Value, json};

use super::schema::KindSchemas;

/// The shared meta/v1 definitions operations refer to.
#[derive(Debug, Clone)]
pub struct Shared {
    /// `Status`, answered by deletes.
    pub status: String,
    /// `DeleteOptions`, the body of deletes.
    pub delete_options: String,
    /// `WatchEvent`, each line of a watch.
    pub watch_event: String,
    /// `Patch`, the body of patches.
    pub patch: String,
}

/// One path and the operations on it.
#[derive(Debug, Clone)]
pub struct PathItem {
    /// The path, with `{namespace}` and `{name}` placeholders.
    pub path: String,
    /// Parameters common to every operation on the path.
    pub parameters: Vec<Parameter>,
    /// The operations, by HTTP method.
    pub operations: Vec<Operation>,
}

impl PathItem {
    /// The path item in one document format: each operation under its method and the common
    /// parameters, through that format's renderers.
    pub fn render(
        &self,
        generator: &SchemaGenerator,
        operation: fn(&Operation, &SchemaGenerator) -> Value,
        parameter: fn(&Parameter) -> Value,
    ) -> Value {
        let mut value = serde_json::Map::new();
        for op in &self.operations {
            value.insert(op.method.to_owned(), operation(op, generator));
        }
        value.insert("parameters".to_owned(), self.parameters.iter().map(parameter).collect());
        Value::Object(value)
    }
}

/// One operation.
#[derive(Debug, Clone)]
pub struct Operation {
    /// The lowercase HTTP method.
    pub method: &'static str,
    /// Upstream's `operationId` (`listCoreV1NamespacedConfigMap`).
    pub id: String,
    /// What it does.
    pub description: String,
    /// `x-kubernetes-action`.
    pub action: &'static str,
    /// `x-kubernetes-group-version-kind`: one object, as upstream writes it on operations.
    pub gvk: Value,
    /// The tag grouping operations of one group-version (`core_v1`).
    pub tag: String,
    /// Query parameters.
    pub parameters: Vec<Parameter>,
    /// The request body, if any.
    pub body: Option<Body>,
    /// The responses, by status code.
    pub responses: Vec<Response>,
    /// The response media types.
    pub produces: &'static [&'static str],
}

/// A request body.
#[derive(Debug, Clone)]
pub struct Body {
    /// The definition it follows.
    pub schema: String,
    /// Its media types.
    pub consumes: &'static [&'static str],
    /// Whether it must be sent.
    pub required: bool,
}

/// One response.
#[derive(Debug, Clone)]
pub struct Response {
    /// The status code.
    pub code: &'static str,
    /// Its description.
    pub description: &'static str,
    /// The definition of its body, if it has one.
    pub schema: Option<String>,
}

/// A path or query parameter.
#[derive(Debug, Clone)]
pub struct Parameter {
    /// Its name.
    pub name: &'static str,
    /// `path` or `query`.
    pub location: &'static str,
    /// Its JSON type: `string`, `integer` or `boolean`.
    pub kind: &'static str,
    /// What it means.
    pub description: String,
    /// Whether it must be given.
    pub required: bool,
}

/// The media types answered.
const JSON: &[&str] = &["application/json"];
/// The media types of a watch stream.
const WATCH: &[&str] = &["application/json;stream=watch"];
/// The patch formats upstream advertises for built-in kinds.
pub const PATCH_TYPES: &[&str] =
    &["application/apply-patch+yaml", "application/json-patch+json", "application/merge-patch+json", "application/strategic-merge-patch+json"];

fn query(name: &'static str, kind: &'static str, description: &str) -> Parameter {
    Parameter { name, location: "query", kind, description: description.to_owned(), required: false }
}

fn list_parameters(watch: bool) -> Vec<Parameter> {
    let mut parameters = vec![
        query("allowWatchBookmarks", "boolean", "With watch, asks for BOOKMARK events carrying only a resourceVersion."),
        query("continue", "string", "The continue token of the previous page."),
        query("fieldSelector", "string", "Selects objects by fields; everything by default."),
        query("labelSelector", "string", "Selects objects by labels; everything by default."),
        query("limit", "integer", "The most objects to return in one page."),
        query("resourceVersion", "string", "The resourceVersion to read at or watch from."),
        query("resourceVersionMatch", "string", "How resourceVersion applies: NotOlderThan or Exact."),
        query("sendInitialEvents", "boolean", "With watch, starts with synthetic ADDED events for the current state."),
        query("timeoutSeconds", "integer", "How long the call may last."),
    ];
    if watch {
        parameters.push(query("watch", "boolean", "Streams changes instead of returning a list."));
    } else {
        parameters.retain(|p| !matches!(p.name, "allowWatchBookmarks" | "sendInitialEvents"));
    }
    parameters
}

fn dry_run() -> Parameter {
    query("dryRun", "string", "All: process the request without persisting it.")
}

fn write_parameters(kind: &str, patch: bool) -> Vec<Parameter> {
    let mut parameters = vec![
        dry_run(),
        query("fieldManager", "string", &format!("The name of the actor making the change to the {kind}.")),
        query("fieldValidation", "string", "What to do with unknown or duplicate fields: Ignore, Warn or Strict."),
    ];
    if patch {
        parameters.push(query("force", "boolean", "With server-side apply, takes over fields owned by other managers."));
    }
    parameters
}

fn delete_parameters() -> Vec<Parameter> {
    vec![
        dry_run(),
        query("gracePeriodSeconds", "integer", "Seconds before the object is deleted; zero deletes at once."),
        query("ignoreStoreReadErrorWithClusterBreakingPotential", "boolean", "Deletes an object that cannot be read from storage."),
        query("orphanDependents", "boolean", "Deprecated: use propagationPolicy."),
        query("propagationPolicy", "string", "What happens to dependents: Orphan, Background or Foreground."),
    ]
}

fn path_parameter(name: &'static str, description: String) -> Parameter {
    Parameter { name, location: "path", kind: "string", description, required: true }
}

fn pretty() -> Parameter {
    query("pretty", "string", "Indents the output when true.")
}

/// Upstream's operation-id infix for a group-version: `CoreV1`, `AppsV1`,
/// `RbacAuthorizationV1` (the `.k8s.io` suffix dropped), `ExampleComV1`.
pub fn group_version_id(group: &str, version: &str) -> String {
    let group = if group.is_empty() { "core" } else { group.strip_suffix(".k8s.io").unwrap_or(group) };
    group.split(['.', '-']).chain([version]).map(capitalize).collect()
}

/// Upstream's tag for a group-version: `core_v1`, `rbacAuthorization_v1`.
pub fn tag(group: &str, version: &str) -> String {
    let group = if group.is_empty() { "core" } else { group.strip_suffix(".k8s.io").unwrap_or(group) };
    let mut words = group.split(['.', '-']);
    let first = words.next().unwrap_or_default().to_owned();
    format!("{}_{version}", words.fold(first, |acc, w| acc + &capitalize(w)))
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
}

/// The operations of one resource, for the verbs it serves.
pub fn paths(resource: &Resource, kinds: &KindSchemas, shared: &Shared) -> Vec<PathItem> {
    let builder = Builder::new(resource, kinds, shared);
    let mut items = vec![builder.collection(), builder.item()];
    if resource.namespaced && resource.serves("list") {
        items.push(builder.all_namespaces());
    }
    if resource.serves("watch") {
        items.extend(builder.watches());
    }
    items.retain(|item| !item.operations.is_empty());
    items
}

/// Builds one resource's operations.
struct Builder<'a> {
    resource: &'a Resource,
    kinds: &'a KindSchemas,
    shared: &'a Shared,
    /// `/api/v1` or `/apis/<group>/<version>`.
    prefix: String,
    /// `/namespaces/{namespace}` for namespaced resources.
    scope: &'static str,
    /// `CoreV1`.
    id_infix: String,
    /// `Namespaced` for namespaced resources.
    id_scope: &'static str,
}

impl<'a> Builder<'a> {
    fn new(resource: &'a Resource, kinds: &'a KindSchemas, shared: &'a Shared) -> Self {
        let prefix = if resource.group.is_empty() { format!("/api/{}", resource.version) } else { format!("/apis/{}/{}", resource.group, resource.version) };
        let (scope, id_scope) = if resource.namespaced { ("/namespaces/{namespace}", "Namespaced") } else { ("", "") };
        Self { resource, kinds, shared, prefix, scope, id_infix: group_version_id(&resource.group, &resource.version), id_scope }
    }

    fn operation(&self, method: &'static str, action: &'static str, verb: &str, description: String) -> Operation {
        let r = self.resource;
        Operation {
            method,
            id: match verb.strip_suffix("Collection") {
                Some(verb) => format!("{verb}{}Collection{}{}", self.id_infix, self.id_scope, r.kind),
                None => format!("{verb}{}{}{}", self.id_infix, self.id_scope, r.kind),
            },
            description,
            action,
            gvk: json!({"group": r.group, "version": r.version, "kind": r.kind}),
            tag: tag(&r.group, &r.version),
            parameters: vec![],
            body: None,
            responses: vec![],
            produces: JSON,
        }
    }

    fn responses(&self, codes: &[&'static str], schema: &str) -> Vec<Response> {
        let mut responses: Vec<Response> = codes
            .iter()
            .map(|code| Response { code, description: status_text(code), schema: Some(schema.to_owned()) })
            .collect();
        responses.push(Response { code: "401", description: "Unauthorized", schema: None });
        responses
    }

    fn scope_parameters(&self, named: bool) -> Vec<Parameter> {
        let mut parameters = vec![];
        if named {
            parameters.push(path_parameter("name", format!("The name of the {}.", self.resource.kind)));
        }
        if self.resource.namespaced {
            parameters.push(path_parameter("namespace", "The namespace of the objects.".to_owned()));
        }
        parameters.push(pretty());
        parameters
    }

    fn collection(&self) -> PathItem {
        let (r, kind) = (self.resource, self.resource.kind.as_str());
        let mut operations = vec![];
        if r.serves("list") {
            let mut list = self.operation("get", "list", "list", format!("lists or watches {kind} objects"));
            list.parameters = list_parameters(true);
            list.responses = self.responses(&["200"], &self.kinds.list);
            operations.push(list);
        }
        if r.serves("create") {
            let mut create = self.operation("post", "post", "create", format!("creates a {kind}"));
            create.parameters = write_parameters(kind, false);
            create.body = Some(Body { schema: self.kinds.object.clone(), consumes: JSON, required: true });
            create.responses = self.responses(&["200", "201", "202"], &self.kinds.object);
            operations.push(create);
        }
        if r.serves("deletecollection") {
            let mut delete = self.operation("delete", "deletecollection", "deleteCollection", format!("deletes a collection of {kind} objects"));
            delete.parameters = delete_parameters().into_iter().chain(list_parameters(false)).collect();
            delete.body = Some(Body { schema: self.shared.delete_options.clone(), consumes: JSON, required: false });
            delete.responses = self.responses(&["200"], &self.shared.status);
            operations.push(delete);
        }
        PathItem { path: format!("{}{}/{}", self.prefix, self.scope, r.plural), parameters: self.scope_parameters(false), operations }
    }

    fn item(&self) -> PathItem {
        let (r, kind) = (self.resource, self.resource.kind.as_str());
        let mut operations = vec![];
        if r.serves("get") {
            let mut read = self.operation("get", "get", "read", format!("reads the named {kind}"));
            read.responses = self.responses(&["200"], &self.kinds.object);
            operations.push(read);
        }
        if r.serves("update") {
            let mut replace = self.operation("put", "put", "replace", format!("replaces the named {kind}"));
            replace.parameters = write_parameters(kind, false);
            replace.body = Some(Body { schema: self.kinds.object.clone(), consumes: JSON, required: true });
            replace.responses = self.responses(&["200", "201"], &self.kinds.object);
            operations.push(replace);
        }
        if r.serves("patch") {
            let mut patch = self.operation("patch", "patch", "patch", format!("partially updates the named {kind}"));
            patch.parameters = write_parameters(kind, true);
            patch.body = Some(Body { schema: self.shared.patch.clone(), consumes: PATCH_TYPES, required: true });
            patch.responses = self.responses(&["200", "201"], &self.kinds.object);
            operations.push(patch);
        }
        if r.serves("delete") {
            let mut delete = self.operation("delete", "delete", "delete", format!("deletes the named {kind}"));
            delete.parameters = delete_parameters();
            delete.body = Some(Body { schema: self.shared.delete_options.clone(), consumes: JSON, required: false });
            delete.responses = self.responses(&["200", "202"], &self.shared.status);
            operations.push(delete);
        }
        PathItem { path: format!("{}{}/{}/{{name}}", self.prefix, self.scope, r.plural), parameters: self.scope_parameters(true), operations }
    }

    fn all_namespaces(&self) -> PathItem {
        let (r, kind) = (self.resource, self.resource.kind.as_str());
        let mut list = self.operation("get", "list", "list", format!("lists or watches {kind} objects in every namespace"));
        list.id = format!("list{}{kind}ForAllNamespaces", self.id_infix);
        list.parameters = list_parameters(true);
        list.responses = self.responses(&["200"], &self.kinds.list);
        PathItem { path: format!("{}/{}", self.prefix, r.plural), parameters: vec![pretty()], operations: vec![list] }
    }

    fn watch(&self, id: String, action: &'static str, description: String) -> Operation {
        let mut watch = self.operation("get", action, "watch", description);
        watch.id = id;
        watch.parameters = list_parameters(true);
        watch.responses = self.responses(&["200"], &self.shared.watch_event);
        watch.produces = WATCH;
        watch
    }

    fn watches(&self) -> Vec<PathItem> {
        let (r, kind, infix, scope) = (self.resource, self.resource.kind.as_str(), self.id_infix.as_str(), self.id_scope);
        let deprecated = "; deprecated: use the watch parameter of a list";
        let list = self.watch(format!("watch{infix}{scope}{kind}List"), "watchlist", format!("watches {kind} objects{deprecated}"));
        let one = self.watch(format!("watch{infix}{scope}{kind}"), "watch", format!("watches the named {kind}{deprecated}"));
        let base = format!("{}/watch{}/{}", self.prefix, self.scope, r.plural);
        let mut items = vec![
            PathItem { path: base.clone(), parameters: self.scope_parameters(false), operations: vec![list] },
            PathItem { path: format!("{base}/{{name}}"), parameters: self.scope_parameters(true), operations: vec![one] },
        ];
        if r.namespaced {
            let all = self.watch(format!("watch{infix}{kind}ListForAllNamespaces"), "watchlist", format!("watches {kind} objects in every namespace{deprecated}"));
            items.push(PathItem { path: format!("{}/watch/{}", self.prefix, r.plural), parameters: vec![pretty()], operations: vec![all] });
        }
        items
    }
}

fn status_text(code: &str) -> &'static str {
    match code {
        "200" => "OK",
        "201" => "Created",
        "202" => "Accepted",
        _ => "Unauthorized",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shared() -> Shared {
        Shared { status: "Status".into(), delete_options: "DeleteOptions".into(), watch_event: "WatchEvent".into(), patch: "Patch".into() }
    }

    #[test]
    fn operation_ids_and_tags_follow_upstream() {
        let cases = [("", "v1", "CoreV1", "core_v1"), ("apps", "v1", "AppsV1", "apps_v1"), ("rbac.authorization.k8s.io", "v1", "RbacAuthorizationV1", "rbacAuthorization_v1"), ("stable.example.com", "v1beta1", "StableExampleComV1beta1", "stableExampleCom_v1beta1")];
        for (group, version, id, want_tag) in cases {
            assert_eq!((group_version_id(group, version).as_str(), tag(group, version).as_str()), (id, want_tag));
        }
    }

    #[test]
    fn a_namespaced_resource_has_upstreams_paths_and_operations() {
        let configmaps = Resource::new("", "v1", "ConfigMap", "configmaps", true);
        let kinds = KindSchemas { object: "ConfigMap".into(), list: "ConfigMapList".into() };
        let items = paths(&configmaps, &kinds, &shared());
        let ids: Vec<(String, &str, String)> =
            items.iter().flat_map(|i| i.operations.iter().map(|o| (i.path.clone(), o.method, o.id.clone()))).collect();
        let want = [
            ("/api/v1/namespaces/{namespace}/configmaps", "get", "listCoreV1NamespacedConfigMap"),
            ("/api/v1/namespaces/{namespace}/configmaps", "post", "createCoreV1NamespacedConfigMap"),
            ("/api/v1/namespaces/{namespace}/configmaps", "delete", "deleteCoreV1CollectionNamespacedConfigMap"),
            ("/api/v1/namespaces/{namespace}/configmaps/{name}", "get", "readCoreV1NamespacedConfigMap"),
            ("/api/v1/namespaces/{namespace}/configmaps/{name}", "put", "replaceCoreV1NamespacedConfigMap"),
            ("/api/v1/namespaces/{namespace}/configmaps/{name}", "patch", "patchCoreV1NamespacedConfigMap"),
            ("/api/v1/namespaces/{namespace}/configmaps/{name}", "delete", "deleteCoreV1NamespacedConfigMap"),
            ("/api/v1/configmaps", "get", "listCoreV1ConfigMapForAllNamespaces"),
            ("/api/v1/watch/namespaces/{namespace}/configmaps", "get", "watchCoreV1NamespacedConfigMapList"),
            ("/api/v1/watch/namespaces/{namespace}/configmaps/{name}", "get", "watchCoreV1NamespacedConfigMap"),
            ("/api/v1/watch/configmaps", "get", "watchCoreV1ConfigMapListForAllNamespaces"),
        ];
        let want: Vec<(String, &str, String)> = want.iter().map(|(p, m, i)| ((*p).to_owned(), *m, (*i).to_owned())).collect();
        assert_eq!(ids, want);
    }

    #[test]
    fn only_served_verbs_appear() {
        let mut namespaces = Resource::new("", "v1", "Namespace", "namespaces", false);
        namespaces.verbs = vec!["create".into(), "get".into(), "list".into()];
        let kinds = KindSchemas { object: "Namespace".into(), list: "NamespaceList".into() };
        let items = paths(&namespaces, &kinds, &shared());
        let ids: Vec<&str> = items.iter().flat_map(|i| i.operations.iter().map(|o| o.id.as_str())).collect();
        assert_eq!(ids, ["listCoreV1Namespace", "createCoreV1Namespace", "readCoreV1Namespace"]);
    }
}
