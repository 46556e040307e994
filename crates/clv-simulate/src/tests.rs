use jiff::civil::Date;

use super::*;

fn simulate(simulation: &Simulation) -> (String, Written) {
    let mut out = Vec::new();
    let written = simulation.write_csv(&mut out).unwrap();
    (String::from_utf8(out).unwrap(), written)
}

#[test]
fn same_seed_same_bytes() {
    let simulation = Simulation { customers: 20_000, ..Simulation::default() };
    let (first, _) = simulate(&simulation);
    let (second, _) = simulate(&simulation);
    assert_eq!(first, second);

    let (other_seed, _) = simulate(&Simulation { seed: 7, ..simulation });
    assert_ne!(first, other_seed);
}

#[test]
fn rows_are_valid_and_counted() {
    let simulation = Simulation::default();
    let (text, written) = simulate(&simulation);
    let mut lines = text.lines();
    assert_eq!(lines.next(), Some("customer,date,amount"));

    let last_day = Date::constant(2021, 12, 30);
    let mut rows = 0;
    let mut customers = std::collections::BTreeSet::new();
    for line in lines {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), 3, "{line}");
        customers.insert(fields[0].parse::<u64>().unwrap());
        let date: Date = fields[1].parse().unwrap();
        assert!(date >= simulation.start, "{line}");
        assert!(date <= last_day, "{line}");
        let amount: f64 = fields[2].parse().unwrap();
        assert!(amount >= 0.01, "{line}");
        rows += 1;
    }
    assert_eq!(written.transactions, rows);
    assert_eq!(written.customers, 1_000);
    assert_eq!(customers.len(), 1_000);
}

/// The mean amount of the Gamma-Gamma spend model is p γ / (q - 1) = 35.22
/// for the default parameters; 10,000 customers' amounts average within 3%.
#[test]
fn mean_amount_matches_spend_model() {
    let simulation = Simulation { customers: 10_000, ..Simulation::default() };
    let (text, _) = simulate(&simulation);
    let amounts: Vec<f64> =
        text.lines().skip(1).map(|line| line.rsplit(',').next().unwrap().parse().unwrap()).collect();
    let mean = amounts.iter().sum::<f64>() / amounts.len() as f64;
    let expected = 6.25 * 15.44 / 2.74;
    assert!((mean / expected - 1.0).abs() < 0.03, "mean amount {mean}, expected {expected}");
}

/// Without dropout (b tiny, so p is near 0) and a fixed rate (r large with
/// r / α = 1 a week), a customer buys about once a week until the end.
#[test]
fn purchase_rate_matches_process() {
    let simulation = Simulation {
        customers: 2_000,
        cohort_days: 1,
        observation_days: 700,
        purchase: PurchaseProcess { r: 1e4, alpha: 1e4, a: 1e-3, b: 1e3 },
        ..Simulation::default()
    };
    let (_, written) = simulate(&simulation);
    let per_customer = written.transactions as f64 / 2_000.0;
    // 1 first purchase + 100 weeks at one a week; same-day purchases are separate rows.
    assert!((per_customer - 101.0).abs() < 2.0, "{per_customer} rows per customer");
}

#[test]
fn invalid_parameters_are_rejected() {
    let cases = [
        Simulation { customers: 0, ..Simulation::default() },
        Simulation { cohort_days: 0, ..Simulation::default() },
        Simulation { observation_days: 10, cohort_days: 20, ..Simulation::default() },
        Simulation {
            purchase: PurchaseProcess { r: -1.0, ..Simulation::default().purchase },
            ..Simulation::default()
        },
        Simulation {
            spend: SpendProcess { gamma: f64::NAN, ..Simulation::default().spend },
            ..Simulation::default()
        },
    ];
    for simulation in cases {
        let error = simulation.write_csv(Vec::new()).unwrap_err();
        assert!(matches!(error, SimulateError::InvalidParameter { .. }), "{error}");
    }
}

#[test]
fn date_beyond_calendar_is_error() {
    let simulation = Simulation { start: Date::constant(9999, 12, 1), ..Simulation::default() };
    let error = simulation.write_csv(Vec::new()).unwrap_err();
    assert!(matches!(error, SimulateError::DateOutOfRange { .. }), "{error}");
}
