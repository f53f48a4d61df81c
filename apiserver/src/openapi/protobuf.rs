//! The Swagger 2.0 document as gnostic's `openapi.v2.Document` protobuf, the only form
//! kubectl asks `/openapi/v2` for (`application/com.github.proto-openapi.spec.v2@v1.0+protobuf`).
//!
//! The encoder walks the JSON document and writes the fields of gnostic's `OpenAPIv2.proto`
//! that our documents use; JSON it has no field for is dropped. Free-form values (vendor
//! extensions, defaults, enums, examples) travel as gnostic `Any`s whose `yaml` field holds
//! the value's JSON text, which YAML readers take as is.

use serde_json::Value;

/// A protobuf message being written.
#[derive(Default)]
struct Message(Vec<u8>);

impl Message {
    fn varint(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.0.push((value as u8 & 0x7f) | 0x80);
            value >>= 7;
        }
        self.0.push(value as u8);
    }

    fn key(&mut self, field: u32, wire_type: u8) {
        self.varint((u64::from(field) << 3) | u64::from(wire_type));
    }

    fn bytes(&mut self, field: u32, bytes: &[u8]) {
        self.key(field, 2);
        self.varint(bytes.len() as u64);
        self.0.extend_from_slice(bytes);
    }

    fn string(&mut self, field: u32, value: Option<&Value>) {
        if let Some(text) = value.and_then(Value::as_str).filter(|t| !t.is_empty()) {
            self.bytes(field, text.as_bytes());
        }
    }

    fn strings(&mut self, field: u32, value: Option<&Value>) {
        match value {
            Some(Value::Array(items)) => items.iter().for_each(|item| self.string(field, Some(item))),
            single => self.string(field, single),
        }
    }

    fn bool(&mut self, field: u32, value: Option<&Value>) {
        if value.and_then(Value::as_bool) == Some(true) {
            self.key(field, 0);
            self.varint(1);
        }
    }

    fn int64(&mut self, field: u32, value: Option<&Value>) {
        if let Some(number) = value.and_then(Value::as_i64).filter(|n| *n != 0) {
            self.key(field, 0);
            self.varint(number as u64);
        }
    }

    fn double(&mut self, field: u32, value: Option<&Value>) {
        if let Some(number) = value.and_then(Value::as_f64).filter(|n| *n != 0.0) {
            self.key(field, 1);
            self.0.extend_from_slice(&number.to_le_bytes());
        }
    }

    fn message(&mut self, field: u32, message: Message) {
        self.bytes(field, &message.0);
    }

    /// A gnostic `Any`: the value's JSON text in its `yaml` field.
    fn any(&mut self, field: u32, value: Option<&Value>) {
        if let Some(value) = value {
            let mut any = Message::default();
            any.bytes(2, value.to_string().as_bytes());
            self.message(field, any);
        }
    }

    /// `NamedAny` entries for the object's `x-` keys.
    fn extensions(&mut self, field: u32, object: &Value) {
        for (name, value) in entries(Some(object)).filter(|(k, _)| k.starts_with("x-")) {
            self.message(field, named(name, |any| any.bytes(2, value.to_string().as_bytes())));
        }
    }
}

/// A `Named*` message: the name, then the value message built by `value`.
fn named(name: &str, value: impl FnOnce(&mut Message)) -> Message {
    let mut entry = Message::default();
    entry.bytes(1, name.as_bytes());
    let mut inner = Message::default();
    value(&mut inner);
    entry.message(2, inner);
    entry
}

/// The members of a JSON object; nothing for other values.
fn entries(value: Option<&Value>) -> impl Iterator<Item = (&String, &Value)> {
    value.and_then(Value::as_object).into_iter().flatten()
}

