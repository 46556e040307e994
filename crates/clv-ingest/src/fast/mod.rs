//! A fast reader of the most common shape of transaction log, which
//! summarises it without handing rows one by one to the summary builder.
//!
//! It takes a log delimited by one byte that is not whitespace, without
//! quotes or a byte order mark, with dates as `%Y-%m-%d` or `%Y%m%d`, plain
//! decimal amounts, no cost column and exact customer ids. It maps the file,
//! splits it at line ends into one part per thread, parses the parts in
//! parallel byte by byte into per-customer running totals
//! ([`OrderedTotals`]), and joins them in file order. Memory grows with the
//! number of customers, not of rows, apart from the mapped file, whose pages
//! the kernel can drop.
//!
//! It gives up, and returns why, at anything it does not fully handle. That
//! is any row that the accurate reader would reject or read differently, a
//! customer whose rows are not in date order, or an amount with more than
//! four decimal places, among others. The caller then reads the file with
//! [`TransactionReader`](crate::TransactionReader), so that every error,
//! rejection count and exclusion is exactly that reader's.

mod chunk;
mod line;
mod merge;

use std::collections::BTreeMap;
use std::fs::File;
use std::time::Instant;

use clv_core::summary::{CustomerOutcome, DayLimits, date_from_day_number};
use clv_core::{Date, Decimal, Split, Summaries, SummaryError, TimeUnit};
use hashbrown::DefaultHashBuilder;
use rayon::prelude::*;

use crate::columns::Columns;
use crate::customer_id::CustomerIds;
use crate::report::IngestReport;
use crate::source::{FileStart, UTF8_BOM, inspect_start};
use crate::spec::{Format, SourceSpec};
use chunk::{LineLayout, Part, read_part};
use line::DateShape;

/// The settings of the summary step that the fast reader applies while reading.
#[derive(Clone, Copy, Debug)]
pub struct SummaryRequest {
    /// Unit of the durations in the summaries.
    pub unit: TimeUnit,
    /// Last day of the calibration period, as given to [`SummaryBuilder::build`](clv_core::SummaryBuilder::build).
    pub calibration_end: Option<Date>,
    /// Last observed day, as given to [`SummaryBuilder::build`](clv_core::SummaryBuilder::build).
    pub observation_end: Option<Date>,
    /// Gross margin that turns an amount into profit.
    pub margin: Decimal,
}

/// The summaries of a log that the fast reader read.
#[derive(Debug)]
pub struct FastSummaries {
    /// Rows read; every one is accepted.
    pub report: IngestReport,
    /// The summaries, and the repeat purchase days of the summarised
    /// customers per calendar day up to the observation end, or the error of
    /// the summary step, which the accurate reader would return too.
    pub result: Result<(Summaries, BTreeMap<Date, u64>), SummaryError>,
}

/// The outcome of [`read_summaries_fast`].
#[derive(Debug)]
pub enum FastRead {
    /// The log was read and summarised.
    Read(Box<FastSummaries>),
    /// The log or its spec has something the fast reader does not handle.
    Declined(String),
}

/// Reads and summarises the log of `spec` with the fast reader, or returns
/// why it leaves the log to the accurate reader.
pub fn read_summaries_fast(spec: &SourceSpec, request: &SummaryRequest) -> FastRead {
    match try_read(spec, request) {
        Ok(summaries) => FastRead::Read(Box::new(summaries)),
        Err(reason) => FastRead::Declined(reason),
    }
}

