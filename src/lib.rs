//! emig-bot: a Discord bot that turns networking habits of emergency-medicine trainees into
//! routine. The module tree; `tests/` drives the whole app through it.

pub mod actions;
pub mod app;
pub mod clock;
pub mod db;
pub mod discord;
pub mod domain;
pub mod memory;
pub mod scheduler;
pub mod settings;
pub mod store;
pub mod telemetry;

pub use app::{App, AppError, Deps};
