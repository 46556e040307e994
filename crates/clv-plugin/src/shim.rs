//! The `extern "C"` functions behind a plugin's descriptor: they check the
//! host's pointers, call the author's safe code inside `catch_unwind`, and
//! write errors into the host's buffer.
//!
//! Every function here is generic over the author's model and is reached only
//! through the descriptor that [`crate::export_plugin!`] exports.

use std::any::Any;
use std::ffi::c_void;
use std::panic::{AssertUnwindSafe, catch_unwind};

use crate::abi::{
    self, ErrorBuffer, Outputs, ParameterRef, Request, STATUS_ERROR, STATUS_OK, STATUS_PANIC, StrRef,
};
use crate::model::{Customers, FittedPluginModel, PluginError, PluginModel};

/// A fitted model and its parameters, read once so that their names outlive
/// each `parameter` call.
struct FittedState<F> {
    fitted: F,
    parameters: Vec<(String, f64)>,
}

/// Validates the settings and stores a boxed model in `*model`.
///
/// # Safety
/// `settings` must be valid for reads, `model` valid for a write, and
/// `error` null or a valid buffer.
pub unsafe extern "C" fn new_model<M: PluginModel>(
    settings: StrRef,
    model: *mut *mut c_void,
    error: *mut ErrorBuffer,
) -> i32 {
    guard(error, || {
        // SAFETY: the host passes text that lives for this call.
        let text = unsafe { settings.to_str() }
            .map_err(|e| PluginError::new(format!("the settings are not UTF-8: {e}")))?;
        let built = M::from_settings(text)?;
        let pointer = Box::into_raw(Box::new(built)).cast::<c_void>();
        // SAFETY: the host passes a pointer valid for one write.
        unsafe { model.write(pointer) };
        Ok(())
    })
}

/// Frees a model made by [`new_model`].
///
/// # Safety
/// `model` must come from `new_model::<M>` and not be freed before.
pub unsafe extern "C" fn free_model<M: PluginModel>(model: *mut c_void) {
    if !model.is_null() {
        // SAFETY: the pointer came from Box::into_raw in new_model::<M>.
        let result = catch_unwind(AssertUnwindSafe(|| drop(unsafe { Box::from_raw(model.cast::<M>()) })));
        // A panic in a destructor cannot be reported; dropping it keeps it from unwinding into the host.
        drop(result);
    }
}

/// Fits the model and stores a boxed fitted state in `*fitted`.
///
/// # Safety
/// `model` must come from `new_model::<M>`, `customers` must describe valid
/// columns, `fitted` must be valid for a write, and `error` null or a valid buffer.
pub unsafe extern "C" fn fit<M: PluginModel>(
    model: *const c_void,
    customers: *const abi::Customers,
    fitted: *mut *mut c_void,
    error: *mut ErrorBuffer,
) -> i32 {
    guard(error, || {
        // SAFETY: the host passes its model pointer and columns valid for this call.
        let (model, customers) = unsafe { (&*model.cast::<M>(), customers_view(customers)?) };
        let fitted_model = model.fit(&customers)?;
        let parameters = fitted_model.parameters();
        let state = FittedState { fitted: fitted_model, parameters };
        let pointer = Box::into_raw(Box::new(state)).cast::<c_void>();
        // SAFETY: the host passes a pointer valid for one write.
        unsafe { fitted.write(pointer) };
        Ok(())
    })
}

/// Frees a fitted state made by [`fit`].
///
/// # Safety
/// `fitted` must come from `fit::<M>` and not be freed before.
pub unsafe extern "C" fn free_fitted<M: PluginModel>(fitted: *mut c_void) {
    if !fitted.is_null() {
        // SAFETY: the pointer came from Box::into_raw in fit::<M>.
        let state = unsafe { Box::from_raw(fitted.cast::<FittedState<M::Fitted>>()) };
        drop(catch_unwind(AssertUnwindSafe(|| drop(state))));
    }
}

/// Predicts into the host's buffers and sets `written` and `filled`.
///
/// # Safety
/// `fitted` must come from `fit::<M>`; `customers`, `request` and `outputs`
/// must be valid, with `capacity` writable values in each buffer.
pub unsafe extern "C" fn predict<M: PluginModel>(
    fitted: *const c_void,
    customers: *const abi::Customers,
    request: *const Request,
    outputs: *mut Outputs,
    error: *mut ErrorBuffer,
) -> i32 {
    guard(error, || {
        // SAFETY: the host passes pointers valid for this call.
        let (state, customers, request, outputs) = unsafe {
            (&*fitted.cast::<FittedState<M::Fitted>>(), customers_view(customers)?, &*request, &mut *outputs)
        };
        let predictions = state.fitted.predict(&customers, request)?;
        write_predictions(&predictions, outputs)
    })
}

/// Returns the number of parameters of a fitted state.
///
/// # Safety
/// `fitted` must come from `fit::<M>`.
pub unsafe extern "C" fn parameter_count<M: PluginModel>(fitted: *const c_void) -> usize {
    // SAFETY: the host passes a pointer from fit::<M>.
    let state = unsafe { &*fitted.cast::<FittedState<M::Fitted>>() };
    state.parameters.len()
}

