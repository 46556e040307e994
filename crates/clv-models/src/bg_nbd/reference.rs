//! High-precision reference values of BG/NBD and MBG/NBD for the unit tests.
//!
//! `scripts/reference/bg_nbd_reference.py` computes them with mpmath at 50
//! digits from the published closed forms, checks each expectation against
//! numerical integration over the dropout probability, and writes the table
//! read here.

use crate::btyd::{Rfm, TransactionProcess};

const TABLE: &str = include_str!("../../tests/data/bg_nbd_reference.csv");

/// Relative tolerance against the reference values. The numerics aim at
/// about 1e-11; log-gamma differences and 2F1 leave less for some cases.
pub(crate) const RELATIVE_TOLERANCE: f64 = 1e-9;

/// Reference probabilities below this are compared as "about 0", because
/// they underflow or lose relative precision in double precision.
const TINY: f64 = 1e-290;

/// Quantity of a reference row.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Quantity {
    LogLikelihood,
    PAlive,
    ConditionalExpectation,
    ExpectedTransactions,
    Probability,
}

/// One reference value with its inputs. Fields a quantity does not use are 0.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Row {
    pub quantity: Quantity,
    pub params: [f64; 4],
    pub rfm: Rfm,
    pub t: f64,
    pub n: u32,
    pub value: f64,
}

/// Returns the rows of `model` (`bg_nbd` or `mbg_nbd`).
pub(crate) fn rows(model: &str) -> Vec<Row> {
    let mut lines = TABLE.lines();
    let header = lines.next().expect("the reference table has a header");
    assert_eq!(header, "model,quantity,r,alpha,a,b,x,t_x,T,t,n,value");
    lines
        .map(|line| line.split(',').collect::<Vec<_>>())
        .filter(|fields| fields[0] == model)
        .map(|fields| parse_row(&fields))
        .collect()
}

fn parse_row(fields: &[&str]) -> Row {
    let number = |index: usize| -> f64 {
        if fields[index].is_empty() { 0.0 } else { fields[index].parse().expect("a number") }
    };
    let quantity = match fields[1] {
        "log_likelihood" => Quantity::LogLikelihood,
        "p_alive" => Quantity::PAlive,
        "conditional_expectation" => Quantity::ConditionalExpectation,
        "expected_transactions" => Quantity::ExpectedTransactions,
        "probability" => Quantity::Probability,
        other => panic!("unknown quantity {other}"),
    };
    Row {
        quantity,
        params: [number(2), number(3), number(4), number(5)],
        rfm: Rfm { x: number(6), t_x: number(7), t: number(8) },
        t: number(9),
        n: number(10) as u32,
        value: number(11),
    }
}

/// Returns what `process` computes for the row's quantity and inputs.
pub(crate) fn compute(process: &dyn TransactionProcess, row: &Row) -> f64 {
    match row.quantity {
        Quantity::LogLikelihood => process.log_likelihood(row.rfm),
        Quantity::PAlive => process.p_alive(row.rfm),
        Quantity::ConditionalExpectation => process.conditional_expected_transactions(row.rfm, row.t),
        Quantity::ExpectedTransactions => process.expected_transactions(row.t),
        Quantity::Probability => process.probability_of_transactions(row.n, row.t),
    }
}

/// Compares every row of `model` that `select` keeps with what the process
/// built by `build` from `[r, alpha, a, b]` computes, and panics listing
/// each row outside [`RELATIVE_TOLERANCE`], taken relative to the larger of
/// 1 and the value for a log-likelihood. Also panics if no row is selected.
pub(crate) fn check<P: TransactionProcess>(
    model: &str,
    select: impl Fn(&Row) -> bool,
    build: impl Fn(&[f64]) -> P,
) {
    let selected: Vec<Row> = rows(model).into_iter().filter(|row| select(row)).collect();
    assert!(!selected.is_empty(), "no reference row of {model} is selected");

    let failures: Vec<String> = selected
        .iter()
        .filter_map(|row| {
            let actual = compute(&build(&row.params), row);
            let within = match row.quantity {
                // A log-likelihood is summed over customers, so its error
                // counts in absolute terms when it is near 0.
                Quantity::LogLikelihood => {
                    (actual - row.value).abs() <= RELATIVE_TOLERANCE * row.value.abs().max(1.0)
                }
                _ if row.value.abs() < TINY => actual.is_finite() && actual.abs() < TINY,
                _ => (actual - row.value).abs() <= RELATIVE_TOLERANCE * row.value.abs(),
            };
            (!within).then(|| format!("{row:?}: computed {actual:e}"))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} rows differ from the reference by more than {RELATIVE_TOLERANCE:e} relative:\n{}",
        failures.len(),
        selected.len(),
        failures.join("\n")
    );
}
