//! Writes a large CSV file whose rows are formatted in parallel.
//!
//! predictions.csv has one row per customer with a few dozen formatted
//! numbers, and at a million customers formatting them on one thread took
//! longer than fitting a model. Chunks of rows are formatted on every thread
//! into buffers, and the buffers are written in order, so the file is the
//! same as one writer would make.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

use rayon::prelude::*;

use crate::error::RunnerError;

/// Rows formatted by one task.
const ROWS_PER_CHUNK: usize = 8_192;

/// Chunks formatted before their buffers are written; it bounds the memory
/// held in buffers to this many chunks.
const CHUNKS_PER_BATCH: usize = 16;

/// Writes `header` and then the rows `0..rows` to `path`, each row written by
/// `write_row` into the given CSV writer.
pub(crate) fn write_csv<F>(path: &Path, header: &[&str], rows: usize, write_row: F) -> Result<(), RunnerError>
where
    F: Fn(usize, &mut csv::Writer<Vec<u8>>) -> Result<(), csv::Error> + Sync,
{
    let render_error =
        |error: csv::Error| RunnerError::Render { path: path.to_path_buf(), message: error.to_string() };
    let write_error = |error: std::io::Error| RunnerError::Write { path: path.to_path_buf(), error };

    let file = File::create(path).map_err(write_error)?;
    let mut out = BufWriter::new(file);
    let mut header_writer = csv::Writer::from_writer(Vec::new());
    header_writer.write_record(header).map_err(render_error)?;
    out.write_all(&into_bytes(header_writer).map_err(render_error)?).map_err(write_error)?;

    let batch_rows = ROWS_PER_CHUNK * CHUNKS_PER_BATCH;
    for batch_start in (0..rows).step_by(batch_rows) {
        let batch_end = (batch_start + batch_rows).min(rows);
        let chunk_starts: Vec<usize> = (batch_start..batch_end).step_by(ROWS_PER_CHUNK).collect();
        let chunks: Vec<Result<Vec<u8>, csv::Error>> = chunk_starts
            .into_par_iter()
            .map(|start| {
                let mut writer = csv::Writer::from_writer(Vec::new());
                for row in start..(start + ROWS_PER_CHUNK).min(batch_end) {
                    write_row(row, &mut writer)?;
                }
                into_bytes(writer)
            })
            .collect();
        for chunk in chunks {
            out.write_all(&chunk.map_err(render_error)?).map_err(write_error)?;
        }
    }
    out.flush().map_err(write_error)
}

/// Flushes `writer` and returns its bytes.
fn into_bytes(writer: csv::Writer<Vec<u8>>) -> Result<Vec<u8>, csv::Error> {
    writer.into_inner().map_err(|error| csv::Error::from(error.into_error()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parallel_rows_match_one_writer() {
        // More rows than one batch, with fields that need quoting, so chunk
        // and batch boundaries both fall inside the file.
        let rows = ROWS_PER_CHUNK * CHUNKS_PER_BATCH + 3 * ROWS_PER_CHUNK + 17;
        let cells =
            |row: usize| [format!("id {row}"), format!("{}", row as f64 / 7.0), format!("a,\"{row}\"")];
        let dir = std::env::temp_dir().join(format!("clv-parallel-csv-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("rows.csv");

        write_csv(&path, &["id", "ratio", "quoted"], rows, |row, writer| writer.write_record(cells(row)))
            .unwrap();

        let mut expected = csv::Writer::from_writer(Vec::new());
        expected.write_record(["id", "ratio", "quoted"]).unwrap();
        for row in 0..rows {
            expected.write_record(cells(row)).unwrap();
        }
        let expected = into_bytes(expected).unwrap();
        let written = std::fs::read(&path).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(written.len(), expected.len());
        assert!(written == expected, "the files differ");
    }
}
