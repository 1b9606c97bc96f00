//! `sfn check` output stays proportional to the number of problems, however
//! long the source lines and the names in it: a minified (one-line)
//! workflow shows a window of its line under each problem, with the caret
//! still under the right place, and a megabyte state name is not echoed.

mod support;

use support::{sfn, temp_file};

/// A workflow of `n` Pass states on one line, every other one with a
/// misspelt `Next` (`Stat{i}x` for `State{i}`).
fn minified(n: usize) -> String {
    let states: Vec<String> = (0..n)
        .map(|i| {
            let transition = if i + 1 == n {
                r#""End":true"#.to_string()
            } else if i % 2 == 0 {
                format!(r#""Next":"Stat{}x""#, i + 1)
            } else {
                format!(r#""Next":"State{}""#, i + 1)
            };
            format!(
                r#""State{i}":{{"Type":"Pass","Comment":"step {i} of the chain",{transition}}}"#
            )
        })
        .collect();
    format!(
        r#"{{"StartAt":"State0","States":{{{}}}}}"#,
        states.join(",")
    )
}

#[test]
fn a_minified_workflow_prints_a_window_of_its_line_per_problem() {
    let text = minified(2_000);
    assert!(text.len() > 80_000 && !text.contains('\n'));
    let f = temp_file("minified.asl.json", &text);
    let run = sfn(&["check", f.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let out = &run.stdout;

    let longest = out.lines().map(|l| l.chars().count()).max().unwrap();
    assert!(longest < 300, "a line of {longest} characters");
    let lines: Vec<&str> = out.lines().collect();
    // Each problem: the header, the gutter, the source window, the carets;
    // then the count.
    assert_eq!(lines.len(), 1_000 * 4 + 1, "{}", &out[..2000]);
    assert!(out.len() < 1_000 * 600, "{} bytes", out.len());
    assert!(lines[lines.len() - 1].ends_with(": 1000 errors"));

    for problem in lines[..lines.len() - 1].chunks(4) {
        let [header, gutter, source, carets] = problem else {
            unreachable!()
        };
        let name = header
            .split_once("no state named `")
            .and_then(|(_, rest)| rest.split_once('`'))
            .map(|(name, _)| name)
            .unwrap_or_else(|| panic!("unexpected problem: {header}"));
        assert_eq!(*gutter, "  |");
        let source = source.strip_prefix("1 | ").unwrap();
        let carets = carets.strip_prefix("  | ").unwrap();
        assert!(source.starts_with("...") || source.starts_with("{\"StartAt\""));
        // The caret stands under the value, as in an uncut line.
        let at = carets.find('^').unwrap();
        let quoted = format!("\"{name}\"");
        assert_eq!(&source[at..at + quoted.len()], quoted, "{problem:#?}");
        assert_eq!(carets[at..].len(), quoted.len(), "{problem:#?}");
        // And the header's column is the value's column in the file.
        let col: usize = header.split(':').nth(2).unwrap().parse().unwrap();
        assert_eq!(
            text[col - 1..].find(&quoted),
            Some(0),
            "{header}: column {col}"
        );
    }
}

#[test]
fn a_megabyte_state_name_is_not_echoed() {
    let long = "A".repeat(1 << 20);
    let text = format!(
        r#"{{"StartAt": "Start", "States": {{
  "Start": {{"Type": "Pass", "Next": "{long}B"}},
  "{long}": {{"Type": "Succeed"}}
}}}}"#
    );
    let f = temp_file("long-name.asl.json", &text);
    let run = sfn(&["check", f.to_str().unwrap()]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let out = &run.stdout;
    assert!(out.len() < 4_000, "{} bytes:\n{}", out.len(), &out[..4_000]);
    assert!(
        out.contains("state name is 1048576 characters long; AWS allows at most 80"),
        "{out}"
    );
    assert!(
        out.contains(&format!(
            "no state named `{}…(1048577 characters)` in this scope",
            "A".repeat(64)
        )),
        "{out}"
    );
    assert!(out.lines().all(|l| l.chars().count() < 400), "{out}");
}
