//! gongkai (公开): a static site generator for Chinese government budget and
//! final-account disclosures. See ARCHITECTURE.md for the map.
//!
//! The layers, lowest first; each uses only those before it (`tests/layers.rs`):
//! `model`, `config`, `timings` and `publish` stand alone; then `source`, `check`,
//! `views`, `outputs`, `build`, `serve`.

pub mod build;
pub mod check;
pub mod config;
pub mod import;
pub mod model;
pub mod outputs;
pub mod publish;
pub mod serve;
pub mod source;
pub mod timings;
pub mod views;
