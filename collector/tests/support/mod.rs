pub mod services;
pub mod station;
