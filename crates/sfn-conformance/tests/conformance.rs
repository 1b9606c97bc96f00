//! Runs every recorded AWS case of the conformance corpus through the
//! generated workflows, under paused time, and compares with AWS's
//! recording. Prints `conformance <group>: N/M passed`, the overall count,
//! and every failing case with its difference; fails when the overall count
//! drops below the floor in `floor.txt` (raised as cases start to pass).

use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

fn floor() -> usize {
    let text = include_str!("../floor.txt");
    text.trim().parse().expect("floor.txt holds one number")
}

#[test]
fn conformance() {
    let Some(dir) = sfn_conformance::CORPUS else {
        println!("conformance corpus not found when building; skipped");
        return;
    };
    let cases_dir = Path::new(dir).join("cases");
    let mut groups: Vec<PathBuf> = std::fs::read_dir(&cases_dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    groups.sort();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .start_paused(true)
        .build()
        .unwrap();
    let mut per_group: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut failures = Vec::new();
    for group in &groups {
        let gname = group.file_name().unwrap().to_string_lossy().into_owned();
        let mut files: Vec<PathBuf> = std::fs::read_dir(group)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        for f in files
            .into_iter()
            .filter(|p| p.extension().is_some_and(|e| e == "json"))
        {
            let case: Value = serde_json::from_str(&std::fs::read_to_string(&f).unwrap()).unwrap();
            let name = format!("{gname}/{}", f.file_stem().unwrap().to_string_lossy());
            let counts = per_group.entry(gname.clone()).or_default();
            counts.1 += 1;
            let key = sfn_conformance::canon::key(&case["definition"]);
            let resources = sfn_conformance::replay::resources(&case);
            let Some(execution) = sfn_conformance::run(key, resources, case["input"].clone())
            else {
                failures.push(format!("{name}: no generated machine for its definition"));
                continue;
            };
            // A generous virtual limit: with paused time, Waits cost nothing,
            // and a machine that never ends shows up as a failure, not a hang.
            let limit = std::time::Duration::from_secs(400 * 86_400);
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                runtime.block_on(async { tokio::time::timeout(limit, execution).await })
            }));
            let result = match run {
                Ok(Ok(r)) => r,
                Ok(Err(_)) => {
                    failures.push(format!(
                        "{name}: did not finish within 400 days of virtual time"
                    ));
                    continue;
                }
                Err(_) => {
                    failures.push(format!("{name}: panicked"));
                    continue;
                }
            };
            match sfn_conformance::compare::outcome(&case, &result) {
                Ok(()) => counts.0 += 1,
                Err(d) => failures.push(format!("{name}: {d}")),
            }
        }
    }
    let (mut passed, mut total) = (0, 0);
    for (g, (p, t)) in &per_group {
        println!("conformance {g}: {p}/{t} passed");
        passed += p;
        total += t;
    }
    for f in &failures {
        println!("FAIL {f}");
    }
    println!("conformance: {passed}/{total} passed");
    assert!(
        passed >= floor(),
        "conformance dropped below the floor: {passed} < {}",
        floor()
    );
}
