//! Reports: completion across branches, CSV export, talent pool.
