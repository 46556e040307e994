//! Published parameter values, reproduced from the raw data.