/// Encodes a Swagger 2.0 document.
pub fn document(document: &Value) -> Vec<u8> {
    let d = document;
    let mut m = Message::default();
    m.string(1, d.get("swagger"));
    if let Some(info) = d.get("info") {
        let mut i = Message::default();
        for (field, key) in [(1, "title"), (2, "version"), (3, "description")] {
            i.string(field, info.get(key));
        }
        m.message(2, i);
    }
    for (field, key) in [(3, "host"), (4, "basePath")] {
        m.string(field, d.get(key));
    }
    for (field, key) in [(5, "schemes"), (6, "consumes"), (7, "produces")] {
        m.strings(field, d.get(key));
    }
    let mut paths = Message::default();
    for (path, item) in entries(d.get("paths")) {
        paths.message(2, named(path, |p| path_item(p, item)));
    }
    m.message(8, paths);
    let mut definitions = Message::default();
    for (name, schema_value) in entries(d.get("definitions")) {
        definitions.message(1, named(name, |s| schema(s, schema_value)));
    }
    m.message(9, definitions);
    for requirement in d.get("security").and_then(Value::as_array).into_iter().flatten() {
        let mut r = Message::default();
        for (name, scopes) in entries(Some(requirement)) {
            r.message(1, named(name, |a| a.strings(1, Some(scopes))));
        }
        m.message(12, r);
    }
    let mut security = Message::default();
    for (name, scheme) in entries(d.get("securityDefinitions")) {
        security.message(1, named(name, |item| item.message(2, api_key(scheme))));
    }
    m.message(13, security);
    m.extensions(16, d);
    m.0
}

fn api_key(scheme: &Value) -> Message {
    let mut m = Message::default();
    for (field, key) in [(1, "type"), (2, "name"), (3, "in"), (4, "description")] {
        m.string(field, scheme.get(key));
    }
    m
}

fn path_item(m: &mut Message, item: &Value) {
    for (field, method) in [(2, "get"), (3, "put"), (4, "post"), (5, "delete"), (6, "options"), (7, "head"), (8, "patch")] {
        if let Some(op) = item.get(method) {
            m.message(field, operation(op));
        }
    }
    for p in item.get("parameters").and_then(Value::as_array).into_iter().flatten() {
        m.message(9, parameter(p));
    }
    m.extensions(10, item);
}

fn operation(op: &Value) -> Message {
    let o = op;
    let mut m = Message::default();
    m.strings(1, o.get("tags"));
    for (field, key) in [(2, "summary"), (3, "description"), (5, "operationId")] {
        m.string(field, o.get(key));
    }
    m.strings(6, o.get("produces"));
    m.strings(7, o.get("consumes"));
    for p in o.get("parameters").and_then(Value::as_array).into_iter().flatten() {
        m.message(8, parameter(p));
    }
    let mut responses = Message::default();
    for (code, response) in entries(o.get("responses")) {
        responses.message(1, named(code, |value| value.message(1, self::response(response))));
    }
    m.message(9, responses);
    m.strings(10, o.get("schemes"));
    m.bool(11, o.get("deprecated"));
    m.extensions(13, o);
    m
}

fn response(response: &Value) -> Message {
    let mut m = Message::default();
    m.string(1, response.get("description"));
    if let Some(body) = response.get("schema") {
        let mut item = Message::default();
        item.message(1, schema_message(body));
        m.message(2, item);
    }
    m
}

/// A `ParametersItem`: a `$ref`, a body parameter, or a query/path/header one.
fn parameter(p: &Value) -> Message {
    let mut item = Message::default();
    if let Some(target) = p.get("$ref") {
        let mut reference = Message::default();
        reference.string(1, Some(target));
        item.message(2, reference);
        return item;
    }
    let mut parameter = Message::default();
    if p.get("in").and_then(Value::as_str) == Some("body") {
        let mut body = Message::default();
        for (field, key) in [(1, "description"), (2, "name"), (3, "in")] {
            body.string(field, p.get(key));
        }
        body.bool(4, p.get("required"));
        if let Some(s) = p.get("schema") {
            body.message(5, schema_message(s));
        }
        parameter.message(1, body);
    } else {
        // Query sub-schemas have `allowEmptyValue` at 5, shifting the later fields by one.
        let (variant, shift) = match p.get("in").and_then(Value::as_str) {
            Some("query") => (3, 1),
            Some("header") => (1, 0),
            _ => (4, 0),
        };
        let mut sub = Message::default();
        sub.bool(1, p.get("required"));
        for (field, key) in [(2, "in"), (3, "description"), (4, "name")] {
            sub.string(field, p.get(key));
        }
        sub.string(5 + shift, p.get("type"));
        sub.string(6 + shift, p.get("format"));
        sub.bool(19 + shift, p.get("uniqueItems"));
        sub.extensions(22 + shift, p);
        let mut non_body = Message::default();
        non_body.message(variant, sub);
        parameter.message(2, non_body);
    }
    item.message(1, parameter);
    item
}

