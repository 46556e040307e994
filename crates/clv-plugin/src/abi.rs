//! The C ABI between the clv host and a plugin library, version [`ABI_VERSION`].
//!
//! Only C types cross: `#[repr(C)]` structs, `extern "C"` function pointers,
//! integers, `f64`, pointer-and-length slices and UTF-8 strings, and opaque
//! pointers to state that the plugin owns.
//!
//! Versioning: [`PluginDescriptor`] starts with `abi_version` and `size`, and
//! those two fields never move. A later version only appends fields to the
//! descriptor and to the structs it points to, and raises `abi_version`. The
//! host reads `abi_version` first and reads nothing else from a descriptor
//! whose version it does not support.
//!
//! Ownership: each side frees what it allocated. The host allocates the
//! customer columns, the request, the prediction buffers and the error
//! buffer, and keeps them alive for the duration of one call. The plugin
//! allocates the model and fitted-model states, and the host hands them back
//! to `free_model` and `free_fitted` exactly once. Strings that the plugin
//! returns (its name, description and parameter names) stay owned by the
//! plugin: the host copies them before the next call.

use std::ffi::c_void;

/// ABI version that this crate exports and the host supports.
pub const ABI_VERSION: u32 = 1;

/// Name of the entry symbol, an `extern "C" fn() -> *const PluginDescriptor`.
pub const ENTRY_SYMBOL: &str = "clv_plugin_entry";

/// Status code of a call that succeeded.
pub const STATUS_OK: i32 = 0;
/// Status code of a call that returned an error; the error buffer contains the message.
pub const STATUS_ERROR: i32 = 1;
/// Status code of a call that panicked; the error buffer contains the panic message.
pub const STATUS_PANIC: i32 = 2;

/// Bit of [`Outputs::filled`]: the plugin wrote `value_per_transaction`.
pub const FILLED_VALUE_PER_TRANSACTION: u32 = 1;
/// Bit of [`Outputs::filled`]: the plugin wrote `p_alive`.
pub const FILLED_P_ALIVE: u32 = 2;

/// Type of the entry symbol.
pub type EntryFn = unsafe extern "C" fn() -> *const PluginDescriptor;

/// Borrowed UTF-8 text: a pointer and a length in bytes, not NUL-terminated.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct StrRef {
    pub ptr: *const u8,
    pub len: usize,
}

impl StrRef {
    /// Borrows `text` for as long as `text` lives.
    pub const fn new(text: &str) -> StrRef {
        StrRef { ptr: text.as_ptr(), len: text.len() }
    }

    /// Reads the text back.
    ///
    /// # Safety
    /// `ptr` must point to `len` readable bytes that outlive `'a`, or be
    /// null with `len` 0.
    pub unsafe fn to_str<'a>(self) -> Result<&'a str, std::str::Utf8Error> {
        if self.len == 0 {
            return Ok("");
        }
        // SAFETY: the caller guarantees `len` readable bytes at `ptr`.
        let bytes = unsafe { std::slice::from_raw_parts(self.ptr, self.len) };
        std::str::from_utf8(bytes)
    }
}

/// A buffer the host allocates for an error message. The plugin writes at most
/// `capacity` bytes of UTF-8 (cut at a character boundary) and sets `len`.
#[repr(C)]
#[derive(Debug)]
pub struct ErrorBuffer {
    pub ptr: *mut u8,
    pub capacity: usize,
    pub len: usize,
}

/// The calibration summaries, one entry per customer in each column.
///
/// Durations are in the run's time unit, `unit_days` days long; money is in
/// the currency of the data.
#[repr(C)]
#[derive(Debug)]
pub struct Customers {
    /// Number of customers, the length of every column.
    pub len: usize,
    /// Customer ids.
    pub ids: *const StrRef,
    /// Repeat purchase days in the calibration period.
    pub frequency: *const f64,
    /// Time from the first to the last purchase.
    pub recency: *const f64,
    /// Time from the first purchase to the calibration end (T).
    pub age: *const f64,
    /// Mean value of the repeat purchase days; 0 for a customer without any.
    pub monetary_value: *const f64,
    /// Length of the time unit in days (1, 7, 30.4375 or 365.25).
    pub unit_days: f64,
}

/// Prediction request: the horizon after the calibration end, discounting and margin.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct Request {
    /// Horizon in time units.
    pub horizon: f64,
    /// Length of the time unit in days.
    pub unit_days: f64,
    /// Discount rate per time unit; value in the k-th unit is multiplied by
    /// `(1 + rate)^-k`.
    pub discount_rate_per_unit: f64,
    /// Gross margin in (0, 1].
    pub margin: f64,
}

/// Prediction buffers that the host allocates, `capacity` values each.
#[repr(C)]
#[derive(Debug)]
pub struct Outputs {
    /// Length of each buffer, the number of customers.
    pub capacity: usize,
    pub expected_transactions: *mut f64,
    pub value_per_transaction: *mut f64,
    pub p_alive: *mut f64,
    pub clv: *mut f64,
    /// Set by the plugin: how many predictions it made, which the host
    /// checks against `capacity`. At most `capacity` of them are written.
    pub written: usize,
    /// Set by the plugin: which optional buffers it wrote
    /// ([`FILLED_VALUE_PER_TRANSACTION`], [`FILLED_P_ALIVE`]).
    pub filled: u32,
}

/// One estimated parameter; `name` is owned by the fitted-model state.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct ParameterRef {
    pub name: StrRef,
    pub value: f64,
}

/// Static table that describes the plugin, returned by the entry symbol.
///
/// Every function returns one of the `STATUS_*` codes, except the `free_*`
/// functions and `parameter_count`.
#[repr(C)]
#[derive(Debug)]
pub struct PluginDescriptor {
    /// [`ABI_VERSION`] of the crate the plugin was built with.
    pub abi_version: u32,
    /// `size_of::<PluginDescriptor>()` in that version.
    pub size: u32,
    /// Short name of the model, such as `nbd`.
    pub name: StrRef,
    /// One line for `clv models`.
    pub description: StrRef,
    /// Validates the settings (TOML text) and stores a model state in `*model`.
    pub new_model:
        unsafe extern "C" fn(settings: StrRef, model: *mut *mut c_void, error: *mut ErrorBuffer) -> i32,
    /// Frees a state made by `new_model`.
    pub free_model: unsafe extern "C" fn(model: *mut c_void),
    /// Fits the model and stores a fitted state in `*fitted`.
    pub fit: unsafe extern "C" fn(
        model: *const c_void,
        customers: *const Customers,
        fitted: *mut *mut c_void,
        error: *mut ErrorBuffer,
    ) -> i32,
    /// Frees a state made by `fit`.
    pub free_fitted: unsafe extern "C" fn(fitted: *mut c_void),
    /// Predicts for every customer into the host's buffers.
    pub predict: unsafe extern "C" fn(
        fitted: *const c_void,
        customers: *const Customers,
        request: *const Request,
        outputs: *mut Outputs,
        error: *mut ErrorBuffer,
    ) -> i32,
    /// Number of estimated parameters of a fitted state; this call has no error status.
    pub parameter_count: unsafe extern "C" fn(fitted: *const c_void) -> usize,
    /// Stores parameter `index` (below `parameter_count`) in `*parameter`.
    pub parameter: unsafe extern "C" fn(
        fitted: *const c_void,
        index: usize,
        parameter: *mut ParameterRef,
        error: *mut ErrorBuffer,
    ) -> i32,
}

// SAFETY: the descriptor is immutable after construction and its pointers
// refer to static text, so sharing it between threads is sound.
unsafe impl Sync for PluginDescriptor {}
