//! Request handling: non-resource paths (version, health, discovery) and resource verbs
//! dispatched to the registry's stores, every failure answered with a `Status`.

use std::sync::Arc;

use apimachinery::patch::PatchType;
use apimachinery::registry::{DeleteOptions, Deleted, FieldValidation, Part, ScaleChange, Store, WriteOptions};
use apimachinery::request_info::RequestInfo;
use apimachinery::status::StatusError;
use apimachinery::storage::{ListOptions, Preconditions, Storage};
use bytes::Bytes;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper::header::{ACCEPT, CONTENT_TYPE, HeaderValue, WARNING};
use hyper::{Request, Response, StatusCode};
use serde_json::{Value, json};

use crate::authentication::User;
use crate::discovery;
use crate::query::Query;

/// Response bodies: whole documents or watch streams.
pub type Body = UnsyncBoxBody<Bytes, std::convert::Infallible>;

fn full(bytes: Bytes) -> Body {
    Full::new(bytes).boxed_unsync()
}

/// The largest request body accepted, as upstream.
pub const MAX_BODY_BYTES: usize = 3 * 1024 * 1024;

/// What the handlers serve from.
pub struct Api {
    /// One store per served resource.
    pub stores: Vec<Store>,
    /// The storage, for the readiness check.
    pub storage: Arc<dyn Storage>,
    /// `host:port` clients reach this apiserver at, for `/api`.
    pub server_address: String,
    /// Set once the system namespaces exist; `/readyz` waits for it.
    pub bootstrapped: std::sync::atomic::AtomicBool,
    /// The OpenAPI documents of the stores served.
    pub openapi: crate::openapi::Cache,
}

impl Api {
    /// The core group's namespaces store.
    pub fn namespaces(&self) -> Option<&Store> {
        self.stores.iter().find(|s| is_namespaces(s))
    }
}

/// Whether `store` serves core/v1 namespaces.
fn is_namespaces(store: &Store) -> bool {
    let resource = store.resource();
    resource.group.is_empty() && resource.plural == "namespaces"
}

/// A successful answer's code and body, or the error to answer with.
type Reply = Result<(StatusCode, Value), StatusError>;

