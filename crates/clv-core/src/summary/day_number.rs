//! Calendar days as integer day numbers, days since 1970-01-01.
//!
//! The conversions are the standard days-from-civil algorithm and its
//! inverse, written out rather than done through jiff spans, because a
//! large log converts one date per row and a jiff span costs several times
//! more per call.

use jiff::civil::Date;

/// Returns the day number of year, month and day, or `None` unless they form
/// a calendar day in the years 1 to 9999.
pub fn day_number(year: i32, month: u32, day: u32) -> Option<i32> {
    if !(1..=9999).contains(&year)
        || !(1..=12).contains(&month)
        || day == 0
        || day > days_in_month(year, month)
    {
        return None;
    }
    // Years start in March, so that the leap day is the last day of a year.
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month_from_march = (month + 9) % 12;
    let day_of_year = (153 * month_from_march + 2) / 5 + day - 1;
    let day_of_era =
        year_of_era as u32 * 365 + year_of_era as u32 / 4 - year_of_era as u32 / 100 + day_of_year;
    Some(era * 146_097 + day_of_era as i32 - 719_468)
}

/// Returns the day number of `date`.
///
/// # Panics
///
/// When `date` is before the year 1, which jiff's calendar allows down to -9999.
pub fn date_day_number(date: Date) -> i32 {
    day_number(i32::from(date.year()), date.month() as u32, date.day() as u32)
        .expect("a jiff date from the year 1 on is a calendar day")
}

/// Returns the calendar day of a day number that [`day_number`] returned.
///
/// # Panics
///
/// When `number` is outside the years 1 to 9999.
pub fn date_from_day_number(number: i32) -> Date {
    let shifted = number + 719_468;
    let era = shifted.div_euclid(146_097);
    let day_of_era = shifted - era * 146_097;
    let year_of_era = (day_of_era - day_of_era / 1_460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 };
    let year = year_of_era + era * 400 + i32::from(month <= 2);
    Date::new(year as i16, month as i8, day as i8).expect("a day number from day_number is a calendar day")
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::time::days_between;

    #[test]
    fn day_number_counts_from_1970() {
        assert_eq!(day_number(1970, 1, 1), Some(0));
        assert_eq!(day_number(1969, 12, 31), Some(-1));
        assert_eq!(day_number(2000, 3, 1), Some(11_017));
    }

    #[test]
    fn day_number_matches_jiff() {
        // jiff's own day arithmetic is the reference, over every day of a
        // 9-year span with three leap years and the century rule of 2100.
        let epoch = Date::constant(1970, 1, 1);
        let mut date = Date::constant(2095, 1, 1);
        while date < Date::constant(2104, 1, 1) {
            let number = date_day_number(date);
            assert_eq!(i64::from(number), days_between(epoch, date), "{date}");
            assert_eq!(date_from_day_number(number), date);
            date = date.tomorrow().unwrap();
        }
    }

    #[test]
    fn calendar_ends_round_trip() {
        for date in [Date::constant(1, 1, 1), Date::constant(9999, 12, 31), Date::constant(1600, 2, 29)] {
            assert_eq!(date_from_day_number(date_day_number(date)), date);
        }
    }

    #[test]
    fn invalid_days_are_none() {
        assert_eq!(day_number(2023, 2, 29), None);
        assert_eq!(day_number(2100, 2, 29), None);
        assert_eq!(day_number(2024, 13, 1), None);
        assert_eq!(day_number(2024, 4, 31), None);
        assert_eq!(day_number(0, 1, 1), None);
        assert_eq!(day_number(2024, 1, 0), None);
        assert!(day_number(2000, 2, 29).is_some());
    }
}