fn try_read(spec: &SourceSpec, request: &SummaryRequest) -> Result<FastSummaries, String> {
    let delimiter = supported_delimiter(spec, request)?;
    let date_shape =
        DateShape::of_format(&spec.date_format).ok_or("the date format is not %Y-%m-%d or %Y%m%d")?;

    // Only a regular file can be mapped. Opening a named pipe here and
    // closing it would discard what its writer sent, and the accurate reader
    // would then wait for a writer that has finished, so anything else is
    // declined before it is opened.
    let metadata =
        std::fs::metadata(&spec.path).map_err(|error| format!("the file cannot be inspected: {error}"))?;
    if !metadata.is_file() {
        return Err("the path is not a regular file".to_string());
    }
    let file = File::open(&spec.path).map_err(|error| format!("the file cannot be opened: {error}"))?;
    // SAFETY: the map is only read, and dropped before this function returns.
    // A file changed by another process while it is read may give wrong rows,
    // as with any reader, but the bytes are never assumed to be UTF-8 unchecked.
    // NOTE: a file truncated by another process while it is read ends the
    // process with SIGBUS instead of an error, as with any mapped file.
    let map = unsafe { memmap2::Mmap::map(&file) }
        .map_err(|error| format!("the file cannot be mapped: {error}"))?;
    let bytes = &map[..];

    if !matches!(inspect_start(bytes), Ok(FileStart::Text)) {
        return Err("the file is empty or not UTF-8 text".to_string());
    }
    if bytes.starts_with(UTF8_BOM) {
        return Err("the file starts with a byte order mark".to_string());
    }
    if memchr::memchr(b'"', bytes).is_some() {
        return Err("the file has a quote".to_string());
    }

    let (columns, data_start, header_blank_lines) = resolve_columns(spec, bytes, delimiter)?;
    let layout = LineLayout {
        delimiter,
        customer: columns.customer.index,
        date: columns.date.index,
        amount: columns.amount.index,
        date_shape,
    };
    let limits = DayLimits::new(request.calibration_end, request.observation_end);
    let data = &bytes[data_start..];
    let started = Instant::now();
    let hasher = DefaultHashBuilder::default();
    let parts: Vec<Part> = split_at_lines(data, rayon::current_num_threads())
        .into_par_iter()
        .map(|(start, end)| {
            let release = |from: usize, to: usize| release_pages(&map, data_start + start + from, to - from);
            read_part(&data[start..end], &layout, &limits, &hasher, &release).map_err(|unsupported| {
                format!("{} (at byte {})", unsupported.reason, data_start + start + unsupported.offset)
            })
        })
        .collect::<Result<_, _>>()?;
    log::debug!("read {} parts in {:.3} s", parts.len(), started.elapsed().as_secs_f64());
    check_amount_scales(&parts)?;
    let joined = merge::join_parts(parts, &limits, &hasher)?;
    log::debug!("joined {} customers at {:.3} s", joined.customers.len(), started.elapsed().as_secs_f64());

    let mut report = IngestReport::new(spec.path.clone());
    report.rows_read = joined.rows;
    report.rows_accepted = joined.rows;
    report.blank_lines = joined.blank_lines + header_blank_lines;
    let result = summarise(joined, request);
    log::debug!("summarised at {:.3} s", started.elapsed().as_secs_f64());
    Ok(FastSummaries { report, result })
}

/// Returns the delimiter of a spec whose every setting the fast reader
/// applies exactly as the accurate reader does.
fn supported_delimiter(spec: &SourceSpec, request: &SummaryRequest) -> Result<u8, String> {
    let delimiter = match spec.format {
        Format::Delimited { delimiter }
            if delimiter.is_ascii() && !delimiter.is_ascii_whitespace() && delimiter != b'"' =>
        {
            delimiter
        }
        _ => return Err(format!("the file is {}", spec.format)),
    };
    if spec.cost.is_some() {
        return Err("the spec has a cost column".to_string());
    }
    if !spec.amount_format.is_plain() {
        return Err("the amounts are not plain decimals".to_string());
    }
    if spec.customer_ids != CustomerIds::Exact {
        return Err("customer ids are not compared exactly".to_string());
    }
    // A row's profit is its amount times the margin, which is exact in a
    // Decimal when the margin has few digits, so a sum of profits equals the
    // revenue times the margin.
    if request.margin.mantissa().unsigned_abs() >= 1_000_000 || request.margin.scale() > 20 {
        return Err(format!("the margin {} has more than 6 digits", request.margin));
    }
    Ok(delimiter)
}

