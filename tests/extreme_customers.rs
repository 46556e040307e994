//! Extreme but valid customers get finite predictions from every model.
//!
//! Each model is fitted on the CDNOW sample in days, and BG/BB on the yearly
//! donations data. Each then predicts over a horizon of 3652.5 units (10
//! years in days, or 100 years for BG/BB), with discounting and without.
//! The customers are far outside that data: hundreds of purchase days, a
//! century of history in days, recency 0 with repeat purchases (as a summary
//! file may give), a customer who arrived on the calibration end, and a
//! spend of a billion.

use std::str::FromStr;

use clv_core::{
    ClvModel, CustomerSummary, Date, Decimal, Discount, FitData, PredictionRequest, Summaries, TimeUnit,
};
use clv_models::bg_bb::BgBbSettings;
use clv_models::bg_nbd::BgNbdSettings;
use clv_models::btyd::SpendSetting;
use clv_models::formula::FormulaSettings;
use clv_models::historical::HistoricalSettings;
use clv_models::mbg_nbd::MbgNbdSettings;
use clv_models::pareto_nbd::ParetoNbdSettings;

fn cdnow_in_days() -> Summaries {
    let mut config =
        clv_runner::Config::from_path(&clv_tests::workspace_root().join("config/cdnow.toml")).unwrap();
    config.unit = TimeUnit::Day;
    clv_runner::load_data(&config).unwrap().summaries
}

/// Builds a customer with `x` repeat purchase days, recency and T in days, and
/// `value` per purchase day.
fn customer(id: &str, x: u32, recency_days: i64, age_days: i64, value: &str) -> CustomerSummary {
    let value = Decimal::from_str(value).unwrap();
    let revenue = value * Decimal::from(x + 1);
    CustomerSummary {
        id: id.to_string(),
        first_purchase: Date::constant(1900, 1, 1),
        last_purchase: Date::constant(1900, 1, 1),
        frequency: x,
        recency_days,
        age_days,
        recency: recency_days as f64,
        age: age_days as f64,
        monetary_value: if x == 0 { Decimal::ZERO } else { value },
        first_value: value,
        revenue,
        profit: revenue,
        transactions: u64::from(x) + 1,
        holdout: None,
    }
}

/// Customers that every model must predict.
fn extreme_customers() -> Vec<CustomerSummary> {
    vec![
        customer("hundreds", 500, 3650, 3650, "20"),
        customer("hundreds_long_ago", 300, 400, 36_500, "20"),
        customer("century", 1000, 36_500, 36_524, "5"),
        customer("arrived_today", 0, 0, 0, "10"),
        customer("one_purchase_century", 0, 0, 36_524, "10"),
        customer("billion", 3, 30, 60, "1000000000"),
        customer("cent", 50, 300, 300, "0.01"),
    ]
}

/// Recency 0 with repeat purchases, which only continuous-time models accept.
fn same_day_repeats() -> CustomerSummary {
    customer("recency_zero", 5, 0, 100, "10")
}

/// Fits `model` on `fitted_on` and checks its predictions for `customers`
/// over `horizon` units, in the unit of `fitted_on`.
fn assert_finite_predictions(
    name: &str,
    model: &dyn ClvModel,
    fitted_on: &Summaries,
    customers: &[CustomerSummary],
    horizon: f64,
) {
    let unit = fitted_on.unit;
    let fitted = model.fit(&FitData { customers: &fitted_on.customers, unit }).unwrap();
    for discount in [Discount::NONE, Discount::from_annual(0.1, unit)] {
        let request = PredictionRequest { horizon, unit, discount, margin: 0.3 };
        let predictions =
            fitted.predict(customers, &request).unwrap_or_else(|error| panic!("{name}: {error}"));

        assert_eq!(predictions.len(), customers.len(), "{name}");
        for (customer, prediction) in customers.iter().zip(&predictions) {
            let label = format!("{name}, {}", customer.id);
            assert!(prediction.expected_transactions.is_finite(), "{label}: {prediction:?}");
            assert!(prediction.expected_transactions >= 0.0, "{label}: {prediction:?}");
            if let Some(p_alive) = prediction.p_alive {
                assert!((0.0..=1.0).contains(&p_alive), "{label}: {prediction:?}");
            }
        }
    }
}

#[test]
fn continuous_time_models_stay_finite() {
    let data = cdnow_in_days();
    let mut customers = extreme_customers();
    customers.push(same_day_repeats());

    let models: Vec<(&str, Box<dyn ClvModel>)> = vec![
        ("historical", Box::new(HistoricalSettings::default().validate().unwrap())),
        ("formula", Box::new(FormulaSettings::default().validate().unwrap())),
        ("bg_nbd", Box::new(BgNbdSettings::default().validate().unwrap())),
        ("pareto_nbd", Box::new(ParetoNbdSettings::default().validate().unwrap())),
        ("mbg_nbd", Box::new(MbgNbdSettings::default().validate().unwrap())),
    ];
    for (name, model) in &models {
        assert_finite_predictions(name, model.as_ref(), &data, &customers, 3652.5);
    }
}

#[test]
fn bg_bb_stays_finite() {
    // BG/BB counts opportunities: it is fitted on the yearly donations data,
    // and each extreme customer's recency and T are read as opportunities,
    // with at most one transaction per opportunity, so x <= t_x.
    let config =
        clv_runner::Config::from_path(&clv_tests::workspace_root().join("config/donations.toml")).unwrap();
    let data = clv_runner::load_data(&config).unwrap().summaries;
    // The donations data has no spend, so a fixed value per transaction is used.
    let model = BgBbSettings { spend: SpendSetting::Fixed(25.0) }.validate().unwrap();

    // Its predictions sum over every opportunity from t_x to n and over the
    // horizon, so the customers are kept to at most 3,650 opportunities and
    // the horizon to 100, still far outside the data's 6.
    let customers: Vec<CustomerSummary> =
        extreme_customers().into_iter().filter(|customer| customer.age_days <= 3650).collect();
    assert_finite_predictions("bg_bb", &model, &data, &customers, 100.0);
}