/// Stores parameter `index` in `*parameter`; its name lives as long as the fitted state.
///
/// # Safety
/// `fitted` must come from `fit::<M>`, `parameter` must be valid for a
/// write, and `error` null or a valid buffer.
pub unsafe extern "C" fn parameter<M: PluginModel>(
    fitted: *const c_void,
    index: usize,
    parameter: *mut ParameterRef,
    error: *mut ErrorBuffer,
) -> i32 {
    guard(error, || {
        // SAFETY: the host passes a pointer from fit::<M>.
        let state = unsafe { &*fitted.cast::<FittedState<M::Fitted>>() };
        let Some((name, value)) = state.parameters.get(index) else {
            return Err(PluginError::new(format!(
                "parameter index {index} is out of range: the model has {} parameters",
                state.parameters.len()
            )));
        };
        // SAFETY: the host passes a pointer valid for one write.
        unsafe { parameter.write(ParameterRef { name: StrRef::new(name), value: *value }) };
        Ok(())
    })
}

/// Runs `body`, catching a panic, and reports an error or a panic through `error`.
fn guard(error: *mut ErrorBuffer, body: impl FnOnce() -> Result<(), PluginError>) -> i32 {
    match catch_unwind(AssertUnwindSafe(body)) {
        Ok(Ok(())) => STATUS_OK,
        Ok(Err(failure)) => {
            write_error(error, &failure.to_string());
            STATUS_ERROR
        }
        Err(payload) => {
            write_error(error, &format!("panicked: {}", panic_message(payload.as_ref())));
            STATUS_PANIC
        }
    }
}

fn panic_message(payload: &(dyn Any + Send)) -> &str {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text
    } else {
        "a panic without a text message"
    }
}

/// Copies `message` into the host's buffer, cut at a character boundary to fit.
fn write_error(error: *mut ErrorBuffer, message: &str) {
    // SAFETY: the host passes null or a buffer valid for this call.
    let Some(buffer) = (unsafe { error.as_mut() }) else {
        return;
    };
    if buffer.ptr.is_null() {
        buffer.len = 0;
        return;
    }
    let mut len = message.len().min(buffer.capacity);
    while !message.is_char_boundary(len) {
        len -= 1;
    }
    // SAFETY: the buffer has `capacity` writable bytes and `len <= capacity`.
    unsafe { std::ptr::copy_nonoverlapping(message.as_ptr(), buffer.ptr, len) };
    buffer.len = len;
}

/// Builds the safe view of the host's columns.
///
/// # Safety
/// `customers` must point to columns of `len` valid values each.
unsafe fn customers_view<'a>(customers: *const abi::Customers) -> Result<Customers<'a>, PluginError> {
    // SAFETY: guaranteed by the caller.
    let columns = unsafe { &*customers };
    let len = columns.len;
    let column = |pointer: *const f64| -> &'a [f64] {
        if len == 0 {
            &[]
        } else {
            // SAFETY: guaranteed by the caller.
            unsafe { std::slice::from_raw_parts(pointer, len) }
        }
    };
    let id_refs: &[StrRef] = if len == 0 {
        &[]
    } else {
        // SAFETY: guaranteed by the caller.
        unsafe { std::slice::from_raw_parts(columns.ids, len) }
    };
    let mut ids = Vec::with_capacity(len);
    for (index, id) in id_refs.iter().enumerate() {
        // SAFETY: each id points to text that lives for the call.
        let text = unsafe { id.to_str() }
            .map_err(|e| PluginError::new(format!("customer id at index {index} is not UTF-8: {e}")))?;
        ids.push(text);
    }
    Ok(Customers {
        ids,
        frequency: column(columns.frequency),
        recency: column(columns.recency),
        age: column(columns.age),
        monetary_value: column(columns.monetary_value),
        unit_days: columns.unit_days,
    })
}

/// Copies the predictions into the host's buffers; `written` is the true
/// count even when it exceeds the capacity, so that the host can report it.
fn write_predictions(predictions: &[crate::Prediction], outputs: &mut Outputs) -> Result<(), PluginError> {
    let with_value = predictions.iter().filter(|p| p.value_per_transaction.is_some()).count();
    let with_p_alive = predictions.iter().filter(|p| p.p_alive.is_some()).count();
    for (field, count) in [("value_per_transaction", with_value), ("p_alive", with_p_alive)] {
        if count != 0 && count != predictions.len() {
            return Err(PluginError::new(format!(
                "{field} is set for {count} of {} predictions: set it for every customer or for none",
                predictions.len()
            )));
        }
    }

    let mut filled = 0;
    if with_value > 0 {
        filled |= abi::FILLED_VALUE_PER_TRANSACTION;
    }
    if with_p_alive > 0 {
        filled |= abi::FILLED_P_ALIVE;
    }
    for (index, prediction) in predictions.iter().take(outputs.capacity).enumerate() {
        // SAFETY: each buffer has `capacity` writable values and index < capacity.
        unsafe {
            outputs.expected_transactions.add(index).write(prediction.expected_transactions);
            outputs.clv.add(index).write(prediction.clv);
            if let Some(value) = prediction.value_per_transaction {
                outputs.value_per_transaction.add(index).write(value);
            }
            if let Some(p_alive) = prediction.p_alive {
                outputs.p_alive.add(index).write(p_alive);
            }
        }
    }
    outputs.written = predictions.len();
    outputs.filled = filled;
    Ok(())
}
