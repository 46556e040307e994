//! Example lines of a valid file for a spec, for the error about an empty
//! file. They place the selected columns where the spec reads them and use
//! its separator and date format.

use crate::date::example_date;
use crate::spec::{ColumnRef, Format, SourceSpec};
use crate::summary::SummarySpec;

/// Value shown in an example line at a position that no selected column uses.
const FILLER: &str = "x";

/// A selected column, with the header name and the value that the example
/// lines show for it when the spec selects it by index.
pub(crate) struct ExampleColumn<'a> {
    pub(crate) column: &'a ColumnRef,
    pub(crate) name: &'static str,
    pub(crate) value: String,
}

/// The first lines of a valid file: a header row when the spec says the file
/// has one, and a data row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ExampleLines {
    pub(crate) header: Option<String>,
    pub(crate) row: String,
}

/// Builds the example lines of a transaction log for `spec`.
pub(crate) fn transaction_example(spec: &SourceSpec) -> ExampleLines {
    let mut columns = vec![
        ExampleColumn { column: &spec.customer, name: "customer", value: "0004".to_string() },
        ExampleColumn { column: &spec.date, name: "date", value: example_date(&spec.date_format) },
        ExampleColumn { column: &spec.amount, name: "amount", value: "12.50".to_string() },
    ];
    if let Some(cost) = &spec.cost {
        columns.push(ExampleColumn { column: cost, name: "cost", value: "7.25".to_string() });
    }
    example_lines(&columns, spec.format, spec.has_header)
}

/// Builds the example lines of a summary file for `spec`.
pub(crate) fn summary_example(spec: &SummarySpec) -> ExampleLines {
    fn optional<'a>(
        column: &'a Option<ColumnRef>,
        name: &'static str,
        value: &str,
    ) -> Option<ExampleColumn<'a>> {
        column.as_ref().map(|column| ExampleColumn { column, name, value: value.to_string() })
    }

    let columns: Vec<ExampleColumn<'_>> = [
        optional(&spec.customer, "customer", "0004"),
        Some(ExampleColumn { column: &spec.frequency, name: "frequency", value: "2".to_string() }),
        Some(ExampleColumn { column: &spec.recency, name: "recency", value: "30.5".to_string() }),
        Some(ExampleColumn { column: &spec.age, name: "age", value: "38.5".to_string() }),
        optional(&spec.count, "count", "1"),
        optional(&spec.monetary_value, "monetary_value", "12.50"),
    ]
    .into_iter()
    .flatten()
    .collect();
    example_lines(&columns, spec.format, spec.has_header)
}