fn schema_message(value: &Value) -> Message {
    let mut m = Message::default();
    schema(&mut m, value);
    m
}

fn schema(m: &mut Message, value: &Value) {
    let s = value;
    for (field, key) in [(1, "$ref"), (2, "format"), (3, "title"), (4, "description")] {
        m.string(field, s.get(key));
    }
    m.any(5, s.get("default"));
    for (field, key) in [(6, "multipleOf"), (7, "maximum")] {
        m.double(field, s.get(key));
    }
    m.bool(8, s.get("exclusiveMaximum"));
    m.double(9, s.get("minimum"));
    m.bool(10, s.get("exclusiveMinimum"));
    for (field, key) in [(11, "maxLength"), (12, "minLength")] {
        m.int64(field, s.get(key));
    }
    m.string(13, s.get("pattern"));
    for (field, key) in [(14, "maxItems"), (15, "minItems")] {
        m.int64(field, s.get(key));
    }
    m.bool(16, s.get("uniqueItems"));
    for (field, key) in [(17, "maxProperties"), (18, "minProperties")] {
        m.int64(field, s.get(key));
    }
    m.strings(19, s.get("required"));
    for choice in s.get("enum").and_then(Value::as_array).into_iter().flatten() {
        m.any(20, Some(choice));
    }
    match s.get("additionalProperties") {
        Some(Value::Bool(allowed)) => {
            let mut item = Message::default();
            item.key(2, 0);
            item.varint(u64::from(*allowed));
            m.message(21, item);
        }
        Some(inner) => {
            let mut item = Message::default();
            item.message(1, schema_message(inner));
            m.message(21, item);
        }
        None => {}
    }
    if let Some(kind) = s.get("type") {
        let mut item = Message::default();
        item.strings(1, Some(kind));
        m.message(22, item);
    }
    if let Some(items) = s.get("items") {
        let mut item = Message::default();
        let list = match items {
            Value::Array(list) => list.as_slice(),
            single => std::slice::from_ref(single),
        };
        for inner in list {
            item.message(1, schema_message(inner));
        }
        m.message(23, item);
    }
    for inner in s.get("allOf").and_then(Value::as_array).into_iter().flatten() {
        m.message(24, schema_message(inner));
    }
    if let Some(properties) = s.get("properties") {
        let mut list = Message::default();
        for (name, inner) in entries(Some(properties)) {
            list.message(1, named(name, |p| schema(p, inner)));
        }
        m.message(25, list);
    }
    m.bool(27, s.get("readOnly"));
    m.any(30, s.get("example"));
    m.extensions(31, s);
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn varints_and_nested_messages_follow_the_wire_format() {
        let mut m = Message::default();
        m.varint(300);
        assert_eq!(m.0, [0xac, 0x02]);
        // Document{swagger: "2.0"} is field 1, wire type 2, length 3.
        let bytes = document(&json!({"swagger": "2.0"}));
        assert_eq!(&bytes[..5], [0x0a, 3, b'2', b'.', b'0']);
    }

    #[test]
    fn a_schema_keeps_its_reference_description_and_extensions() {
        let encoded = schema_message(&json!({"$ref": "#/definitions/X", "description": "d", "x-kubernetes-group-version-kind": [{"kind": "X"}]})).0;
        let mut want = vec![0x0a, 15];
        want.extend_from_slice(b"#/definitions/X");
        want.extend_from_slice(&[0x22, 1, b'd']);
        assert!(encoded.starts_with(&want), "{encoded:?}");
        // vendor_extension (31) → NamedAny{name, value: Any{yaml (2): the JSON text}}.
        let json = br#"[{"kind":"X"}]"#;
        let mut any = vec![0x12, json.len() as u8];
        any.extend_from_slice(json);
        assert!(encoded.windows(any.len()).any(|w| w == any.as_slice()), "{encoded:?}");
        let name = b"x-kubernetes-group-version-kind";
        let position = encoded.windows(name.len()).position(|w| w == name).expect("the extension's name");
        assert_eq!(encoded[position + name.len()..][..2], [0x12, any.len() as u8], "the Any directly holds the yaml field");
    }
}
