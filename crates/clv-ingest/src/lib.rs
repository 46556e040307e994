//! Reading transaction logs.
