//! bg_nbd model.