/// Handles one request.
pub async fn handle(api: Arc<Api>, user: User, request: Request<Incoming>) -> Response<Body> {
    let (method, path, query) = (request.method().as_str().to_owned(), request.uri().path().to_owned(), request.uri().query().map(str::to_owned));
    let info = RequestInfo::parse(&method, &path, query.as_deref());
    tracing::debug!(user = %user.name, verb = %info.verb, %path, "request");
    if let Err(forbidden) = crate::authorization::authorize(&user, &info) {
        return respond(Err(forbidden));
    }
    if !info.is_resource_request {
        if let Some(response) = crate::openapi::serve(&api.openapi, &api.stores, &path, query.as_deref(), request.headers()) {
            return response;
        }
        let accept = request.headers().get(ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or_default();
        if let (Some(version), "/api" | "/apis") = (discovery::wanted_aggregated(accept), info.path.trim_end_matches('/')) {
            let document = discovery::aggregated(&api.stores, info.api_prefix == "api", version);
            let mut response = json_response(StatusCode::OK, &document);
            if let Ok(value) = HeaderValue::from_str(&discovery::aggregated_content_type(version)) {
                response.headers_mut().insert(CONTENT_TYPE, value);
            }
            return response;
        }
        return non_resource(&api, &info).await;
    }
    let table = wanted_table(request.headers().get(ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or_default());
    if info.verb == "watch" {
        return match find_store(&api, &info) {
            Some(store) => watch(store, &info, query.as_deref(), table).await,
            None => respond(Err(StatusError::not_found_path())),
        };
    }
    let (reply, warnings) = apimachinery::warning::collect(async {
        if is_binding(&info) {
            return bind(&api, &info, query.as_deref(), request).await;
        }
        match find_store(&api, &info) {
            Some(store) => async {
                namespace_lifecycle(&api, store, &info).await?;
                resource(store, &info, query.as_deref(), request).await
            }
            .await
            .map(|(code, body)| match table {
                Some(version) if matches!(info.verb.as_str(), "get" | "list") => (code, as_table(store, version, body)),
                _ => (code, body),
            }),
            None => Err(StatusError::not_found_path()),
        }
    })
    .await;
    let mut response = respond(reply);
    for warning in warnings {
        if let Ok(value) = HeaderValue::from_str(&apimachinery::warning::header_value(&warning)) {
            response.headers_mut().append(WARNING, value);
        }
    }
    if let (Some(version), true) = (table, response.status().is_success()) {
        let content_type = format!("application/json;as=Table;v={};g=meta.k8s.io", version.rsplit('/').next().unwrap_or("v1"));
        if let Ok(value) = HeaderValue::from_str(&content_type) {
            response.headers_mut().insert(CONTENT_TYPE, value);
        }
    }
    response
}

async fn watch(store: &Store, info: &RequestInfo, query: Option<&str>, table: Option<&'static str>) -> Response<Body> {
    let namespace = if store.resource().namespaced { info.namespace.as_str() } else { "" };
    let mut query = match Query::parse(query, &store.selectable_fields()) {
        Ok(query) => query,
        Err(error) => return respond(Err(error)),
    };
    if !info.name.is_empty() {
        query.selector.fields = std::mem::take(&mut query.selector.fields).and_name(&info.name);
    }
    match crate::watch::body(store, namespace, query, table).await {
        Ok(body) => {
            let mut response = Response::new(body);
            let content_type = if table.is_some() { "application/json;as=Table;g=meta.k8s.io" } else { "application/json" };
            response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(content_type));
            response
        }
        Err(error) => respond(Err(error)),
    }
}

/// The `Table` API version the client asks for first, if any (kubectl: v1, then v1beta1).
fn wanted_table(accept: &str) -> Option<&'static str> {
    accept.split(',').find_map(|media| {
        let params: Vec<&str> = media.split(';').map(str::trim).collect();
        let has = |p: &str| params.contains(&p);
        if !(has("as=Table") && has("g=meta.k8s.io")) {
            return None;
        }
        if has("v=v1") {
            Some("meta.k8s.io/v1")
        } else if has("v=v1beta1") {
            Some("meta.k8s.io/v1beta1")
        } else {
            None
        }
    })
}

/// Converts a get's object or a list's items into a `Table`.
fn as_table(store: &Store, api_version: &str, body: Value) -> Value {
    match body.get("items").and_then(Value::as_array) {
        Some(items) => store.table(api_version, items, body.get("metadata").cloned().unwrap_or_default()),
        None => {
            let rv = body.pointer("/metadata/resourceVersion").cloned().unwrap_or_default();
            store.table(api_version, std::slice::from_ref(&body), json!({"resourceVersion": rv}))
        }
    }
}

fn respond(reply: Reply) -> Response<Body> {
    match reply {
        Ok((code, body)) => json_response(code, &body),
        Err(error) => {
            let code = StatusCode::from_u16(error.code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            json_response(code, &serde_json::to_value(error.to_status()).unwrap_or_default())
        }
    }
}

fn json_response(code: StatusCode, body: &Value) -> Response<Body> {
    let mut response = Response::new(full(Bytes::from(serde_json::to_vec(body).unwrap_or_default())));
    *response.status_mut() = code;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

fn text_response(code: StatusCode, body: &'static str) -> Response<Body> {
    let mut response = Response::new(full(Bytes::from_static(body.as_bytes())));
    *response.status_mut() = code;
    response.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8"));
    response
}

async fn non_resource(api: &Api, info: &RequestInfo) -> Response<Body> {
    let found = |document: Option<Value>| respond(document.map(|d| (StatusCode::OK, d)).ok_or_else(StatusError::not_found_path));
    match (info.path.trim_end_matches('/'), info.api_prefix.as_str()) {
        ("/version", _) => json_response(StatusCode::OK, &crate::version::info()),
        ("/healthz" | "/livez", _) => text_response(StatusCode::OK, "ok"),
        ("/readyz", _) => match api.storage.current_revision().await {
            Err(e) => {
                tracing::warn!(error = %e, "readyz: etcd check failed");
                text_response(StatusCode::INTERNAL_SERVER_ERROR, "[-]etcd failed: reason withheld\nreadyz check failed\n")
            }
            Ok(_) if !api.bootstrapped.load(std::sync::atomic::Ordering::Acquire) => text_response(
                StatusCode::INTERNAL_SERVER_ERROR,
                "[-]poststarthook/bootstrap-controller failed: not finished\nreadyz check failed\n",
            ),
            Ok(_) => text_response(StatusCode::OK, "ok"),
        },
        ("/api", _) => json_response(StatusCode::OK, &discovery::core_versions(&api.server_address)),
        ("/apis", _) => json_response(StatusCode::OK, &discovery::group_list(&api.stores)),
        (_, "api") => found(discovery::resource_list(&api.stores, "", &info.api_version)),
        (_, "apis") if info.api_version.is_empty() => found(discovery::group(&api.stores, &info.api_group)),
        (_, "apis") => found(discovery::resource_list(&api.stores, &info.api_group, &info.api_version)),
        _ => respond(Err(StatusError::not_found_path())),
    }
}

/// The store serving the request's resource, if it serves the subresource asked for too.
fn find_store<'a>(api: &'a Api, info: &RequestInfo) -> Option<&'a Store> {
    api.stores.iter().find(|s| {
        let r = s.resource();
        r.group == info.api_group
            && r.version == info.api_version
            && r.plural == info.resource
            && (info.subresource.is_empty() || r.subresources.contains(&info.subresource))
    })
}

