//! Loading a plugin library: finding the file, the entry symbol, the ABI
//! version check, and the registry that keeps each library loaded.

use std::collections::HashMap;
use std::ffi::c_void;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use clv_plugin::abi::{self, ENTRY_SYMBOL, EntryFn, ErrorBuffer, PluginDescriptor, STATUS_OK, STATUS_PANIC};

use super::error::PluginError;

/// Capacity of the error buffer the host passes to each call, in bytes;
/// longer messages are cut.
const ERROR_CAPACITY: usize = 4096;

/// A loaded plugin library and its descriptor.
pub struct LoadedPlugin {
    /// File the library was loaded from.
    pub path: PathBuf,
    /// Model name from the descriptor.
    pub name: String,
    /// One line from the descriptor.
    pub description: String,
    /// ABI version from the descriptor.
    pub abi_version: u32,
    descriptor: &'static PluginDescriptor,
    // Serialises every call into this library, so a plugin is called from
    // one thread at a time.
    lock: Mutex<()>,
}

impl std::fmt::Debug for LoadedPlugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedPlugin")
            .field("path", &self.path)
            .field("name", &self.name)
            .field("abi_version", &self.abi_version)
            .finish()
    }
}

/// Loaded libraries by canonical path. A library is never unloaded: the
/// `libloading::Library` is leaked, so its code stays mapped for the life of the process.
static LOADED: OnceLock<Mutex<HashMap<PathBuf, Arc<LoadedPlugin>>>> = OnceLock::new();

/// Loads the plugin library at `path`, or returns the one loaded before from the same file.
pub fn load(path: &Path) -> Result<Arc<LoadedPlugin>, PluginError> {
    let canonical = path.canonicalize().map_err(|_| PluginError::NotFound { path: path.to_path_buf() })?;
    let mut loaded = LOADED.get_or_init(Default::default).lock().unwrap_or_else(|e| e.into_inner());
    if let Some(plugin) = loaded.get(&canonical) {
        return Ok(Arc::clone(plugin));
    }
    let plugin = Arc::new(open(&canonical)?);
    loaded.insert(canonical, Arc::clone(&plugin));
    Ok(plugin)
}

/// Finds the file of library `name`, a crate name in which `-` counts as `_`.
/// It looks in the folder of the running executable, then in its `deps`
/// subfolder, because cargo puts the libraries of a workspace build there.
pub fn resolve_library_name(name: &str) -> Result<PathBuf, PluginError> {
    let file_name = libloading::library_filename(name.replace('-', "_"));
    let exe_dir = std::env::current_exe().ok().and_then(|exe| exe.parent().map(Path::to_path_buf));
    let searched: Vec<PathBuf> = match exe_dir {
        Some(dir) => vec![dir.join(&file_name), dir.join("deps").join(&file_name)],
        None => Vec::new(),
    };
    match searched.iter().find(|path| path.is_file()) {
        Some(path) => Ok(path.clone()),
        None => Err(PluginError::NotBuilt { name: name.to_string(), searched }),
    }
}

fn open(path: &Path) -> Result<LoadedPlugin, PluginError> {
    // SAFETY: loading a library runs its initialisers. Plugins are trusted
    // code named by the user's config; see the module documentation.
    let library = unsafe { libloading::Library::new(path) }
        .map_err(|error| PluginError::Open { path: path.to_path_buf(), message: error.to_string() })?;
    // Leaked on purpose: the library must outlive every model made from it.
    let library: &'static libloading::Library = Box::leak(Box::new(library));

    // SAFETY: the symbol is declared with this type by clv_plugin::export_plugin!.
    let entry = unsafe { library.get::<EntryFn>(ENTRY_SYMBOL.as_bytes()) }.map_err(|error| {
        PluginError::MissingEntry {
            path: path.to_path_buf(),
            symbol: ENTRY_SYMBOL,
            message: error.to_string(),
        }
    })?;
    // SAFETY: the entry takes no arguments and returns a pointer to a static descriptor.
    let pointer = unsafe { entry() };
    if pointer.is_null() {
        return Err(PluginError::NullDescriptor { path: path.to_path_buf(), symbol: ENTRY_SYMBOL });
    }

    // The version comes first and is read alone: a descriptor of another
    // version may have any other layout.
    // SAFETY: every ABI version starts the descriptor with a u32 version.
    let version = unsafe { pointer.cast::<u32>().read() };
    if version != abi::ABI_VERSION {
        return Err(PluginError::AbiMismatch {
            path: path.to_path_buf(),
            found: version,
            supported: abi::ABI_VERSION,
        });
    }
    // SAFETY: version 1 puts the descriptor's size in the second u32.
    let size = unsafe { pointer.cast::<u32>().add(1).read() };
    let expected = std::mem::size_of::<PluginDescriptor>();
    if (size as usize) < expected {
        return Err(PluginError::DescriptorTooSmall {
            path: path.to_path_buf(),
            found: size,
            expected,
            version,
        });
    }
    // SAFETY: the version and size match this crate's descriptor, which is static in the library.
    let descriptor: &'static PluginDescriptor = unsafe { &*pointer };

    // SAFETY: the descriptor's strings are static in the library.
    let text = |field: &'static str, text: abi::StrRef| match unsafe { text.to_str() } {
        Ok(text) => Ok(text.to_string()),
        Err(_) => Err(PluginError::InvalidText { path: path.to_path_buf(), field }),
    };
    let name = text("name", descriptor.name)?;
    let description = text("description", descriptor.description)?;
    log::debug!("loaded plugin {name} (ABI version {version}) from {}", path.display());
    Ok(LoadedPlugin {
        path: path.to_path_buf(),
        name,
        description,
        abi_version: version,
        descriptor,
        lock: Mutex::new(()),
    })
}

impl LoadedPlugin {
    /// The plugin's function table.
    pub(super) fn descriptor(&self) -> &'static PluginDescriptor {
        self.descriptor
    }

    /// Calls into the plugin under its lock, with an error buffer for `call`
    /// to pass on. A status other than OK becomes an error naming `operation`.
    pub(super) fn call(
        &self,
        operation: &'static str,
        call: impl FnOnce(*mut ErrorBuffer) -> i32,
    ) -> Result<(), PluginError> {
        let mut message = vec![0u8; ERROR_CAPACITY];
        let mut buffer = ErrorBuffer { ptr: message.as_mut_ptr(), capacity: message.len(), len: 0 };
        let status = {
            let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
            call(&mut buffer)
        };
        if status == STATUS_OK {
            return Ok(());
        }
        let len = buffer.len.min(ERROR_CAPACITY);
        let mut text = String::from_utf8_lossy(&message[..len]).into_owned();
        if text.is_empty() {
            text = format!("no message (status {status})");
        }
        let outcome = if status == STATUS_PANIC { "panicked" } else { "failed" };
        Err(PluginError::Call {
            plugin: self.name.clone(),
            path: self.path.clone(),
            operation,
            outcome,
            message: text,
        })
    }

    /// Frees a plugin-owned state under the lock.
    pub(super) fn free(&self, free: unsafe extern "C" fn(*mut c_void), state: *mut c_void) {
        let _guard = self.lock.lock().unwrap_or_else(|e| e.into_inner());
        // SAFETY: `state` came from the matching constructor of this plugin and is freed once.
        unsafe { free(state) };
    }
}
