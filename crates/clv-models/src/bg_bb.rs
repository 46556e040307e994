//! bg_bb model.
