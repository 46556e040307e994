//! The fast reader against the accurate reader: the same summaries, report
//! and repeat purchase days on every log it reads, and a reason for each log
//! it leaves to the accurate reader.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use clv_core::{Date, Decimal, Summaries, SummaryBuilder, SummaryError, TimeUnit};
use clv_ingest::{FastRead, IngestReport, SourceSpec, SummaryRequest, read_summaries_fast};
use proptest::prelude::*;

use crate::common::{TempFile, decimal, read_all};

/// The summaries and the repeat purchase days per calendar day, or the error of the summary step.
type SummaryResult = Result<(Summaries, BTreeMap<Date, u64>), SummaryError>;

/// Sets one option of a spec.
type Configure = fn(&mut SourceSpec);

/// Reads a log with the accurate reader and the summary builder, and counts the
/// repeat purchase days of the summarised customers from every row.
fn read_accurately(spec: &SourceSpec, request: &SummaryRequest) -> (IngestReport, SummaryResult) {
    let (transactions, report) = read_all(spec);
    let mut builder = SummaryBuilder::new(request.margin);
    let mut days: HashMap<String, BTreeSet<Date>> = HashMap::new();
    for transaction in transactions {
        days.entry(transaction.customer.clone()).or_default().insert(transaction.date);
        builder.add(transaction).expect("amounts are small");
    }
    let summaries = match builder.build(request.unit, request.calibration_end, request.observation_end) {
        Ok(summaries) => summaries,
        Err(error) => return (report, Err(error)),
    };

    let mut repeat_days = BTreeMap::new();
    for customer in &summaries.customers {
        for day in &days[&customer.id] {
            if *day > customer.first_purchase && *day <= summaries.split.observation_end {
                *repeat_days.entry(*day).or_insert(0) += 1;
            }
        }
    }
    (report, Ok((summaries, repeat_days)))
}

/// Reads `spec` with the fast reader on a pool of `threads` threads, so that
/// the log is split into that many parts.
fn read_fast(spec: &SourceSpec, request: &SummaryRequest, threads: usize) -> FastRead {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("a thread pool");
    pool.install(|| read_summaries_fast(spec, request))
}

fn request(calibration_end: Option<Date>, observation_end: Option<Date>, margin: &str) -> SummaryRequest {
    SummaryRequest { unit: TimeUnit::Week, calibration_end, observation_end, margin: decimal(margin) }
}

fn day(offset: u8) -> Date {
    Date::constant(2024, 1, 1).checked_add(jiff::Span::new().days(i64::from(offset))).unwrap()
}

/// One row: customer, day offset from 2024-01-01 and amount.
type Row = (String, u8, &'static str);

/// Sets of amounts. The fast reader takes the first two: positive amounts of
/// several scales, and amounts of one scale with returns. It leaves the
/// third, a mix with zero and returns of several scales, to the accurate reader.
const AMOUNT_SETS: [[&str; 6]; 3] = [
    ["12.50", "3", "0.1", "7.0001", "+2.25", "100.10"],
    ["12.50", "-12.50", "3.00", "-0.50", "+2.25", "100.10"],
    ["12.50", "-12.50", "3", "0", "0.1", "-0.5"],
];

fn row() -> impl Strategy<Value = (String, u8, usize)> {
    let customer =
        prop_oneof![(0..8u8).prop_map(|n| format!("c{n}")), Just("007".to_string()), Just("7".to_string())];
    (customer, 0..90u8, 0..6usize)
}

/// How the rows are ordered in the log.
#[derive(Clone, Copy, Debug)]
enum Order {
    ByCustomerThenDate,
    ByDate,
    AsGenerated,
}

fn log_text(
    rows: &[Row],
    order: Order,
    header: bool,
    crlf: bool,
    blank_every: usize,
    delimiter: char,
) -> String {
    let mut rows = rows.to_vec();
    match order {
        Order::ByCustomerThenDate => rows.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1))),
        Order::ByDate => rows.sort_by_key(|row| row.1),
        Order::AsGenerated => {}
    }
    let end = if crlf { "\r\n" } else { "\n" };
    let mut text = String::new();
    if header {
        text.push_str(&format!("customer{delimiter}date{delimiter}amount{end}"));
    }
    for (index, (customer, offset, amount)) in rows.iter().enumerate() {
        if blank_every > 0 && index % blank_every == 0 {
            text.push_str(end);
        }
        text.push_str(&format!("{customer}{delimiter}{}{delimiter}{amount}{end}", day(*offset)));
    }
    text
}

