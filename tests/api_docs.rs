//! The examples in `docs/api.md` run: every `sh` block, in order, in one `bash -e` session
//! (so a variable set in one block is there in the next) against a fresh instance at
//! `$GLIDEPATH`. No pipefail: `| head` may cut curl short, as it does for users. Each `text`
//! block right after an `sh` block lists lines its output must contain, in any order; `…`
//! in a line stands for anything.

mod common;

use std::process::Command;

const DOC: &str = include_str!("../docs/api.md");
const MARKER: &str = "@@glidepath-example@@";

struct Example {
    script: String,
    expected: Option<String>,
}

/// The `sh` blocks of a Markdown text, each with the `text` block that follows it, if any.
fn examples(markdown: &str) -> Vec<Example> {
    let mut blocks: Vec<(String, String)> = Vec::new();
    let mut current: Option<(String, String)> = None;
    for line in markdown.lines() {
        match (&mut current, line.strip_prefix("```")) {
            (None, Some(info)) => current = Some((info.trim().to_string(), String::new())),
            (Some(_), Some("")) => blocks.push(current.take().unwrap()),
            (Some((_, body)), _) => {
                body.push_str(line);
                body.push('\n');
            }
            (None, None) => {}
        }
    }
    let mut examples = Vec::new();
    let mut iter = blocks.into_iter().peekable();
    while let Some((info, body)) = iter.next() {
        if info != "sh" {
            continue;
        }
        let expected = match iter.peek() {
            Some((next, _)) if next == "text" => iter.next().map(|(_, text)| text),
            _ => None,
        };
        examples.push(Example {
            script: body,
            expected,
        });
    }
    examples
}

/// Whether `line` matches `pattern`, where `…` matches any run of characters.
fn matches(pattern: &str, line: &str) -> bool {
    let parts: Vec<&str> = pattern.split('…').collect();
    let (first, rest) = parts.split_first().unwrap();
    let Some(mut remaining) = line.strip_prefix(first) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        return remaining.is_empty();
    };
    for part in middle {
        match remaining.find(part) {
            Some(at) => remaining = &remaining[at + part.len()..],
            None => return false,
        }
    }
    remaining.ends_with(last)
}

#[test]
fn wildcard_matching() {
    assert!(matches("a…c", "abbbc"));
    assert!(matches("x: …", "x: 12"));
    assert!(matches(
        "{\"id\":\"…\",…\"seed\":42…",
        "{\"id\":\"ab\",\"c\":1,\"seed\":42,\"z\":0}"
    ));
    assert!(!matches("a…c", "abbbd"));
    assert!(!matches("abc", "abcd"));
    assert!(matches("…", "anything"));
}

#[tokio::test]
async fn every_example_in_docs_api_md_gives_its_documented_output() {
    let examples = examples(DOC);
    assert!(examples.len() >= 5, "found {} examples", examples.len());
    // Debug builds on a busy CI machine are slow; the deadline is not what this tests.
    let app = common::spawn_app_with(|vars| {
        vars.insert("APP__SIMULATION__TIMEOUT_MS".into(), "60000".into());
    })
    .await;
    app.wait_started().await;

    let script: String = examples
        .iter()
        .map(|example| format!("printf '\\n{MARKER}\\n'\n{}", example.script))
        .collect();
    let address = app.address.clone();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("bash")
            .args(["-e", "-c", &script])
            .env("GLIDEPATH", address)
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .expect("bash runs")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).replace('\r', "");
    assert!(
        output.status.success(),
        "the examples failed: {}\n{stdout}",
        String::from_utf8_lossy(&output.stderr)
    );

    let outputs: Vec<&str> = stdout.split(&format!("\n{MARKER}\n")).skip(1).collect();
    assert_eq!(outputs.len(), examples.len());
    for (example, output) in examples.iter().zip(outputs) {
        let Some(expected) = &example.expected else {
            continue;
        };
        for wanted in expected.lines().filter(|l| !l.trim().is_empty()) {
            assert!(
                output.lines().any(|line| matches(wanted, line)),
                "docs/api.md: `{wanted}` is not in the output of\n{}\n--- output ---\n{output}",
                example.script
            );
        }
    }
}
