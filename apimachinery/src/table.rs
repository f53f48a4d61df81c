//! Server-side printing: the `meta.k8s.io/v1` `Table` kubectl asks for
//! (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`), with upstream's column shapes
//! and its human-readable ages.

use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

/// One column of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// Header as upstream spells it (`Name`, `Status`, `Age`); kubectl upper-cases it.
    pub name: &'static str,
    /// OpenAPI type of the cells: `string`, `integer`, `date`...
    pub type_: &'static str,
    /// OpenAPI format (`name` marks the name column).
    pub format: &'static str,
    /// What the column shows.
    pub description: &'static str,
    /// 0: always shown; 1: only with `-o wide`.
    pub priority: i32,
}

impl Column {
    /// A column of `type_` cells (`string`, `integer`, `boolean`, `date`) shown by default.
    pub const fn new(name: &'static str, type_: &'static str, description: &'static str) -> Self {
        Self { name, type_, format: "", description, priority: 0 }
    }

    /// The same column, shown only with `-o wide`.
    pub const fn wide(self) -> Self {
        Self { priority: 1, ..self }
    }
}

/// The name column every table starts with.
pub const NAME: Column = Column {
    name: "Name",
    type_: "string",
    format: "name",
    description: "Name must be unique within a namespace. Cannot be updated.",
    priority: 0,
};

/// The age column most tables end with.
pub const AGE: Column = Column {
    name: "Age",
    type_: "string",
    format: "",
    description: "CreationTimestamp is a timestamp representing the server time when this object was created.",
    priority: 0,
};

/// The second column of upstream's default table, for resources without a printer of
/// their own (roles, limit ranges): the creation time itself.
pub const CREATED_AT: Column = Column {
    name: "Created At",
    type_: "date",
    format: "",
    description: "CreationTimestamp is a timestamp representing the server time when this object was created.",
    priority: 0,
};

/// The creation time as upstream's default table prints it (RFC 3339, UTC).
pub fn created_at_cell(object: &Value) -> Value {
    object.pointer("/metadata/creationTimestamp").cloned().unwrap_or(Value::Null)
}

/// The object's name, for the name column.
pub fn name_cell(object: &Value) -> Value {
    object.pointer("/metadata/name").cloned().unwrap_or(Value::Null)
}

/// The object's age as upstream prints it (`45s`, `5m30s`, `3h`, `12d`), or `<unknown>`.
pub fn age_cell(object: &Value) -> Value {
    Value::String(since(object.pointer("/metadata/creationTimestamp").and_then(Value::as_str)))
}

/// The time since an RFC 3339 timestamp as upstream prints it, or `<unknown>` without one.
pub fn since(timestamp: Option<&str>) -> String {
    match timestamp.and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok()) {
        Some(then) => human_duration((OffsetDateTime::now_utc() - then).whole_seconds()),
        None => "<unknown>".into(),
    }
}

/// A label map as upstream's `labels.FormatLabels` prints it: `a=1,b=2`, or `<none>`.
pub fn labels_text(labels: Option<&Value>) -> String {
    let mut pairs: Vec<String> = labels
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(key, value)| format!("{key}={}", value.as_str().unwrap_or_default()))
        .collect();
    pairs.sort();
    if pairs.is_empty() { "<none>".into() } else { pairs.join(",") }
}

/// One `matchExpressions` entry as a selector requirement string, with its key.
fn expression_text(expression: &Value) -> Option<(String, String)> {
    let key = expression.get("key")?.as_str()?.to_owned();
    let mut values: Vec<&str> = expression.get("values").and_then(Value::as_array).into_iter().flatten().filter_map(Value::as_str).collect();
    values.sort_unstable();
    let text = match expression.get("operator")?.as_str()? {
        "In" => format!("{key} in ({})", values.join(",")),
        "NotIn" => format!("{key} notin ({})", values.join(",")),
        "Exists" => key.clone(),
        "DoesNotExist" => format!("!{key}"),
        _ => return None,
    };
    Some((key, text))
}

/// A `LabelSelector` as upstream's `FormatLabelSelector` prints it: requirements sorted by
/// key (`app=web,tier in (a,b),!legacy`), `<none>` when it selects everything or nothing,
/// `<error>` when malformed.
pub fn selector_text(selector: Option<&Value>) -> String {
    let labels = selector.and_then(|s| s.get("matchLabels")).and_then(Value::as_object).into_iter().flatten();
    let mut requirements: Vec<(String, String)> =
        labels.map(|(key, value)| (key.clone(), format!("{key}={}", value.as_str().unwrap_or_default()))).collect();
    for expression in selector.and_then(|s| s.get("matchExpressions")).and_then(Value::as_array).into_iter().flatten() {
        match expression_text(expression) {
            Some(requirement) => requirements.push(requirement),
            None => return "<error>".into(),
        }
    }
    requirements.sort();
    let text: Vec<String> = requirements.into_iter().map(|(_, text)| text).collect();
    if text.is_empty() { "<none>".into() } else { text.join(",") }
}

