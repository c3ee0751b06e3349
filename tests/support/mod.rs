//! Test support shared by the end-to-end tests and the benches: a fake Discord and the bot
//! running against it. Each user (tests, benches) takes a part of it, hence the allowances.
#![allow(dead_code, unused_imports)]

pub mod bot;
pub mod conformance;
pub mod db;
pub mod deliver;
pub mod fake_discord;
pub mod interactions;
pub mod seed;

pub use bot::{TestBot, MEMBER_A, MEMBER_B, TEST_TOKEN};
pub use fake_discord::{FakeDiscord, Fault};
pub use interactions::{OptValue, Reply};
