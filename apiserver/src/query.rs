//! The query parameters of list and watch requests, parsed once: paging, resourceVersion,
//! timeout and the label and field selectors.

use std::time::Duration;

use apimachinery::fields::FieldSelector;
use apimachinery::labels::LabelSelector;
use apimachinery::status::StatusError;
use apimachinery::storage::ListOptions;
use serde_json::Value;

/// How long a watch lasts when the client sets no `timeoutSeconds` (`--min-request-timeout`).
pub const DEFAULT_WATCH_TIMEOUT: Duration = Duration::from_secs(1800);

/// Which objects a request selects.
#[derive(Debug, Clone, Default)]
pub struct Selector {
    /// `labelSelector`.
    pub labels: LabelSelector,
    /// `fieldSelector`.
    pub fields: FieldSelector,
}

impl Selector {
    /// Whether `object` is selected.
    pub fn matches(&self, object: &Value) -> bool {
        self.labels.matches(object) && self.fields.matches(object)
    }
}

/// A list or watch request's parameters.
#[derive(Debug, Clone)]
pub struct Query {
    /// Paging for lists.
    pub list: ListOptions,
    /// `resourceVersion`, when a number other than 0.
    pub resource_version: Option<u64>,
    /// `timeoutSeconds` for watches.
    pub timeout: Duration,
    /// `allowWatchBookmarks`.
    pub allow_bookmarks: bool,
    /// `sendInitialEvents`.
    pub send_initial_events: bool,
    /// The selectors.
    pub selector: Selector,
}

impl Query {
    /// Parses the raw query string; `fields` are the resource's own selectable fields. Bad
    /// values are 400s naming the parameter; `resourceVersion`, `resourceVersionMatch` and
    /// `continue` combine as upstream decides which state a list reads.
    pub fn parse(query: Option<&str>, fields: &[&str]) -> Result<Self, StatusError> {
        let mut parsed = Query {
            list: ListOptions::default(),
            resource_version: None,
            timeout: DEFAULT_WATCH_TIMEOUT,
            allow_bookmarks: false,
            send_initial_events: false,
            selector: Selector::default(),
        };
        let (mut version, mut version_match) = (None, String::new());
        for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            let invalid = || StatusError::bad_request(format!("invalid {key} {value:?}"));
            match key.as_ref() {
                "limit" => parsed.list.limit = value.parse().map_err(|_| invalid())?,
                "continue" if !value.is_empty() => parsed.list.continue_token = Some(value.into_owned()),
                "resourceVersion" if !value.is_empty() => version = Some(value.parse::<u64>().map_err(|_| invalid())?),
                "resourceVersionMatch" => version_match = value.into_owned(),
                "timeoutSeconds" => {
                    let seconds: u64 = value.parse().map_err(|_| invalid())?;
                    parsed.timeout = if seconds == 0 { DEFAULT_WATCH_TIMEOUT } else { Duration::from_secs(seconds) };
                }
                "allowWatchBookmarks" => parsed.allow_bookmarks = value == "true",
                "sendInitialEvents" => parsed.send_initial_events = value == "true",
                "labelSelector" => parsed.selector.labels = LabelSelector::parse(&value)?,
                "fieldSelector" => parsed.selector.fields = FieldSelector::parse(&value, fields)?,
                _ => {}
            }
        }
        parsed.resource_version = version.filter(|rv| *rv > 0);
        if parsed.list.continue_token.is_some() && version.is_some_and(|rv| rv > 0) {
            return Err(StatusError::bad_request("specifying resource version is not allowed when using continue"));
        }
        if parsed.send_initial_events && version_match != "NotOlderThan" {
            return Err(StatusError::unprocessable("resourceVersionMatch: Forbidden: sendInitialEvents requires setting resourceVersionMatch to NotOlderThan"));
        }
        match (version_match.as_str(), version) {
            (_, None) if !version_match.is_empty() && !parsed.send_initial_events => {
                return Err(StatusError::bad_request("resourceVersionMatch is forbidden unless resourceVersion is provided"));
            }
            ("Exact", Some(0)) => return Err(StatusError::bad_request("resourceVersionMatch \"Exact\" is forbidden for resourceVersion \"0\"")),
            ("Exact", Some(rv)) => parsed.list.revision = Some(rv),
            // A limit with a resourceVersion of old meant "exactly this one" (paging).
            ("", Some(rv)) if rv > 0 && parsed.list.limit > 0 => parsed.list.revision = Some(rv),
            ("" | "NotOlderThan", Some(rv)) => parsed.list.not_older_than = Some(rv),
            ("" | "NotOlderThan", None) => {}
            (other, _) => {
                return Err(StatusError::bad_request(format!(
                    "Unsupported value: {other:?}: supported values: \"Exact\", \"NotOlderThan\""
                )));
            }
        }
        Ok(parsed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_kubectls_parameters() -> Result<(), StatusError> {
        let q = Query::parse(Some("limit=500&labelSelector=app%3Dweb&fieldSelector=metadata.name%3Dx&resourceVersion=0&timeoutSeconds=7"), &[])?;
        assert_eq!((q.list.limit, q.resource_version, q.timeout), (500, None, Duration::from_secs(7)));
        assert!(q.selector.matches(&json!({"metadata": {"name": "x", "labels": {"app": "web"}}})));
        assert!(!q.selector.matches(&json!({"metadata": {"name": "y", "labels": {"app": "web"}}})));
        assert!(Query::parse(Some("limit=lots"), &[]).is_err());
        assert!(Query::parse(Some("labelSelector=a%20b"), &[]).is_err());
        assert_eq!(Query::parse(Some("resourceVersion=0"), &[])?.list.not_older_than, Some(0), "any state will do");
        assert_eq!(Query::parse(Some("resourceVersion=7&resourceVersionMatch=Exact"), &[])?.list.revision, Some(7));
        assert_eq!(Query::parse(Some("resourceVersion=7&limit=2"), &[])?.list.revision, Some(7), "paging from a version");
        assert_eq!(Query::parse(Some("resourceVersion=7&resourceVersionMatch=NotOlderThan&limit=2"), &[])?.list.not_older_than, Some(7));
        assert!(Query::parse(Some("resourceVersionMatch=Exact"), &[]).is_err());
        assert!(Query::parse(Some("resourceVersion=0&resourceVersionMatch=Exact"), &[]).is_err());
        assert!(Query::parse(Some("resourceVersion=3&continue=abc"), &[]).is_err());
        Ok(())
    }
}