fn same_results(fast: &SummaryResult, accurate: &SummaryResult) -> Result<(), TestCaseError> {
    // The debug form writes each decimal with its scale, so 12.5 and 12.50 differ.
    prop_assert_eq!(format!("{fast:?}"), format!("{accurate:?}"));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        failure_persistence: None,
        rng_seed: proptest::test_runner::RngSeed::Fixed(20261205),
        ..ProptestConfig::default()
    })]

    #[test]
    fn fast_reader_matches_accurate(
        rows in prop::collection::vec(row(), 1..60),
        amount_set in 0..3usize,
        order in prop::sample::select(vec![Order::ByCustomerThenDate, Order::ByDate, Order::AsGenerated]),
        layout in (any::<bool>(), any::<bool>(), 0..5usize, prop::sample::select(vec![',', ';', '|'])),
        periods in (prop::option::of(10..60u8), prop::option::of(30..80u8)),
        margin in prop::sample::select(vec!["0.3", "1", "0.25"]),
        threads in 1..5usize,
    ) {
        let (header, crlf, blank_every, delimiter) = layout;
        let rows: Vec<Row> = rows.into_iter().map(|(customer, day, amount)| (customer, day, AMOUNT_SETS[amount_set][amount])).collect();
        let file = TempFile::new("fast.csv", log_text(&rows, order, header, crlf, blank_every, delimiter));
        let mut spec = SourceSpec::new(file.path(), 0, 1, 2);
        spec.has_header = header;
        spec.format = clv_ingest::Format::Delimited { delimiter: delimiter as u8 };
        let request = request(periods.0.map(day), periods.1.map(day), margin);

        let (report, accurate) = read_accurately(&spec, &request);
        match read_fast(&spec, &request, threads) {
            FastRead::Read(read) => {
                prop_assert_eq!(&read.report, &report);
                same_results(&read.result, &accurate)?;
            }
            FastRead::Declined(reason) if reason.starts_with("a customer's rows are not in date order") => {
                prop_assert!(matches!(order, Order::AsGenerated), "{reason}");
            }
            FastRead::Declined(reason) => {
                prop_assert_eq!(amount_set, 2, "{}", reason);
                prop_assert!(reason.starts_with("an amount is zero") || reason.starts_with("some amounts are negative"), "{reason}");
            }
        }
    }
}

fn declined_reason(contents: &str, configure: impl FnOnce(&mut SourceSpec)) -> String {
    let file = TempFile::new("declined.csv", contents);
    let mut spec = SourceSpec::new(file.path(), "customer", "date", "amount");
    configure(&mut spec);
    match read_fast(&spec, &request(None, None, "1"), 2) {
        FastRead::Read(read) => panic!("the fast reader read {contents:?}: {:?}", read.report),
        FastRead::Declined(reason) => reason,
    }
}

#[test]
fn unsupported_logs_are_declined() {
    let header = "customer,date,amount\n";
    let cases = [
        ("a,2024-01-05,\"1\"\n", "the file has a quote"),
        ("a,2024-01-05\n", "a row has fewer fields than the selected columns need"),
        (" ,2024-01-05,1\n", "a customer id is empty"),
        ("a,2024-02-30,1\n", "a date is not a plain calendar day"),
        ("a,2024-1-5,1\n", "a date is not a plain calendar day"),
        ("a,2024-01-05,$1\n", "an amount is not a short plain decimal"),
        ("a,2024-01-05,1.23456\n", "an amount is not a short plain decimal"),
        ("a,2024-01-05,\n", "an amount is not a short plain decimal"),
        ("a,2024-01-05,0.00\n", "an amount is zero"),
        (
            "a,2024-01-05,-1.5\na,2024-01-06,2.25\n",
            "some amounts are negative and the amounts have from 1 to 2 decimal places",
        ),
        ("a,2024-01-05,1\na,2024-01-04,1\n", "a customer's rows are not in date order"),
    ];
    for (rows, expected) in cases {
        let reason = declined_reason(&format!("{header}{rows}"), |_| {});
        assert!(reason.starts_with(expected), "{rows:?}: {reason}");
    }
}