/// Whether the request binds a pod: `POST pods/<name>/binding` or `POST bindings`.
fn is_binding(info: &RequestInfo) -> bool {
    let core_v1 = info.api_group.is_empty() && info.api_version == "v1" && info.verb == "create";
    core_v1 && ((info.resource == "pods" && info.subresource == "binding") || (info.resource == "bindings" && info.subresource.is_empty()))
}

/// Binds a pod to a node (the pod is named by the URL, or by the body for `bindings`).
async fn bind(api: &Api, info: &RequestInfo, query: Option<&str>, request: Request<Incoming>) -> Reply {
    let pods = api
        .stores
        .iter()
        .find(|s| s.resource().group.is_empty() && s.resource().plural == "pods")
        .ok_or_else(StatusError::not_found_path)?;
    let options = write_options(query)?;
    let binding = body(request).await?;
    let name = if info.resource == "pods" { info.name.clone() } else { apimachinery::registry::meta::get(&binding, "name").to_owned() };
    Ok((StatusCode::CREATED, crate::binding::bind(pods, &info.namespace, &name, &binding, options.dry_run).await?))
}

/// The part of the object a request addresses: the object, or its `status` subresource.
fn part(store: &Store, info: &RequestInfo) -> Result<Part, StatusError> {
    match (info.subresource.as_str(), info.verb.as_str()) {
        ("", _) => Ok(Part::Main),
        ("status", "get" | "update" | "patch") => Ok(Part::Status),
        (_, verb) => Err(StatusError::method_not_supported(store.resource().group_resource(), verb)),
    }
}

/// The `scale` subresource: get, update and patch of an autoscaling/v1 `Scale`.
async fn scale(store: &Store, namespace: &str, info: &RequestInfo, query: Option<&str>, request: Request<Incoming>) -> Reply {
    let name = info.name.as_str();
    let scale = match info.verb.as_str() {
        "get" => store.get_scale(namespace, name).await?,
        "update" => {
            let options = write_options(query)?;
            let body = body(request).await?;
            store.update_scale(namespace, name, ScaleChange::Replace(&body), options).await?
        }
        "patch" => {
            let content_type = content_type(&request);
            let patch_type = PatchType::from_content_type(&content_type).ok_or_else(|| StatusError::unsupported_media_type(&content_type))?;
            let options = write_options(query)?;
            let body = body_bytes(request).await?;
            store.update_scale(namespace, name, ScaleChange::Patch(patch_type, &body), options).await?
        }
        verb => return Err(StatusError::method_not_supported(store.resource().group_resource(), verb)),
    };
    Ok((StatusCode::OK, scale))
}

