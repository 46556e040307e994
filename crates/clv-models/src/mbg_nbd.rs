//! mbg_nbd model.
