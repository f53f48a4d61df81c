//! What an HTTP request asks of the API, worked out from its method, path and query as
//! upstream's `RequestInfoFactory` does: resource or not, API group and version, namespace,
//! resource, name, subresource, and the verb authorization and the registry act on.

/// The subresources a namespace has, which must not be read as a namespaced resource.
const NAMESPACE_SUBRESOURCES: [&str; 2] = ["status", "finalize"];

/// A parsed request.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RequestInfo {
    /// Whether the path names API resources (`/api/v1/...`, `/apis/<g>/<v>/...` past discovery).
    pub is_resource_request: bool,
    /// The path, for non-resource requests and errors.
    pub path: String,
    /// The verb: `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`,
    /// `deletecollection`, or the lowercase HTTP method for non-resource requests.
    pub verb: String,
    /// `api` or `apis`.
    pub api_prefix: String,
    /// The API group; empty for the core group.
    pub api_group: String,
    /// The API version.
    pub api_version: String,
    /// The namespace, if the request is namespaced.
    pub namespace: String,
    /// The plural resource name.
    pub resource: String,
    /// The subresource (`status`, `scale`, `binding`, ...).
    pub subresource: String,
    /// The object's name, if one is addressed.
    pub name: String,
    /// Path segments beyond the subresource (`proxy` paths).
    pub parts: Vec<String>,
}

impl RequestInfo {
    /// Parses `method`, `path` and the raw `query` string.
    pub fn parse(method: &str, path: &str, query: Option<&str>) -> Self {
        let verb = method.to_ascii_lowercase();
        let mut info = RequestInfo { path: path.to_owned(), verb, ..Self::default() };
        let mut parts: Vec<&str> = path.trim_matches('/').split('/').filter(|p| !p.is_empty()).collect();
        let Some(&prefix) = parts.first().filter(|p| **p == "api" || **p == "apis") else { return info };
        info.api_prefix = prefix.to_owned();
        parts.remove(0);
        if prefix == "apis" {
            let Some(group) = (!parts.is_empty()).then(|| parts.remove(0)) else { return info };
            info.api_group = group.to_owned();
        }
        let Some(version) = (!parts.is_empty()).then(|| parts.remove(0)) else { return info };
        info.api_version = version.to_owned();
        if parts.is_empty() {
            return info;
        }
        info.is_resource_request = true;
        let mut watch_prefix = false;
        if parts[0] == "watch" {
            watch_prefix = true;
            parts.remove(0);
        }
        if parts.first() == Some(&"namespaces") && parts.len() > 1 {
            info.namespace = parts[1].to_owned();
            if parts.len() > 2 && !NAMESPACE_SUBRESOURCES.contains(&parts[2]) {
                parts.drain(..2);
            }
        }
        let field = |i: usize| parts.get(i).map(|p| (*p).to_owned()).unwrap_or_default();
        (info.resource, info.name, info.subresource) = (field(0), field(1), field(2));
        info.parts = parts.iter().skip(3).map(|p| (*p).to_owned()).collect();
        info.verb = resource_verb(&info.verb, !info.name.is_empty(), watch_prefix || wants_watch(query));
        info
    }
}

fn wants_watch(query: Option<&str>) -> bool {
    query.unwrap_or_default().split('&').any(|pair| matches!(pair, "watch=true" | "watch=1" | "watch=True"))
}

fn resource_verb(method: &str, has_name: bool, watch: bool) -> String {
    let verb = match (method, has_name) {
        ("get" | "head", _) if watch => "watch",
        ("get" | "head", true) => "get",
        ("get" | "head", false) => "list",
        ("post", _) => "create",
        ("put", _) => "update",
        ("patch", _) => "patch",
        ("delete", true) => "delete",
        ("delete", false) => "deletecollection",
        (other, _) => other,
    };
    verb.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (method, path, query) → (verb, group, version, namespace, resource, name, subresource)
    type Case<'a> = ((&'a str, &'a str, Option<&'a str>), [&'a str; 7]);

    #[test]
    fn parses_like_upstream() {
        let cases: [Case; 12] = [
            (("GET", "/api/v1/namespaces/default/pods", None), ["list", "", "v1", "default", "pods", "", ""]),
            (("GET", "/api/v1/namespaces/default/pods/web", None), ["get", "", "v1", "default", "pods", "web", ""]),
            (("GET", "/api/v1/namespaces/default/pods", Some("watch=true&resourceVersion=5")), ["watch", "", "v1", "default", "pods", "", ""]),
            (("GET", "/api/v1/watch/namespaces/default/pods", None), ["watch", "", "v1", "default", "pods", "", ""]),
            (("PUT", "/api/v1/namespaces/default/pods/web/status", None), ["update", "", "v1", "default", "pods", "web", "status"]),
            (("GET", "/api/v1/namespaces", None), ["list", "", "v1", "", "namespaces", "", ""]),
            (("GET", "/api/v1/namespaces/kube-system", None), ["get", "", "v1", "kube-system", "namespaces", "kube-system", ""]),
            (("PUT", "/api/v1/namespaces/old/finalize", None), ["update", "", "v1", "old", "namespaces", "old", "finalize"]),
            (("POST", "/apis/apps/v1/namespaces/ns/deployments", None), ["create", "apps", "v1", "ns", "deployments", "", ""]),
            (("DELETE", "/apis/apps/v1/namespaces/ns/deployments", None), ["deletecollection", "apps", "v1", "ns", "deployments", "", ""]),
            (("PATCH", "/apis/rbac.authorization.k8s.io/v1/clusterroles/view", None), ["patch", "rbac.authorization.k8s.io", "v1", "", "clusterroles", "view", ""]),
            (("GET", "/api/v1/nodes/n1/proxy/metrics", None), ["get", "", "v1", "", "nodes", "n1", "proxy"]),
        ];
        for ((method, path, query), want) in cases {
            let i = RequestInfo::parse(method, path, query);
            assert!(i.is_resource_request, "{path}");
            let got = [&i.verb, &i.api_group, &i.api_version, &i.namespace, &i.resource, &i.name, &i.subresource].map(String::as_str);
            assert_eq!(got, want, "{method} {path}");
        }
    }

    #[test]
    fn discovery_and_other_paths_are_not_resource_requests() {
        for path in ["/api", "/api/v1", "/apis", "/apis/apps", "/apis/apps/v1", "/version", "/healthz", "/openapi/v3"] {
            let info = RequestInfo::parse("GET", path, None);
            assert!(!info.is_resource_request, "{path}");
            assert_eq!(info.verb, "get");
        }
        assert_eq!(RequestInfo::parse("GET", "/apis/apps/v1", None).api_group, "apps");
    }
}
