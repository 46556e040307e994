//! The calibration summaries as the C columns a plugin reads.

use clv_core::{CustomerSummary, TimeUnit};
use clv_plugin::abi::{self, StrRef};
use rust_decimal::prelude::ToPrimitive;

/// Columns the host allocates for one call; they borrow the customer ids.
pub(super) struct HostColumns<'a> {
    ids: Vec<StrRef>,
    frequency: Vec<f64>,
    recency: Vec<f64>,
    age: Vec<f64>,
    monetary_value: Vec<f64>,
    unit_days: f64,
    _customers: std::marker::PhantomData<&'a [CustomerSummary]>,
}

impl<'a> HostColumns<'a> {
    pub(super) fn new(customers: &'a [CustomerSummary], unit: TimeUnit) -> HostColumns<'a> {
        HostColumns {
            ids: customers.iter().map(|c| StrRef::new(&c.id)).collect(),
            frequency: customers.iter().map(|c| f64::from(c.frequency)).collect(),
            recency: customers.iter().map(|c| c.recency).collect(),
            age: customers.iter().map(|c| c.age).collect(),
            // A Decimal beyond f64's range cannot come from a money column; 0 keeps the column total.
            monetary_value: customers.iter().map(|c| c.monetary_value.to_f64().unwrap_or(0.0)).collect(),
            unit_days: unit.days(),
            _customers: std::marker::PhantomData,
        }
    }

    /// Returns the C view, valid while `self` lives.
    pub(super) fn as_abi(&self) -> abi::Customers {
        abi::Customers {
            len: self.ids.len(),
            ids: self.ids.as_ptr(),
            frequency: self.frequency.as_ptr(),
            recency: self.recency.as_ptr(),
            age: self.age.as_ptr(),
            monetary_value: self.monetary_value.as_ptr(),
            unit_days: self.unit_days,
        }
    }
}
