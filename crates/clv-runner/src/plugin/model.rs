//! A plugin's model and fitted model behind clv's `ClvModel` and `FittedModel` traits.

use std::ffi::c_void;
use std::sync::Arc;

use clv_core::{
    ClvModel, CustomerSummary, FitData, FittedModel, ModelError, Parameter, Prediction, PredictionRequest,
};
use clv_plugin::abi::{self, FILLED_P_ALIVE, FILLED_VALUE_PER_TRANSACTION, ParameterRef};

use super::columns::HostColumns;
use super::configure::KIND;
use super::error::PluginError;
use super::library::LoadedPlugin;
use super::validate::{self, Written};

/// A model state owned by the plugin, freed through the plugin when dropped.
struct State {
    plugin: Arc<LoadedPlugin>,
    pointer: *mut c_void,
    free: unsafe extern "C" fn(*mut c_void),
}

// SAFETY: the plugin's contract (`PluginModel: Send + Sync` in clv-plugin)
// lets its states move between threads, and every call that touches a state
// holds the library's lock.
unsafe impl Send for State {}
// SAFETY: as for Send; shared access only passes the pointer to locked calls.
unsafe impl Sync for State {}

impl State {
    /// Takes ownership of the state a call returned, rejecting a null pointer
    /// that a call reported as a success.
    fn new(
        plugin: Arc<LoadedPlugin>,
        pointer: *mut c_void,
        free: unsafe extern "C" fn(*mut c_void),
        operation: &'static str,
    ) -> Result<State, PluginError> {
        if pointer.is_null() {
            return Err(PluginError::Call {
                plugin: plugin.name.clone(),
                path: plugin.path.clone(),
                operation,
                outcome: "failed",
                message: "the call succeeded but returned no state".into(),
            });
        }
        Ok(State { plugin, pointer, free })
    }
}

impl Drop for State {
    fn drop(&mut self) {
        self.plugin.free(self.free, self.pointer);
    }
}

/// A plugin model, or the reason it cannot be used, which `fit` returns so
/// that only this model fails.
pub struct PluginModel {
    model: Result<State, PluginError>,
}

impl PluginModel {
    /// Validates `settings` (TOML text) in the plugin and keeps the model state it returns.
    pub fn new(plugin: Result<Arc<LoadedPlugin>, PluginError>, settings: &str) -> PluginModel {
        PluginModel { model: plugin.and_then(|plugin| new_state(plugin, settings)) }
    }

    /// Returns the reason the model cannot be fitted, if loading or the settings failed.
    pub fn error(&self) -> Option<&PluginError> {
        self.model.as_ref().err()
    }
}

fn new_state(plugin: Arc<LoadedPlugin>, settings: &str) -> Result<State, PluginError> {
    let descriptor = plugin.descriptor();
    let mut pointer: *mut c_void = std::ptr::null_mut();
    plugin.call("settings", |error| {
        // SAFETY: the settings text and the out pointer live for the call.
        unsafe { (descriptor.new_model)(abi::StrRef::new(settings), &mut pointer, error) }
    })?;
    State::new(plugin, pointer, descriptor.free_model, "settings")
}

impl ClvModel for PluginModel {
    fn kind(&self) -> &str {
        KIND
    }

    fn fit(&self, data: &FitData<'_>) -> Result<Box<dyn FittedModel>, ModelError> {
        let model = self.model.as_ref().map_err(|error| ModelError::CannotFit(error.to_string()))?;
        let plugin = &model.plugin;
        let descriptor = plugin.descriptor();
        let columns = HostColumns::new(data.customers, data.unit);
        let customers = columns.as_abi();

        let mut pointer: *mut c_void = std::ptr::null_mut();
        plugin
            .call("fit", |error| {
                // SAFETY: the model state, the columns and the out pointer live for the call.
                unsafe { (descriptor.fit)(model.pointer, &customers, &mut pointer, error) }
            })
            .map_err(|error| ModelError::CannotFit(error.to_string()))?;
        let state = State::new(Arc::clone(plugin), pointer, descriptor.free_fitted, "fit")
            .map_err(|error| ModelError::CannotFit(error.to_string()))?;
        let parameters = read_parameters(&state).map_err(|error| ModelError::CannotFit(error.to_string()))?;
        Ok(Box::new(PluginFitted { state, unit: data.unit, parameters }))
    }
}

fn read_parameters(state: &State) -> Result<Vec<Parameter>, PluginError> {
    let descriptor = state.plugin.descriptor();
    // SAFETY: the fitted state is alive; parameter_count only reads it.
    let count = unsafe { (descriptor.parameter_count)(state.pointer) };
    let mut parameters = Vec::with_capacity(count);
    for index in 0..count {
        let mut parameter = ParameterRef { name: abi::StrRef::new(""), value: f64::NAN };
        state.plugin.call("parameters", |error| {
            // SAFETY: the fitted state and the out pointer live for the call.
            unsafe { (descriptor.parameter)(state.pointer, index, &mut parameter, error) }
        })?;
        // SAFETY: the name is owned by the fitted state, which is alive.
        let name =
            unsafe { parameter.name.to_str() }.map(str::to_string).unwrap_or_else(|_| format!("#{index}"));
        parameters.push(Parameter::new(name, parameter.value));
    }
    Ok(parameters)
}

/// A fitted plugin model.
pub struct PluginFitted {
    state: State,
    unit: clv_core::TimeUnit,
    parameters: Vec<Parameter>,
}

impl FittedModel for PluginFitted {
    fn predict(
        &self,
        customers: &[CustomerSummary],
        request: &PredictionRequest,
    ) -> Result<Vec<Prediction>, ModelError> {
        let plugin = &self.state.plugin;
        let descriptor = plugin.descriptor();
        let columns = HostColumns::new(customers, self.unit);
        let abi_customers = columns.as_abi();
        let abi_request = abi::Request {
            horizon: request.horizon,
            unit_days: request.unit.days(),
            discount_rate_per_unit: request.discount.per_unit_rate(),
            margin: request.margin,
        };

        let len = customers.len();
        let mut expected_transactions = vec![f64::NAN; len];
        let mut value_per_transaction = vec![f64::NAN; len];
        let mut p_alive = vec![f64::NAN; len];
        let mut clv = vec![f64::NAN; len];
        let mut outputs = abi::Outputs {
            capacity: len,
            expected_transactions: expected_transactions.as_mut_ptr(),
            value_per_transaction: value_per_transaction.as_mut_ptr(),
            p_alive: p_alive.as_mut_ptr(),
            clv: clv.as_mut_ptr(),
            written: 0,
            filled: 0,
        };
        plugin
            .call("predict", |error| {
                // SAFETY: the fitted state, columns, request and buffers of `len` values live for the call.
                unsafe {
                    (descriptor.predict)(
                        self.state.pointer,
                        &abi_customers,
                        &abi_request,
                        &mut outputs,
                        error,
                    )
                }
            })
            .map_err(|error| ModelError::PredictionFailed(error.to_string()))?;

        let written = Written {
            expected_transactions: &expected_transactions,
            value_per_transaction: (outputs.filled & FILLED_VALUE_PER_TRANSACTION != 0)
                .then_some(value_per_transaction.as_slice()),
            p_alive: (outputs.filled & FILLED_P_ALIVE != 0).then_some(p_alive.as_slice()),
            clv: &clv,
            count: outputs.written,
        };
        validate::predictions(&plugin.name, customers, &written)
    }

    fn parameters(&self) -> Vec<Parameter> {
        self.parameters.clone()
    }
}
