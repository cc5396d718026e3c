//! gongkai (公开): a static site generator for Chinese government budget and
//! final-account disclosures. See ARCHITECTURE.md for the map.

pub mod amount;
pub mod catalogue;
pub mod check;
pub mod config;
pub mod diagnostic;
pub mod expr;
pub mod lookup;
pub mod model;
pub mod narrative;
pub mod publish;
pub mod rules;
pub mod serve;
pub mod site;
pub mod source;
pub mod templates;
pub mod timings;