#[test]
fn invalid_utf8_id_is_declined() {
    let file = TempFile::new("utf8.csv", b"customer,date,amount\na\xFF,2024-01-05,1\n");
    let spec = SourceSpec::new(file.path(), "customer", "date", "amount");

    let FastRead::Declined(reason) = read_fast(&spec, &request(None, None, "1"), 1) else { panic!("read") };

    assert!(reason.starts_with("a customer id is not UTF-8"), "{reason}");
}

#[test]
fn unsupported_specs_are_declined() {
    let log = "customer,date,amount,cost\na,2024-01-05,1,0.5\n";
    let cases: [(Configure, &str); 5] = [
        (|spec| spec.cost = Some("cost".into()), "the spec has a cost column"),
        (|spec| spec.date_format = "%d/%m/%Y".to_string(), "the date format is not"),
        (|spec| spec.format = clv_ingest::Format::Whitespace, "the file is whitespace-separated"),
        (
            |spec| spec.customer_ids = clv_ingest::CustomerIds::IgnoreCase,
            "customer ids are not compared exactly",
        ),
        (|spec| spec.amount_format.thousands_separator = Some(','), "the amounts are not plain decimals"),
    ];
    for (configure, expected) in cases {
        let reason = declined_reason(log, configure);
        assert!(reason.starts_with(expected), "{reason}");
    }
}

#[test]
fn byte_order_mark_is_declined() {
    let reason = declined_reason("\u{FEFF}customer,date,amount\na,2024-01-05,1\n", |_| {});

    assert_eq!(reason, "the file starts with a byte order mark");
}

#[test]
fn missing_column_is_declined() {
    let reason = declined_reason("customer,day,amount\na,2024-01-05,1\n", |_| {});

    assert_eq!(reason, "a selected column is not in the file");
}

#[test]
fn log_without_final_line_end_is_read() {
    let file = TempFile::new("no-end.csv", "customer,date,amount\na,2024-01-05,1\na,2024-01-09,2.5");
    let spec = SourceSpec::new(file.path(), "customer", "date", "amount");
    let request = request(None, None, "1");

    let FastRead::Read(read) = read_fast(&spec, &request, 2) else { panic!("declined") };
    let (summaries, repeat_days) = read.result.expect("summaries");

    assert_eq!(read.report.rows_accepted, 2);
    assert_eq!(summaries.customers[0].frequency, 1);
    assert_eq!(summaries.customers[0].monetary_value, Decimal::new(25, 1));
    assert_eq!(repeat_days, BTreeMap::from([(Date::constant(2024, 1, 9), 1)]));
}

#[cfg(unix)]
#[test]
fn named_pipe_is_declined_unopened() {
    // Opening a pipe that has no writer would block, and opening one that has
    // a writer would discard its data for the accurate reader, so the fast
    // reader must decline it before opening it.
    let dir = std::env::temp_dir().join(format!("clv-fast-pipe-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let pipe = dir.join("log.csv");
    let mkfifo = std::process::Command::new("mkfifo").arg(&pipe).status().unwrap();
    assert!(mkfifo.success(), "mkfifo failed");
    let spec = SourceSpec::new(&pipe, "customer", "date", "amount");

    let read = read_fast(&spec, &request(None, None, "1"), 1);

    std::fs::remove_dir_all(&dir).unwrap();
    let FastRead::Declined(reason) = read else { panic!("the fast reader read a named pipe") };
    assert_eq!(reason, "the path is not a regular file");
}
