//! Calendar days and the time unit that model quantities are expressed in.
//!
//! Every duration is first counted in whole calendar days and only then
//! divided by the unit's length in days. A week is 7 days, a month is
//! 365.25 / 12 days and a year is 365.25 days, so the same data summarised
//! in days and in weeks differs by exactly a factor of 7.

use std::fmt;
use std::str::FromStr;

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The unit in which recency, T, horizons and per-unit rates are expressed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TimeUnit {
    Day,
    Week,
    Month,
    Year,
}

impl TimeUnit {
    /// All units, in increasing length.
    pub const ALL: [TimeUnit; 4] = [TimeUnit::Day, TimeUnit::Week, TimeUnit::Month, TimeUnit::Year];

    /// Length of one unit in days.
    pub fn days(self) -> f64 {
        match self {
            TimeUnit::Day => 1.0,
            TimeUnit::Week => 7.0,
            TimeUnit::Month => 365.25 / 12.0,
            TimeUnit::Year => 365.25,
        }
    }

    /// Converts a whole number of days into this unit.
    pub fn from_days(self, days: i64) -> f64 {
        days as f64 / self.days()
    }

    /// Name of the unit as written in configs and reports.
    pub fn name(self) -> &'static str {
        match self {
            TimeUnit::Day => "day",
            TimeUnit::Week => "week",
            TimeUnit::Month => "month",
            TimeUnit::Year => "year",
        }
    }
}

impl fmt::Display for TimeUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for TimeUnit {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        TimeUnit::ALL
            .into_iter()
            .find(|unit| unit.name() == text)
            .ok_or_else(|| format!("invalid time unit {text:?}: expected one of day, week, month, year"))
    }
}

/// Returns the number of whole days from `start` to `end` (negative when `end` is earlier).
pub fn days_between(start: Date, end: Date) -> i64 {
    // A civil date difference is always a whole number of 24-hour days.
    end.duration_since(start).as_secs() / 86_400
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unit_lengths_in_days() {
        assert_eq!(TimeUnit::Day.days(), 1.0);
        assert_eq!(TimeUnit::Week.days(), 7.0);
        assert_eq!(TimeUnit::Month.days(), 30.4375);
        assert_eq!(TimeUnit::Year.days(), 365.25);
    }

    #[test]
    fn days_between_spans_leap_day() {
        let start = Date::constant(1996, 2, 28);
        let end = Date::constant(1996, 3, 1);
        assert_eq!(days_between(start, end), 2);
        assert_eq!(days_between(end, start), -2);
    }

    #[test]
    fn cdnow_calibration_length_in_weeks() {
        // 1997-01-01 to 1997-09-30 is 272 days, the 38.86 weeks of the CDNOW summary.
        let days = days_between(Date::constant(1997, 1, 1), Date::constant(1997, 9, 30));
        assert_eq!(days, 272);
        assert!((TimeUnit::Week.from_days(days) - 38.857_142_857).abs() < 1e-9);
    }

    #[test]
    fn unit_parses_from_name() {
        assert_eq!("month".parse::<TimeUnit>(), Ok(TimeUnit::Month));
        let error = "fortnight".parse::<TimeUnit>().unwrap_err();
        assert!(error.contains("fortnight"), "{error}");
    }
}
