//! Tests that predicting by groups of customers who share `x` and `T` gives
//! the same predictions as computing each customer's expectation alone.

use clv_core::{CustomerSummary, Discount, FittedModel, PredictionRequest, TimeUnit, money_from_f64};

use super::population_tests::given_fit;
use super::{FittedTransactionModel, Rfm, Spend, TransactionProcess};
use crate::bg_nbd::BgNbdProcess;
use crate::mbg_nbd::MbgNbdProcess;
use crate::pareto_nbd::ParetoNbdProcess;
use crate::test_support::summary;

/// Customers enough to take the grouped path: 6,000 summaries over 3 ages
/// and 20 frequencies, so each group has about 100 customers whose
/// recencies differ.
fn customers() -> Vec<CustomerSummary> {
    (0..6_000)
        .map(|index: i64| {
            let frequency = (index % 20) as u32;
            let age_days = [120, 250, 400][(index / 20 % 3) as usize];
            let recency_days = if frequency == 0 { 0 } else { (index * 37) % (age_days + 1) };
            summary(&format!("c{index}"), frequency, recency_days, age_days, "10", "25.50")
        })
        .collect()
}

/// Predicts with `process` and compares each prediction with the customer's
/// own curve from `conditional_expected_transactions_at`, discounted by
/// [`Discount::present_value`]: both must agree exactly.
fn check_groups_match_customers<P: TransactionProcess + Clone + 'static>(process: P) {
    let customers = customers();
    let fit = given_fit(&process);
    let model =
        FittedTransactionModel::new(process.clone(), fit, customers.len(), TimeUnit::Day, Spend::Fixed(30.0));
    let discount = Discount::from_annual(0.1, TimeUnit::Day);
    let request = PredictionRequest { horizon: 90.5, unit: TimeUnit::Day, discount, margin: 0.3 };

    let predictions = model.predict(&customers, &request).unwrap();

    let times: Vec<f64> = (0..=91).map(|k| f64::from(k).min(90.5)).collect();
    for (customer, prediction) in customers.iter().zip(&predictions) {
        let curve = process.conditional_expected_transactions_at(Rfm::of(customer), &times);
        let mut unit = 0;
        let discounted = discount.present_value(request.horizon, |_, _| {
            unit += 1;
            curve[unit] - curve[unit - 1]
        });
        assert_eq!(prediction.expected_transactions, curve[91], "{}", customer.id);
        assert_eq!(Some(prediction.clv), money_from_f64(discounted * 30.0 * 0.3), "{}", customer.id);
    }
}

#[test]
fn bg_nbd_groups_match_customers() {
    check_groups_match_customers(BgNbdProcess { r: 0.243, alpha: 4.414 * 7.0, a: 0.793, b: 2.426 });
}

#[test]
fn mbg_nbd_groups_match_customers() {
    check_groups_match_customers(MbgNbdProcess { r: 0.525, alpha: 6.183 * 7.0, a: 0.891, b: 1.614 });
}

#[test]
fn pareto_nbd_groups_match_customers() {
    check_groups_match_customers(ParetoNbdProcess {
        r: 0.553,
        alpha: 10.578 * 7.0,
        s: 0.606,
        beta: 11.669 * 7.0,
    });
}
