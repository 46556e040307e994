//! Sums of per-pattern terms, in parallel over chunks when the input is large.
//!
//! The chunks have a fixed size and their partial sums are added in order,
//! so a sum has the same bits whatever the number of threads. An input of
//! one chunk or less is summed in a plain loop, exactly as before.

use rayon::prelude::*;

/// Items per chunk; a chunk is the unit of parallel work.
const CHUNK: usize = 4_096;

/// Sums `term(state, item)` over `items`, where each chunk starts with a
/// fresh `S::default()` that `term` may use as a cache, for example of the
/// terms that depend only on the frequency of items sorted by frequency.
pub(crate) fn sum_with_state<T: Sync, S: Default>(
    items: &[T],
    term: impl Fn(&mut S, &T) -> f64 + Sync,
) -> f64 {
    let add_chunk = |chunk: &[T]| {
        let mut state = S::default();
        chunk.iter().map(|item| term(&mut state, item)).sum::<f64>()
    };
    if items.len() <= CHUNK {
        return add_chunk(items);
    }
    let partials: Vec<f64> = items.par_chunks(CHUNK).map(add_chunk).collect();
    partials.into_iter().sum()
}

/// Sums the arrays `term(state, item)` over `items`, entry by entry, with a
/// per-chunk state as in [`sum_with_state`].
pub(crate) fn sum_arrays_with_state<T: Sync, S: Default, const N: usize>(
    items: &[T],
    term: impl Fn(&mut S, &T) -> [f64; N] + Sync,
) -> [f64; N] {
    let add_chunk = |chunk: &[T]| {
        let mut state = S::default();
        let mut total = [0.0; N];
        for item in chunk {
            for (sum, value) in total.iter_mut().zip(term(&mut state, item)) {
                *sum += value;
            }
        }
        total
    };
    if items.len() <= CHUNK {
        return add_chunk(items);
    }
    let partials: Vec<[f64; N]> = items.par_chunks(CHUNK).map(add_chunk).collect();
    let mut total = [0.0; N];
    for partial in partials {
        for (sum, value) in total.iter_mut().zip(partial) {
            *sum += value;
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Sums of 0.1 repeated are not exact, so the reference is the same chunked
    /// order computed sequentially.
    #[test]
    fn chunked_sum_is_deterministic() {
        let items: Vec<f64> = (0..3 * CHUNK + 17).map(|i| 0.1 * i as f64).collect();
        let expected: f64 = items.chunks(CHUNK).map(|chunk| chunk.iter().sum::<f64>()).sum();
        assert_eq!(sum_with_state(&items, |_: &mut (), &value| value), expected);
        let arrays = sum_arrays_with_state(&items, |_: &mut (), &value| [value, 2.0 * value]);
        assert_eq!(arrays, [expected, 2.0 * expected]);
    }

    #[test]
    fn small_input_is_a_plain_sum() {
        let items = [0.1, 0.2, 0.3];
        assert_eq!(sum_with_state(&items, |_: &mut (), &value| value), 0.1 + 0.2 + 0.3);
    }
}