/// Upstream's NamespaceLifecycle admission: objects go only into namespaces that exist, and
/// the system namespaces cannot be deleted.
async fn namespace_lifecycle(api: &Api, store: &Store, info: &RequestInfo) -> Result<(), StatusError> {
    let resource = store.resource();
    if is_namespaces(store) && info.verb == "delete" && crate::builtin::core::namespace::UNDELETABLE.contains(&info.name.as_str()) {
        let mut error = StatusError::forbidden("", info);
        error.message = format!("namespaces {:?} is forbidden: this namespace may not be deleted", info.name);
        return Err(error);
    }
    if !(resource.namespaced && info.verb == "create") {
        return Ok(());
    }
    match api.namespaces() {
        Some(namespaces) => namespaces.get("", &info.namespace).await.map(drop),
        None => Ok(()),
    }
}

async fn resource(store: &Store, info: &RequestInfo, query: Option<&str>, request: Request<Incoming>) -> Reply {
    let namespace = if store.resource().namespaced { info.namespace.as_str() } else { "" };
    let name = info.name.as_str();
    if !store.resource().serves(&info.verb) {
        return Err(StatusError::method_not_supported(store.resource().group_resource(), &info.verb));
    }
    if info.subresource == "scale" {
        return scale(store, namespace, info, query, request).await;
    }
    let part = part(store, info)?;
    match info.verb.as_str() {
        "get" => Ok((StatusCode::OK, store.get(namespace, name).await?)),
        "list" => {
            let query = Query::parse(query, &store.selectable_fields())?;
            let mut list = store.list(namespace, &query.list).await?;
            if let Some(items) = list.get_mut("items").and_then(Value::as_array_mut) {
                items.retain(|item| query.selector.matches(item));
            }
            Ok((StatusCode::OK, list))
        }
        "create" => {
            let options = write_options(query)?;
            let code = if options.dry_run { StatusCode::OK } else { StatusCode::CREATED };
            Ok((code, store.create(namespace, body(request).await?, options).await?))
        }
        "update" => Ok((StatusCode::OK, store.update(namespace, name, part, body(request).await?, write_options(query)?).await?)),
        "patch" => {
            let content_type = content_type(&request);
            let patch_type = PatchType::from_content_type(&content_type).ok_or_else(|| StatusError::unsupported_media_type(&content_type))?;
            let options = write_options(query)?;
            Ok((StatusCode::OK, store.patch(namespace, name, part, patch_type, &body_bytes(request).await?, options).await?))
        }
        "delete" => match store.delete(namespace, name, &delete_options(query, &body_bytes(request).await?)?).await? {
            Deleted::Now(last) => {
                let r = store.resource();
                let details = json!({"name": name, "group": r.group, "kind": r.plural, "uid": last["metadata"]["uid"]});
                Ok((StatusCode::OK, json!({"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "details": details})))
            }
            // As upstream: an object that lives on (finalizers, grace period) is returned.
            Deleted::Pending(object) => Ok((StatusCode::OK, object)),
        },
        "deletecollection" => {
            let mut options = delete_options(query, &body_bytes(request).await?)?;
            // Preconditions name one object; they mean nothing for a collection.
            options.preconditions = Preconditions::default();
            let selected = Query::parse(query, &store.selectable_fields())?;
            let list = store.list(namespace, &ListOptions::default()).await?;
            let mut deleted = Vec::new();
            for item in list["items"].as_array().into_iter().flatten().filter(|i| selected.selector.matches(i)) {
                let item_namespace = item.pointer("/metadata/namespace").and_then(Value::as_str).unwrap_or_default();
                let item_name = item.pointer("/metadata/name").and_then(Value::as_str).unwrap_or_default();
                match store.delete(item_namespace, item_name, &options).await {
                    Ok(Deleted::Now(object) | Deleted::Pending(object)) => deleted.push(object),
                    // Gone meanwhile: nothing left to delete.
                    Err(error) if error.code == 404 => {}
                    Err(error) => return Err(error),
                }
            }
            let kind = format!("{}List", store.resource().kind);
            Ok((StatusCode::OK, json!({"kind": kind, "apiVersion": store.resource().api_version(), "metadata": {}, "items": deleted})))
        }
        verb => Err(StatusError::method_not_supported(store.resource().group_resource(), verb)),
    }
}

/// Reads `dryRun` (`All`, or absent) and `fieldValidation` from the query.
fn write_options(query: Option<&str>) -> Result<WriteOptions, StatusError> {
    let mut options = WriteOptions::default();
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "dryRun" => match value.as_ref() {
                "All" => options.dry_run = true,
                "" => {}
                other => return Err(StatusError::bad_request(format!("Unsupported value: {other:?}: supported values: \"All\""))),
            },
            "fieldValidation" => options.field_validation = FieldValidation::parse(&value)?,
            _ => {}
        }
    }
    Ok(options)
}

/// Reads a delete's `DeleteOptions` from its body and query (preconditions,
/// gracePeriodSeconds, propagationPolicy, dryRun).
fn delete_options(query: Option<&str>, body: &[u8]) -> Result<DeleteOptions, StatusError> {
    let mut options = DeleteOptions { dry_run: write_options(query)?.dry_run, ..DeleteOptions::default() };
    let mut propagation = None;
    if body.iter().any(|b| !b.is_ascii_whitespace()) {
        let delete: Value = serde_json::from_slice(body).map_err(|e| StatusError::bad_request(format!("invalid DeleteOptions: {e}")))?;
        options.preconditions.uid = delete.pointer("/preconditions/uid").and_then(Value::as_str).map(str::to_owned);
        if let Some(rv) = delete.pointer("/preconditions/resourceVersion").and_then(Value::as_str) {
            options.preconditions.resource_version =
                Some(rv.parse().map_err(|_| StatusError::bad_request(format!("invalid resourceVersion precondition {rv:?}")))?);
        }
        options.grace_period = delete.get("gracePeriodSeconds").and_then(Value::as_i64);
        propagation = delete.get("propagationPolicy").and_then(Value::as_str).map(str::to_owned);
        if delete.get("orphanDependents").and_then(Value::as_bool) == Some(true) {
            propagation.get_or_insert_with(|| "Orphan".to_owned());
        }
        options.dry_run |= delete.get("dryRun").and_then(Value::as_array).is_some_and(|d| d.iter().any(|v| v == "All"));
    }
    for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
        match key.as_ref() {
            "gracePeriodSeconds" => {
                options.grace_period = Some(value.parse().map_err(|_| StatusError::bad_request(format!("invalid gracePeriodSeconds {value:?}")))?);
            }
            "propagationPolicy" => propagation = Some(value.into_owned()),
            _ => {}
        }
    }
    if let Some(policy) = &propagation
        && !matches!(policy.as_str(), "Orphan" | "Background" | "Foreground")
    {
        return Err(StatusError::bad_request(format!("Unsupported value: {policy:?}: supported values: \"Foreground\", \"Background\", \"Orphan\"")));
    }
    options.propagation = propagation;
    Ok(options)
}

fn content_type(request: &Request<Incoming>) -> String {
    request.headers().get(CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("application/json").to_owned()
}

/// Reads the whole body, up to [`MAX_BODY_BYTES`] (413 beyond).
async fn body_bytes(request: Request<Incoming>) -> Result<Bytes, StatusError> {
    let collected = Limited::new(request.into_body(), MAX_BODY_BYTES).collect().await.map_err(|e| {
        if e.is::<http_body_util::LengthLimitError>() { StatusError::too_large("limit is 3145728") } else { StatusError::bad_request(e.to_string()) }
    })?;
    Ok(collected.to_bytes())
}

/// Reads a JSON object body (415 for other media types).
async fn body(request: Request<Incoming>) -> Result<Value, StatusError> {
    let content_type = content_type(&request);
    if !content_type.starts_with("application/json") {
        return Err(StatusError::unsupported_media_type(&content_type));
    }
    let bytes = body_bytes(request).await?;
    serde_json::from_slice(&bytes).map_err(|e| StatusError::bad_request(format!("the request body is not valid JSON: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_chosen_from_kubectls_accept_header() {
        let kubectl = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";
        assert_eq!(wanted_table(kubectl), Some("meta.k8s.io/v1"));
        assert_eq!(wanted_table("application/json;as=Table;v=v1beta1;g=meta.k8s.io"), Some("meta.k8s.io/v1beta1"));
        assert_eq!(wanted_table("application/json"), None);
        assert_eq!(wanted_table("application/json;as=Table;v=v2;g=meta.k8s.io"), None);
    }
}
