//! A library whose entry returns a descriptor of ABI version 999, which no
//! clv supports. Only the two fields that every version shares are there,
//! because the host must read nothing else before it checks the version.

/// The fields every ABI version starts with.
#[repr(C)]
pub struct Header {
    abi_version: u32,
    size: u32,
}

static HEADER: Header = Header { abi_version: 999, size: std::mem::size_of::<Header>() as u32 };

/// The entry symbol of the clv plugin ABI, with a future version.
#[unsafe(no_mangle)]
pub extern "C" fn clv_plugin_entry() -> *const Header {
    &HEADER
}
