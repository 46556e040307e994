//! pareto_nbd model.
