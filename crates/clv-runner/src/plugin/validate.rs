//! Checks of the values a plugin wrote into the host's buffers.

use clv_core::{CustomerSummary, ModelError, Prediction, money_from_f64};

/// The host's prediction buffers after a `predict` call.
pub(super) struct Written<'a> {
    pub expected_transactions: &'a [f64],
    pub value_per_transaction: Option<&'a [f64]>,
    pub p_alive: Option<&'a [f64]>,
    pub clv: &'a [f64],
    /// Number of predictions the plugin reported.
    pub count: usize,
}

/// Turns the plugin's values into predictions, rejecting a wrong count and
/// every value that is not finite, negative where it must not be, or outside
/// [0, 1] for P(alive). Errors name `plugin` and the customer.
pub(super) fn predictions(
    plugin: &str,
    customers: &[CustomerSummary],
    written: &Written<'_>,
) -> Result<Vec<Prediction>, ModelError> {
    if written.count != customers.len() {
        // The customer named is the first without a prediction, or the last one when there are too many.
        let index = written.count.min(customers.len().saturating_sub(1));
        return Err(ModelError::Prediction {
            customer: customers.get(index).map(|c| c.id.clone()).unwrap_or_default(),
            message: format!(
                "plugin {plugin} returned {} predictions for {} customers: a model must return exactly one \
                 per customer",
                written.count,
                customers.len()
            ),
        });
    }

    let mut predictions = Vec::with_capacity(customers.len());
    for (index, customer) in customers.iter().enumerate() {
        let invalid = |what: &str, value: f64, rule: &str| ModelError::Prediction {
            customer: customer.id.clone(),
            message: format!("plugin {plugin} returned {what} {value}: it must be {rule}"),
        };
        let non_negative_money = |what: &str, value: f64| {
            if value >= 0.0 {
                money_from_f64(value)
                    .ok_or_else(|| invalid(what, value, "finite, non-negative and within the range of money"))
            } else {
                Err(invalid(what, value, "finite and non-negative"))
            }
        };

        let expected_transactions = written.expected_transactions[index];
        if !(expected_transactions.is_finite() && expected_transactions >= 0.0) {
            return Err(invalid("expected transactions", expected_transactions, "finite and non-negative"));
        }
        let clv = non_negative_money("CLV", written.clv[index])?;
        let value_per_transaction = match written.value_per_transaction {
            Some(values) => Some(non_negative_money("value per transaction", values[index])?),
            None => None,
        };
        let p_alive = match written.p_alive {
            Some(values) if !(0.0..=1.0).contains(&values[index]) => {
                return Err(invalid("P(alive)", values[index], "a probability in [0, 1]"));
            }
            Some(values) => Some(values[index]),
            None => None,
        };
        predictions.push(Prediction { expected_transactions, value_per_transaction, p_alive, clv });
    }
    Ok(predictions)
}

#[cfg(test)]
mod tests {
    use clv_core::{Date, Decimal};

    use super::*;

    fn customer(id: &str) -> CustomerSummary {
        let day = Date::constant(1997, 1, 1);
        CustomerSummary {
            id: id.to_string(),
            first_purchase: day,
            last_purchase: day,
            frequency: 0,
            recency_days: 0,
            age_days: 7,
            recency: 0.0,
            age: 1.0,
            monetary_value: Decimal::ZERO,
            first_value: Decimal::ONE,
            revenue: Decimal::ONE,
            profit: Decimal::ONE,
            transactions: 1,
            holdout: None,
        }
    }

    fn check(
        transactions: [f64; 2],
        clv: [f64; 2],
        p_alive: Option<[f64; 2]>,
        count: usize,
    ) -> Result<Vec<Prediction>, ModelError> {
        let customers = [customer("a"), customer("b")];
        let written = Written {
            expected_transactions: &transactions,
            value_per_transaction: None,
            p_alive: p_alive.as_ref().map(|values| values.as_slice()),
            clv: &clv,
            count,
        };
        predictions("test", &customers, &written)
    }

    fn customer_of(error: ModelError) -> String {
        match error {
            ModelError::Prediction { customer, .. } => customer,
            other => panic!("expected a prediction error, found {other}"),
        }
    }

    #[test]
    fn valid_values_become_predictions() {
        let predictions = check([1.0, 0.0], [10.123456, 0.0], Some([0.5, 1.0]), 2).unwrap();
        assert_eq!(predictions[0].clv, Decimal::new(101235, 4));
        assert_eq!(predictions[1].p_alive, Some(1.0));
    }

    #[test]
    fn invalid_values_name_the_customer() {
        // (expected transactions, CLV, P(alive), the customer the error names)
        type Case = ([f64; 2], [f64; 2], Option<[f64; 2]>, &'static str);
        let cases: [Case; 5] = [
            ([1.0, f64::NAN], [0.0, 0.0], None, "b"),
            ([1.0, -0.5], [0.0, 0.0], None, "b"),
            ([1.0, 1.0], [f64::INFINITY, 0.0], None, "a"),
            ([1.0, 1.0], [1.0, -1.0], None, "b"),
            ([1.0, 1.0], [1.0, 1.0], Some([1.5, 0.5]), "a"),
        ];
        for (transactions, clv, p_alive, expected) in cases {
            let error = check(transactions, clv, p_alive, 2).unwrap_err();
            assert!(error.to_string().contains("plugin test"), "{error}");
            assert_eq!(customer_of(error), expected);
        }
    }

    #[test]
    fn wrong_count_is_rejected() {
        let error = check([1.0, 1.0], [1.0, 1.0], None, 1).unwrap_err();
        assert!(error.to_string().contains("returned 1 predictions for 2 customers"), "{error}");
        assert_eq!(customer_of(error), "b");
        let error = check([1.0, 1.0], [1.0, 1.0], None, 3).unwrap_err();
        assert!(error.to_string().contains("returned 3 predictions for 2 customers"), "{error}");
    }
}
