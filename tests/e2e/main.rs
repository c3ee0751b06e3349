//! End-to-end tests: the real bot against a fake Discord on 127.0.0.1, one test binary so
//! serenity and sqlx are linked once.

#[path = "../support/mod.rs"]
mod support;

mod actions;
mod binary;
mod chapter;
mod components;
mod conferences;
mod conformance;
mod contacts;
mod fairs;
mod fake_discord;
mod forgery;
mod import;
mod letters;
mod limits;
mod me;
mod nudges;
mod overlong;
mod programs;
mod scheduler;
mod season;
mod startup;
mod store;
mod store_contacts;
mod stories;
