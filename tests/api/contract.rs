//! The published contract: `/openapi.json` is a valid OpenAPI document
//! (checked by an independent validator), every error answer is described as
//! a problem document, and the document matches the committed snapshot
//! `tests/snapshots/openapi.json`, so any change to the contract shows in
//! review. Refresh the snapshot after an intended change with
//! `ZHIJIANG_UPDATE_SNAPSHOTS=1 cargo test --test api contract`.

use crate::support::TestApp;
use serde_json::Value;
use std::path::PathBuf;
use std::process::Command;

const SNAPSHOT: &str = "tests/snapshots/openapi.json";
const REFRESH: &str = "ZHIJIANG_UPDATE_SNAPSHOTS=1 cargo test --test api contract";

async fn served_document() -> Value {
    let app = TestApp::new().await;
    let res = app.get("/openapi.json").send().await;
    assert_eq!(res.status, 200, "{}", res.text());
    res.json()
}

/// The document with its object keys sorted, pretty-printed, with a final
/// newline: the form the snapshot is committed in.
fn canonical(doc: &Value) -> String {
    fn sorted(value: &Value) -> Value {
        match value {
            Value::Object(map) => {
                let mut keys: Vec<&String> = map.keys().collect();
                keys.sort();
                Value::Object(keys.into_iter().map(|k| (k.clone(), sorted(&map[k]))).collect())
            }
            Value::Array(items) => Value::Array(items.iter().map(sorted).collect()),
            other => other.clone(),
        }
    }
    let mut text = serde_json::to_string_pretty(&sorted(doc)).expect("JSON");
    text.push('\n');
    text
}

fn snapshot_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(SNAPSHOT)
}

/// JSON pointers where `a` and `b` differ (at most `limit` of them).
fn differences(a: &Value, b: &Value, at: &str, out: &mut Vec<String>, limit: usize) {
    if out.len() >= limit || a == b {
        return;
    }
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            let mut keys: Vec<&String> = x.keys().chain(y.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let here = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                match (x.get(key), y.get(key)) {
                    (Some(p), Some(q)) => differences(p, q, &here, out, limit),
                    (Some(_), None) => out.push(format!("- {here} (only in the snapshot)")),
                    (None, Some(_)) => out.push(format!("+ {here} (only in the served document)")),
                    (None, None) => {}
                }
                if out.len() >= limit {
                    return;
                }
            }
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            for (i, (p, q)) in x.iter().zip(y).enumerate() {
                differences(p, q, &format!("{at}/{i}"), out, limit);
            }
        }
        _ => out.push(format!("~ {at}: snapshot {} / served {}", short(a), short(b))),
    }
}

fn short(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() > 80 {
        format!("{}…", text.chars().take(80).collect::<String>())
    } else {
        text
    }
}

#[actix_rt::test]
async fn the_openapi_document_matches_the_committed_snapshot() {
    let served = served_document().await;
    let text = canonical(&served);
    let path = snapshot_path();
    if std::env::var("ZHIJIANG_UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("cannot read {SNAPSHOT} ({e}); write it with `{REFRESH}`"));
    if committed == text {
        return;
    }
    let mut diff = Vec::new();
    match serde_json::from_str::<Value>(&committed) {
        Ok(snapshot) => differences(&snapshot, &served, "", &mut diff, 40),
        Err(e) => diff.push(format!("the snapshot is not JSON: {e}")),
    }
    if diff.is_empty() {
        diff.push("same content, different formatting".into());
    }
    panic!(
        "the served /openapi.json differs from {SNAPSHOT}: the API contract changed.\n{}\n\
         If the change is intended, refresh the snapshot with `{REFRESH}` and commit it.",
        diff.join("\n")
    );
}

#[actix_rt::test]
async fn the_openapi_document_passes_an_independent_validator() {
    let served = served_document().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("openapi.json");
    std::fs::write(&file, canonical(&served)).unwrap();
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let out = Command::new(&python)
        .args(["-m", "openapi_spec_validator"])
        .arg(&file)
        .output()
        .expect("python3 with openapi-spec-validator is needed: pip install -r tests/requirements.txt");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        !stderr.contains("No module named"),
        "openapi-spec-validator is needed: pip install -r tests/requirements.txt\n{stderr}"
    );
    assert!(
        out.status.success(),
        "openapi-spec-validator rejects /openapi.json:\n{stdout}\n{stderr}"
    );
}

/// Every `$ref` names a registered component.
#[actix_rt::test]
async fn every_reference_in_the_openapi_document_resolves() {
    fn walk(value: &Value, doc: &Value, at: &str, missing: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                if let Some(Value::String(target)) = map.get("$ref") {
                    let resolved = target.strip_prefix('#').and_then(|pointer| doc.pointer(pointer));
                    if resolved.is_none() {
                        missing.push(format!("{at}: {target}"));
                    }
                }
                for (key, child) in map {
                    walk(child, doc, &format!("{at}/{key}"), missing);
                }
            }
            Value::Array(items) => {
                for (i, child) in items.iter().enumerate() {
                    walk(child, doc, &format!("{at}/{i}"), missing);
                }
            }
            _ => {}
        }
    }
    let doc = served_document().await;
    let mut missing = Vec::new();
    walk(&doc, &doc, "", &mut missing);
    assert!(missing.is_empty(), "unresolved references:\n{}", missing.join("\n"));
}

/// Every 4xx/5xx answer of every operation is described, as a problem
/// document, so generated clients can read errors.
#[actix_rt::test]
async fn every_error_response_is_a_described_problem_document() {
    let doc = served_document().await;
    let mut wrong = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
                continue;
            };
            for (status, response) in responses {
                if !(status.starts_with('4') || status.starts_with('5')) {
                    continue;
                }
                let response = match response["$ref"].as_str() {
                    Some(target) => doc.pointer(target.trim_start_matches('#')).unwrap_or(&Value::Null),
                    None => response,
                };
                let at = format!("{method} {path} {status}");
                if response["description"].as_str().is_none_or(str::is_empty) {
                    wrong.push(format!("{at}: no description"));
                }
                let schema = &response["content"]["application/problem+json"]["schema"];
                if schema["$ref"] != "#/components/schemas/Problem" {
                    wrong.push(format!("{at}: not an application/problem+json Problem ({})", response["content"]));
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "error responses without a problem document:\n{}",
        wrong.join("\n")
    );
}
