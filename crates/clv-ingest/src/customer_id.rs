//! The comparison of customer ids: exactly as written by default, or with
//! case and spaces ignored when the spec sets it.

use std::borrow::Cow;

/// The rule by which two customer ids are the same customer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CustomerIds {
    /// Ids are exact strings: leading zeros, case and inner spaces are kept,
    /// so `007`, `7`, `Ab` and `ab` are four customers. Only the spaces around
    /// a field are dropped, as for every field.
    #[default]
    Exact,
    /// Ids that differ only in case are one customer; ids are lowercased.
    IgnoreCase,
    /// Ids that differ only in case or whitespace are one customer; ids are
    /// lowercased and every whitespace character is removed.
    IgnoreCaseAndSpaces,
}

impl CustomerIds {
    /// Returns the id under which `id` is counted. Lowercasing follows
    /// Unicode, so `Ä` and `ä` are one customer.
    pub(crate) fn normalise<'a>(self, id: &'a str) -> Cow<'a, str> {
        match self {
            CustomerIds::Exact => Cow::Borrowed(id),
            CustomerIds::IgnoreCase => Cow::Owned(id.to_lowercase()),
            CustomerIds::IgnoreCaseAndSpaces => {
                Cow::Owned(id.chars().filter(|c| !c.is_whitespace()).flat_map(char::to_lowercase).collect())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_keeps_id() {
        for id in ["007", "Abc Def", "ABC"] {
            assert_eq!(CustomerIds::Exact.normalise(id), id);
        }
    }

    #[test]
    fn ignore_case_lowercases() {
        assert_eq!(CustomerIds::IgnoreCase.normalise("Abc Def"), "abc def");
        assert_eq!(CustomerIds::IgnoreCase.normalise("ÄB007"), "äb007");
    }

    #[test]
    fn ignore_spaces_removes_inner_whitespace() {
        assert_eq!(CustomerIds::IgnoreCaseAndSpaces.normalise("Abc  Def\u{a0}1"), "abcdef1");
        assert_eq!(CustomerIds::IgnoreCaseAndSpaces.normalise("007"), "007");
    }
}