/// Builds the example lines for `columns`.
///
/// A column selected by index is placed at that index. A column selected by
/// name goes to the first free position, because the header row decides where
/// it is, and its header name is the selected name. Positions that no column
/// uses are filled with `x`.
pub(crate) fn example_lines(columns: &[ExampleColumn<'_>], format: Format, has_header: bool) -> ExampleLines {
    let width = columns
        .iter()
        .filter_map(|example| match example.column {
            ColumnRef::Index(index) => Some(index + 1),
            ColumnRef::Name(_) => None,
        })
        .chain([columns.len()])
        .max()
        .unwrap_or(0);

    let mut slots: Vec<Option<&ExampleColumn<'_>>> = vec![None; width];
    for example in columns {
        if let ColumnRef::Index(index) = example.column {
            slots[*index].get_or_insert(example);
        }
    }
    for example in columns {
        if let ColumnRef::Name(_) = example.column {
            if let Some(free) = slots.iter_mut().find(|slot| slot.is_none()) {
                *free = Some(example);
            }
        }
    }

    let header_names = slots.iter().map(|slot| match slot {
        Some(ExampleColumn { column: ColumnRef::Name(name), .. }) => name.trim().to_string(),
        Some(example) => example.name.to_string(),
        None => FILLER.to_string(),
    });
    let values =
        slots.iter().map(|slot| slot.map_or_else(|| FILLER.to_string(), |example| example.value.clone()));

    ExampleLines {
        header: has_header.then(|| join_line(header_names, format)),
        row: join_line(values, format),
    }
}

/// Joins `fields` into a line of `format`, quoting a delimited field that
/// contains the delimiter or a quote.
fn join_line(fields: impl Iterator<Item = String>, format: Format) -> String {
    match format {
        Format::Delimited { delimiter } => {
            let delimiter = char::from(delimiter);
            let quoted: Vec<String> = fields
                .map(|field| {
                    if field.contains(delimiter) || field.contains('"') {
                        format!("\"{}\"", field.replace('"', "\"\""))
                    } else {
                        field
                    }
                })
                .collect();
            quoted.join(&delimiter.to_string())
        }
        Format::Whitespace => fields.collect::<Vec<_>>().join(" "),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const COMMA: Format = Format::Delimited { delimiter: b',' };

    fn example<'a>(column: &'a ColumnRef, name: &'static str, value: &str) -> ExampleColumn<'a> {
        ExampleColumn { column, name, value: value.to_string() }
    }

    #[test]
    fn names_keep_spec_order() {
        let (customer, date, amount) =
            (ColumnRef::from("Customer ID"), ColumnRef::from("date"), ColumnRef::from("total"));
        let columns = [
            example(&customer, "customer", "0004"),
            example(&date, "date", "2024-01-05"),
            example(&amount, "amount", "12.50"),
        ];

        let lines = example_lines(&columns, COMMA, true);

        assert_eq!(lines.header.as_deref(), Some("Customer ID,date,total"));
        assert_eq!(lines.row, "0004,2024-01-05,12.50");
    }

    #[test]
    fn indexes_place_columns_and_fill_gaps() {
        let (customer, date, amount) = (ColumnRef::from(1), ColumnRef::from(2), ColumnRef::from(4));
        let columns = [
            example(&customer, "customer", "0004"),
            example(&date, "date", "19970101"),
            example(&amount, "amount", "29.33"),
        ];

        let lines = example_lines(&columns, Format::Whitespace, false);

        assert_eq!(lines.header, None);
        assert_eq!(lines.row, "x 0004 19970101 x 29.33");
    }

    #[test]
    fn names_fill_positions_that_indexes_leave_free() {
        let (customer, date, amount) = (ColumnRef::from("id"), ColumnRef::from(0), ColumnRef::from(2));
        let columns = [
            example(&customer, "customer", "0004"),
            example(&date, "date", "2024-01-05"),
            example(&amount, "amount", "12.50"),
        ];

        let lines = example_lines(&columns, COMMA, true);

        assert_eq!(lines.header.as_deref(), Some("date,id,amount"));
        assert_eq!(lines.row, "2024-01-05,0004,12.50");
    }

    #[test]
    fn transaction_example_uses_date_format_and_cost() {
        let mut spec = SourceSpec::new("data.csv", "customer", "date", "amount");
        spec.cost = Some(ColumnRef::from("cost"));
        spec.format = Format::Delimited { delimiter: b';' };
        spec.date_format = "%d/%m/%Y".to_string();

        let lines = transaction_example(&spec);

        assert_eq!(lines.header.as_deref(), Some("customer;date;amount;cost"));
        assert_eq!(lines.row, "0004;05/01/2024;12.50;7.25");
    }

    #[test]
    fn summary_example_places_optional_columns() {
        let mut spec = SummarySpec::new("summary.csv", 1, 2, 3);
        spec.has_header = false;
        spec.customer = Some(ColumnRef::from(0));
        spec.count = Some(ColumnRef::from(4));

        let lines = summary_example(&spec);

        assert_eq!(lines.header, None);
        assert_eq!(lines.row, "0004,2,30.5,38.5,1");
    }

    #[test]
    fn delimited_values_with_delimiter_are_quoted() {
        let (customer, date) = (ColumnRef::from(0), ColumnRef::from(1));
        let columns = [example(&customer, "customer", "0004"), example(&date, "date", "05,01,2024")];

        let lines = example_lines(&columns, COMMA, false);

        assert_eq!(lines.row, "0004,\"05,01,2024\"");
    }
}
