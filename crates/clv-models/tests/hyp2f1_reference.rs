//! Checks `ln_hyp2f1` against the reference values in
//! `tests/data/hyp2f1_reference.csv`, which `scripts/reference/hyp2f1.py`
//! computes with mpmath at 50 significant digits.
//!
//! Every row must match the sign exactly and ln|2F1| to 1e-10 relative, or
//! 1e-10 absolute where |ln|2F1|| < 1. The models need that accuracy, and it
//! is what a relative error of 1e-10 in 2F1 itself amounts to for values of
//! order 1.

use std::path::Path;

use clv_models::special::ln_hyp2f1;

const TOLERANCE: f64 = 1e-10;

struct Row {
    line: usize,
    a: f64,
    b: f64,
    c: f64,
    z: f64,
    ln_abs: f64,
    sign: f64,
}

fn read_rows() -> Vec<Row> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/hyp2f1_reference.csv");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|error| panic!("cannot read {}: {error}", path.display()));
    let mut lines = text.lines().enumerate();

    let (_, header) = lines.next().expect("the reference file has a header");
    assert_eq!(header, "a,b,c,z,ln_abs,sign");

    lines
        .map(|(index, line)| {
            let fields: Vec<f64> = line
                .split(',')
                .map(|field| {
                    field.parse().unwrap_or_else(|error| panic!("line {}: {field:?}: {error}", index + 1))
                })
                .collect();
            assert_eq!(fields.len(), 6, "line {} has {} fields", index + 1, fields.len());
            Row {
                line: index + 1,
                a: fields[0],
                b: fields[1],
                c: fields[2],
                z: fields[3],
                ln_abs: fields[4],
                sign: fields[5],
            }
        })
        .collect()
}

#[test]
fn reference_values_match() {
    let rows = read_rows();
    assert!(rows.len() >= 200, "only {} reference rows", rows.len());

    let mut failures = Vec::new();
    let mut max_error: f64 = 0.0;
    for row in &rows {
        let arguments = format!("line {}: 2F1({}, {}; {}; {})", row.line, row.a, row.b, row.c, row.z);
        match ln_hyp2f1(row.a, row.b, row.c, row.z) {
            Ok((ln_abs, sign)) => {
                let error = (ln_abs - row.ln_abs).abs() / row.ln_abs.abs().max(1.0);
                max_error = max_error.max(error);
                if sign != row.sign {
                    failures.push(format!("{arguments}: sign {sign}, expected {}", row.sign));
                }
                if error.is_nan() || error > TOLERANCE {
                    failures.push(format!(
                        "{arguments}: ln|F| = {ln_abs}, expected {}, error {error:e}",
                        row.ln_abs
                    ));
                }
            }
            Err(error) => failures.push(format!("{arguments}: {error}")),
        }
    }

    println!("{} rows, max error of ln|F| (relative, or absolute below 1): {max_error:e}", rows.len());
    assert!(
        failures.is_empty(),
        "{} of {} rows failed:\n{}",
        failures.len(),
        rows.len(),
        failures.join("\n")
    );
}