/// Drops the pages of `length` bytes of `map` from `offset` from the
/// process's memory, so that its resident size does not grow with the file.
fn release_pages(map: &memmap2::Mmap, offset: usize, length: usize) {
    // SAFETY: the map is a read-only map of a file, so a page dropped here
    // and read again is read again from the file, with the same bytes. Its
    // pages are never written to, so no change can be lost.
    let dropped = unsafe { map.unchecked_advise_range(memmap2::UncheckedAdvice::DontNeed, offset, length) };
    if let Err(error) = dropped {
        log::debug!("could not release {length} bytes of the mapped log: {error}");
    }
}

/// Fails when returns could cancel a sum to zero with a scale that differs
/// from that of the next term, the case in which `OrderedTotals` and the
/// summary builder write a sum with different decimal places.
fn check_amount_scales(parts: &[Part]) -> Result<(), String> {
    let has_negative = parts.iter().any(|part| part.has_negative);
    let smallest = parts.iter().map(|part| part.amount_scales.0).min().unwrap_or(0);
    let largest = parts.iter().map(|part| part.amount_scales.1).max().unwrap_or(0);
    if has_negative && smallest != largest {
        return Err(format!(
            "some amounts are negative and the amounts have from {smallest} to {largest} decimal places"
        ));
    }
    Ok(())
}

/// Finds the selected columns, and returns them with the offset of the
/// first data line and the number of blank lines before it.
fn resolve_columns(spec: &SourceSpec, bytes: &[u8], delimiter: u8) -> Result<(Columns, usize, u64), String> {
    let unresolved = |_| "a selected column is not in the file".to_string();
    if !spec.has_header {
        return Ok((Columns::resolve(spec, None).map_err(unresolved)?, 0, 0));
    }

    let mut start = 0;
    let mut blank_lines = 0;
    loop {
        let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |length| start + length);
        let line = &bytes[start..end];
        let next = (end + 1).min(bytes.len());
        if line.trim_ascii().is_empty() {
            blank_lines += 1;
            start = next;
            continue;
        }
        let names: Vec<String> = line
            .split(|&byte| byte == delimiter)
            .map(|name| String::from_utf8_lossy(name).trim().to_string())
            .collect();
        let columns = Columns::resolve(spec, Some(&names)).map_err(unresolved)?;
        return Ok((columns, next, blank_lines));
    }
}

/// Splits `data` into at most `count` ranges that end at line ends.
fn split_at_lines(data: &[u8], count: usize) -> Vec<(usize, usize)> {
    let target = data.len() / count.max(1) + 1;
    let mut ranges = Vec::new();
    let mut start = 0;
    while start < data.len() {
        let guess = (start + target).min(data.len());
        let end = match memchr::memchr(b'\n', &data[guess..]) {
            Some(offset) => guess + offset + 1,
            None => data.len(),
        };
        ranges.push((start, end));
        start = end;
    }
    ranges
}

/// Turns the joined totals into summaries, as [`SummaryBuilder::build`](clv_core::SummaryBuilder::build) does.
fn summarise(
    joined: merge::Joined,
    request: &SummaryRequest,
) -> Result<(Summaries, BTreeMap<Date, u64>), SummaryError> {
    let first_day = joined.customers.iter().map(|customer| customer.totals.first_day()).min();
    let last_day = joined.customers.iter().map(|customer| customer.totals.last_day()).max();
    let (Some(first_day), Some(last_day)) = (first_day, last_day) else {
        return Err(SummaryError::NoTransactions);
    };
    let (first_date, last_date) = (date_from_day_number(first_day), date_from_day_number(last_day));
    let split = Split::resolve(request.calibration_end, request.observation_end, last_date)?;

    let outcomes: Vec<Result<CustomerOutcome, SummaryError>> = joined
        .customers
        .into_par_iter()
        .map(|customer| customer.totals.into_outcome(customer.id, request.unit, &split, request.margin))
        .collect();
    let summaries = Summaries::from_outcomes(outcomes, request.unit, split, first_date, last_date)?;

    let repeat_days =
        joined.repeat_days.iter().map(|(day, count)| (date_from_day_number(day), count)).collect();
    Ok((summaries, repeat_days))
}
