//! How a resource appears in the API and in etcd. Built-in types describe themselves with a
//! table entry; custom resources will build the same description from their CRD at run time,
//! so the fields are owned strings.

use crate::status::GroupResource;

/// A served resource: its group/version/kind, names, scope and storage location.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resource {
    /// API group; empty for the core group.
    pub group: String,
    /// API version.
    pub version: String,
    /// Kind of its objects (`Pod`).
    pub kind: String,
    /// Plural name, used in paths (`pods`).
    pub plural: String,
    /// Singular name (`pod`).
    pub singular: String,
    /// Whether objects live in namespaces.
    pub namespaced: bool,
    /// Short names for kubectl (`po`).
    pub short_names: Vec<String>,
    /// Categories for kubectl (`all`).
    pub categories: Vec<String>,
    /// The key prefix under `--etcd-prefix`: `/pods`, or upstream's historic `/minions` for nodes.
    pub storage_prefix: String,
    /// The verbs served, as discovery lists them; others are 405 MethodNotAllowed.
    pub verbs: Vec<String>,
    /// Subresources served (`status`, `scale`, ...).
    pub subresources: Vec<String>,
}

/// The verbs of an ordinary resource.
pub const DEFAULT_VERBS: [&str; 8] = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

impl Resource {
    /// A resource stored under `/<plural>`, as most built-ins are.
    pub fn new(group: &str, version: &str, kind: &str, plural: &str, namespaced: bool) -> Self {
        Self {
            group: group.to_owned(),
            version: version.to_owned(),
            kind: kind.to_owned(),
            plural: plural.to_owned(),
            singular: kind.to_lowercase(),
            namespaced,
            short_names: vec![],
            categories: vec![],
            storage_prefix: format!("/{plural}"),
            verbs: DEFAULT_VERBS.iter().map(|v| (*v).to_owned()).collect(),
            subresources: vec![],
        }
    }

    /// Adds short names for kubectl.
    pub fn short_names(mut self, names: &[&str]) -> Self {
        self.short_names = names.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    /// Adds kubectl categories (`all`).
    pub fn categories(mut self, names: &[&str]) -> Self {
        self.categories = names.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    /// Adds subresources (`status`, `scale`).
    pub fn subresources(mut self, names: &[&str]) -> Self {
        self.subresources = names.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    /// Whether `verb` is served.
    pub fn serves(&self, verb: &str) -> bool {
        self.verbs.iter().any(|v| v == verb)
    }

    /// `v1` for the core group, `<group>/<version>` otherwise.
    pub fn api_version(&self) -> String {
        if self.group.is_empty() { self.version.clone() } else { format!("{}/{}", self.group, self.version) }
    }

    /// The group and plural name, for error messages.
    pub fn group_resource(&self) -> GroupResource<'_> {
        GroupResource { group: &self.group, resource: &self.plural }
    }

    /// The storage key of one object.
    pub fn key(&self, namespace: &str, name: &str) -> String {
        if self.namespaced { format!("{}/{namespace}/{name}", self.storage_prefix) } else { format!("{}/{name}", self.storage_prefix) }
    }

    /// The storage prefix of a list: one namespace, or all of them when `namespace` is empty.
    pub fn list_prefix(&self, namespace: &str) -> String {
        if self.namespaced && !namespace.is_empty() {
            format!("{}/{namespace}/", self.storage_prefix)
        } else {
            format!("{}/", self.storage_prefix)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_follow_upstreams_layout() {
        let pods = Resource::new("", "v1", "Pod", "pods", true);
        assert_eq!(pods.key("default", "web"), "/pods/default/web");
        assert_eq!(pods.list_prefix(""), "/pods/");
        assert_eq!(pods.api_version(), "v1");
        let mut nodes = Resource::new("", "v1", "Node", "nodes", false);
        nodes.storage_prefix = "/minions".into();
        assert_eq!(nodes.key("", "n1"), "/minions/n1");
        let deployments = Resource::new("apps", "v1", "Deployment", "deployments", true);
        assert_eq!((deployments.api_version().as_str(), deployments.group_resource().to_string().as_str()), ("apps/v1", "deployments.apps"));
    }
}
