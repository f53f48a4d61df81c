//! Serving the documents: media-type negotiation (`/openapi/v2` as JSON or protobuf, v3 as
//! JSON), entity tags with `If-None-Match`, and upstream's `hash` parameter on the v3
//! group-version documents (long-lived caching when it matches, a redirect when stale).

use std::time::{Duration, SystemTime};

use apimachinery::registry::Store;
use apimachinery::status::StatusError;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::header::{CACHE_CONTROL, CONTENT_TYPE, ETAG, EXPIRES, HeaderMap, HeaderValue, IF_NONE_MATCH, LOCATION, VARY};
use hyper::{Response, StatusCode};

use super::{Cache, Encoded};
use crate::handler::Body;

/// The protobuf media types of `/openapi/v2`: the one kubectl asks for, whose `@` Go's media
/// type parser rejects, and the one upstream answers with.
const V2_PROTOBUF: [&str; 2] = ["application/com.github.proto-openapi.spec.v2@v1.0+protobuf", "application/com.github.proto-openapi.spec.v2.v1.0+protobuf"];
/// How long a hash-addressed document may be cached: a year, as upstream.
const IMMUTABLE_FOR: Duration = Duration::from_secs(365 * 24 * 60 * 60);

/// Answers a request under `/openapi/`, or `None` for other paths.
pub fn serve(cache: &Cache, stores: &[Store], path: &str, query: Option<&str>, headers: &HeaderMap) -> Option<Response<Body>> {
    let rest = path.strip_prefix("/openapi/")?.trim_end_matches('/');
    let documents = cache.documents_for(stores);
    let accept = headers.get(hyper::header::ACCEPT).and_then(|v| v.to_str().ok()).unwrap_or("*/*");
    let response = match rest {
        "v2" => match negotiate(accept, &[("application/json", "application/json"), (V2_PROTOBUF[0], V2_PROTOBUF[1]), (V2_PROTOBUF[1], V2_PROTOBUF[1])]) {
            Some("application/json") => document(&documents.v2_json, "application/json", headers),
            Some(media) => document(&documents.v2_protobuf, media, headers),
            None => empty(StatusCode::NOT_ACCEPTABLE),
        },
        "v3" => document(&documents.v3_root, "application/json", headers),
        _ => match rest.strip_prefix("v3/").and_then(|key| Some((key, documents.v3.get(key)?))) {
            Some((key, encoded)) => match negotiate(accept, &[("application/json", "application/json")]) {
                Some(media) => group_version(key, encoded, media, query, headers),
                None => empty(StatusCode::NOT_ACCEPTABLE),
            },
            None => not_found(),
        },
    };
    Some(response)
}

/// The media type served for the first `Accept` clause that one of `offered` (pattern,
/// returned type) matches; `*/*` and `application/*` match the first offer that fits.
fn negotiate(accept: &str, offered: &[(&str, &'static str)]) -> Option<&'static str> {
    accept.split(',').find_map(|clause| {
        let media = clause.split(';').next().unwrap_or_default().trim();
        offered.iter().find(|(pattern, _)| media == *pattern || media == "*/*" || (media == "application/*" && pattern.starts_with("application/"))).map(|(_, served)| *served)
    })
}

fn group_version(key: &str, encoded: &Encoded, media: &'static str, query: Option<&str>, headers: &HeaderMap) -> Response<Body> {
    let hash = form_urlencoded::parse(query.unwrap_or_default().as_bytes()).find(|(k, _)| k == "hash").map(|(_, v)| v.into_owned());
    let Some(hash) = hash.filter(|h| !h.is_empty()) else {
        return document(encoded, media, headers);
    };
    if hash != encoded.etag {
        let mut response = empty(StatusCode::MOVED_PERMANENTLY);
        insert(&mut response, LOCATION, &format!("/openapi/v3/{key}?hash={}", encoded.etag));
        return response;
    }
    let mut response = document(encoded, media, headers);
    insert(&mut response, CACHE_CONTROL, "public, immutable");
    insert(&mut response, EXPIRES, &httpdate::fmt_http_date(SystemTime::now() + IMMUTABLE_FOR));
    response
}

/// The document, or 304 if the client's `If-None-Match` names its entity tag.
fn document(encoded: &Encoded, media: &str, headers: &HeaderMap) -> Response<Body> {
    let etag = format!("\"{}\"", encoded.etag);
    let matches = headers.get_all(IF_NONE_MATCH).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(',')).any(|tag| {
        let tag = tag.trim();
        tag == "*" || tag.trim_start_matches("W/") == etag
    });
    let mut response = if matches { empty(StatusCode::NOT_MODIFIED) } else { Response::new(Full::new(encoded.bytes.clone()).boxed_unsync()) };
    insert(&mut response, ETAG, &etag);
    insert(&mut response, VARY, "Accept");
    if !matches {
        insert(&mut response, CONTENT_TYPE, media);
    }
    response
}

fn insert(response: &mut Response<Body>, name: hyper::header::HeaderName, value: &str) {
    if let Ok(value) = HeaderValue::from_str(value) {
        response.headers_mut().insert(name, value);
    }
}

fn empty(code: StatusCode) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::new()).boxed_unsync());
    *response.status_mut() = code;
    response
}

fn not_found() -> Response<Body> {
    let status = StatusError::not_found_path().to_status();
    let mut response = Response::new(Full::new(Bytes::from(serde_json::to_vec(&status).unwrap_or_default())).boxed_unsync());
    *response.status_mut() = StatusCode::NOT_FOUND;
    insert(&mut response, CONTENT_TYPE, "application/json");
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kubectls_accept_headers_are_understood() {
        let v2 = [("application/json", "application/json"), (V2_PROTOBUF[0], V2_PROTOBUF[1]), (V2_PROTOBUF[1], V2_PROTOBUF[1])];
        assert_eq!(negotiate(V2_PROTOBUF[0], &v2), Some(V2_PROTOBUF[1]));
        assert_eq!(negotiate("application/json, */*", &v2), Some("application/json"));
        assert_eq!(negotiate("*/*", &v2), Some("application/json"));
        let json = [("application/json", "application/json")];
        assert_eq!(negotiate("application/com.github.proto-openapi.spec.v3@v1.0+protobuf", &json), None);
    }

    #[test]
    fn entity_tags_and_hashes_control_caching() {
        let encoded = Encoded::new(b"{}".to_vec());
        let mut headers = HeaderMap::new();
        let fresh = group_version("api/v1", &encoded, "application/json", Some(&format!("hash={}", encoded.etag)), &headers);
        assert_eq!(fresh.status(), StatusCode::OK);
        assert_eq!(fresh.headers()[CACHE_CONTROL], "public, immutable");
        let stale = group_version("api/v1", &encoded, "application/json", Some("hash=OLD"), &headers);
        assert_eq!((stale.status(), stale.headers()[LOCATION].to_str().ok()), (StatusCode::MOVED_PERMANENTLY, Some(format!("/openapi/v3/api/v1?hash={}", encoded.etag).as_str())));
        headers.insert(IF_NONE_MATCH, HeaderValue::from_str(&format!("\"{}\"", encoded.etag)).expect("a valid header"));
        assert_eq!(document(&encoded, "application/json", &headers).status(), StatusCode::NOT_MODIFIED);
    }
}
