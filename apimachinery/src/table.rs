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

/// The object's name, for the name column.
pub fn name_cell(object: &Value) -> Value {
    object.pointer("/metadata/name").cloned().unwrap_or(Value::Null)
}

/// The object's age as upstream prints it (`45s`, `5m30s`, `3h`, `12d`), or `<unknown>`.
pub fn age_cell(object: &Value) -> Value {
    let created = object.pointer("/metadata/creationTimestamp").and_then(Value::as_str);
    match created.and_then(|t| OffsetDateTime::parse(t, &Rfc3339).ok()) {
        Some(created) => Value::String(human_duration((OffsetDateTime::now_utc() - created).whole_seconds())),
        None => Value::String("<unknown>".into()),
    }
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
}
