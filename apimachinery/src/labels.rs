//! Label selectors (`labelSelector=app=web,tier!=db,env in (prod,staging),!legacy`), with
//! equality-based and set-based requirements as upstream's `labels.Parse` accepts them.

use serde_json::Value;

use crate::status::StatusError;
use crate::validation;

/// How a requirement compares a label.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Operator {
    /// `key=v`, `key==v`, `key in (a,b)`.
    In(Vec<String>),
    /// `key!=v`, `key notin (a,b)`: also true when the label is absent.
    NotIn(Vec<String>),
    /// `key`.
    Exists,
    /// `!key`.
    DoesNotExist,
}

/// One requirement on one label key.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Requirement {
    key: String,
    operator: Operator,
}

/// A parsed label selector; the empty selector matches everything.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LabelSelector {
    requirements: Vec<Requirement>,
}

fn parse_error(text: &str, why: &str) -> StatusError {
    StatusError::bad_request(format!("unable to parse requirement: {why} (in selector {text:?})"))
}

/// Splits on commas that are not inside parentheses.
fn terms(text: &str) -> Vec<&str> {
    let (mut terms, mut depth, mut start) = (Vec::new(), 0usize, 0);
    for (i, c) in text.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                terms.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    terms.push(text[start..].trim());
    terms.into_iter().filter(|t| !t.is_empty()).collect()
}

fn set(text: &str, values: &str) -> Result<Vec<String>, StatusError> {
    let inner = values.trim().strip_prefix('(').and_then(|v| v.strip_suffix(')')).ok_or_else(|| parse_error(text, "expected a parenthesised set of values"))?;
    Ok(inner.split(',').map(|v| v.trim().to_owned()).filter(|v| !v.is_empty()).collect())
}

fn requirement(text: &str, term: &str) -> Result<Requirement, StatusError> {
    let words: Vec<&str> = term.splitn(2, char::is_whitespace).collect();
    let (key, operator) = if let Some(key) = term.strip_prefix('!') {
        (key.trim(), Operator::DoesNotExist)
    } else if let [key, rest] = words.as_slice() {
        let rest = rest.trim_start();
        if let Some(values) = rest.strip_prefix("notin") {
            (*key, Operator::NotIn(set(text, values)?))
        } else if let Some(values) = rest.strip_prefix("in") {
            (*key, Operator::In(set(text, values)?))
        } else {
            return Err(parse_error(text, &format!("unexpected {rest:?} after key {key:?}")));
        }
    } else if let Some((key, value)) = term.split_once("!=") {
        (key.trim(), Operator::NotIn(vec![value.trim().to_owned()]))
    } else if let Some((key, value)) = term.split_once("==").or_else(|| term.split_once('=')) {
        (key.trim(), Operator::In(vec![value.trim().to_owned()]))
    } else {
        (term, Operator::Exists)
    };
    if let Some(why) = validation::qualified_name(key).into_iter().next() {
        return Err(parse_error(text, &format!("invalid label key {key:?}: {why}")));
    }
    if let Operator::In(values) | Operator::NotIn(values) = &operator
        && let Some(why) = values.iter().find_map(|v| validation::label_value(v).into_iter().next())
    {
        return Err(parse_error(text, &format!("invalid label value: {why}")));
    }
    Ok(Requirement { key: key.to_owned(), operator })
}

impl LabelSelector {
    /// Parses a selector; a malformed one is a 400 with the reason.
    pub fn parse(text: &str) -> Result<Self, StatusError> {
        let requirements = terms(text).into_iter().map(|term| requirement(text, term)).collect::<Result<_, _>>()?;
        Ok(Self { requirements })
    }

    /// Whether `object`'s `metadata.labels` meet every requirement.
    pub fn matches(&self, object: &Value) -> bool {
        let labels = object.pointer("/metadata/labels").and_then(Value::as_object);
        let label = |key: &str| labels.and_then(|l| l.get(key)).and_then(Value::as_str);
        self.requirements.iter().all(|r| match (&r.operator, label(&r.key)) {
            (Operator::In(values), Some(v)) => values.iter().any(|x| x == v),
            (Operator::In(_), None) => false,
            (Operator::NotIn(values), Some(v)) => !values.iter().any(|x| x == v),
            (Operator::NotIn(_), None) => true,
            (Operator::Exists, found) => found.is_some(),
            (Operator::DoesNotExist, found) => found.is_none(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn object(labels: Value) -> Value {
        json!({"metadata": {"labels": labels}})
    }

    #[test]
    fn equality_and_set_requirements() -> Result<(), StatusError> {
        let web = object(json!({"app": "web", "env": "prod"}));
        let cases = [
            ("app=web", true),
            ("app==web,env=prod", true),
            ("app!=web", false),
            ("tier!=db", true),
            ("env in (prod, staging)", true),
            ("env notin (prod)", false),
            ("app", true),
            ("!legacy", true),
            ("!app", false),
            ("app=web,env in (dev)", false),
            ("", true),
        ];
        for (selector, want) in cases {
            assert_eq!(LabelSelector::parse(selector)?.matches(&web), want, "{selector}");
        }
        Ok(())
    }

    #[test]
    fn malformed_selectors_are_bad_requests() {
        for bad in ["app=we b", "env in prod", "-bad=x", "a in (b", "app foo"] {
            let error = LabelSelector::parse(bad).err();
            assert!(error.as_ref().is_some_and(|e| e.code == 400 && e.message.starts_with("unable to parse requirement")), "{bad}: {error:?}");
        }
    }
}