/// Up to `max` of `items` joined by commas, then upstream's ` + N more...` for the rest of
/// `total`.
pub fn abbreviated(items: &[String], total: usize, max: usize) -> String {
    let shown = items.iter().take(max).cloned().collect::<Vec<_>>().join(",");
    if total > max { format!("{shown} + {} more...", total - max) } else { shown }
}

/// Upstream's `HumanDuration`: precise when short, coarser as it grows.
pub fn human_duration(seconds: i64) -> String {
    let (minutes, hours) = (seconds / 60, seconds / 3600);
    let (days, years) = (hours / 24, hours / 24 / 365);
    let pair = |big: i64, big_unit: &str, small: i64, small_unit: &str| {
        if small == 0 { format!("{big}{big_unit}") } else { format!("{big}{big_unit}{small}{small_unit}") }
    };
    match seconds {
        s if s < -1 => "<invalid>".into(),
        s if s < 0 => "0s".into(),
        s if s < 120 => format!("{s}s"),
        _ if minutes < 10 => pair(minutes, "m", seconds % 60, "s"),
        _ if minutes < 180 => format!("{minutes}m"),
        _ if hours < 8 => pair(hours, "h", minutes % 60, "m"),
        _ if hours < 48 => format!("{hours}h"),
        _ if hours < 24 * 8 => pair(days, "d", hours % 24, "h"),
        _ if hours < 24 * 365 * 2 => format!("{days}d"),
        _ if hours < 24 * 365 * 8 => pair(years, "y", days % 365, "d"),
        _ => format!("{years}y"),
    }
}

/// Builds a `Table` of `objects` (rows carry `PartialObjectMetadata`), at `api_version`
/// `meta.k8s.io/v1` or `v1beta1` as asked.
pub fn table(api_version: &str, columns: &[Column], objects: &[Value], cells: &dyn Fn(&Value) -> Vec<Value>, list_metadata: Value) -> Value {
    let definitions: Vec<Value> = columns
        .iter()
        .map(|c| json!({"name": c.name, "type": c.type_, "format": c.format, "description": c.description, "priority": c.priority}))
        .collect();
    let rows: Vec<Value> = objects
        .iter()
        .map(|object| {
            let metadata = object.get("metadata").cloned().unwrap_or_else(|| json!({}));
            json!({
                "cells": cells(object),
                "object": {"kind": "PartialObjectMetadata", "apiVersion": api_version, "metadata": metadata},
            })
        })
        .collect();
    json!({"kind": "Table", "apiVersion": api_version, "metadata": list_metadata, "columnDefinitions": definitions, "rows": rows})
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_durations_match_upstream() {
        let cases = [
            (-5, "<invalid>"),
            (0, "0s"),
            (119, "119s"),
            (150, "2m30s"),
            (600, "10m"),
            (3 * 3600 + 5 * 60, "3h5m"),
            (10 * 3600, "10h"),
            (3 * 86400 + 4 * 3600, "3d4h"),
            (30 * 86400, "30d"),
            (3 * 365 * 86400 + 86400, "3y1d"),
            (10 * 365 * 86400, "10y"),
        ];
        for (seconds, want) in cases {
            assert_eq!(human_duration(seconds), want, "{seconds}s");
        }
    }

    #[test]
    fn rows_carry_partial_object_metadata() {
        let objects = [json!({"metadata": {"name": "a", "creationTimestamp": "2020-01-01T00:00:00Z"}})];
        let t = table("meta.k8s.io/v1", &[NAME, AGE], &objects, &|o| vec![name_cell(o), age_cell(o)], json!({"resourceVersion": "7"}));
        assert_eq!(t["rows"][0]["cells"][0], "a");
        assert!(t["rows"][0]["cells"][1].as_str().is_some_and(|a| a.ends_with('y') || a.contains('y')));
        assert_eq!(t["rows"][0]["object"]["kind"], "PartialObjectMetadata");
        assert_eq!(t["columnDefinitions"][0]["format"], "name");
    }

    #[test]
    fn labels_and_selectors_print_like_upstream() {
        assert_eq!(labels_text(Some(&json!({"b": "2", "a": "1"}))), "a=1,b=2");
        assert_eq!(labels_text(None), "<none>");
        let selector = json!({"matchLabels": {"tier": "web"}, "matchExpressions": [
            {"key": "env", "operator": "In", "values": ["prod", "dev"]},
            {"key": "legacy", "operator": "DoesNotExist"},
        ]});
        assert_eq!(selector_text(Some(&selector)), "env in (dev,prod),!legacy,tier=web");
        assert_eq!(selector_text(Some(&json!({}))), "<none>");
        assert_eq!(selector_text(Some(&json!({"matchExpressions": [{"key": "a", "operator": "Near"}]}))), "<error>");
        let items: Vec<String> = ["a", "b", "c", "d"].map(String::from).to_vec();
        assert_eq!(abbreviated(&items, 5, 3), "a,b,c + 2 more...");
        assert_eq!(abbreviated(&items[..2], 2, 3), "a,b");
        assert_eq!(Column::new("Value", "integer", "").wide().priority, 1);
    }
}
