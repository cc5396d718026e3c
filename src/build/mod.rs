//! Orchestration of a build: the renderer, the plan, the kept shares.

pub mod render;
pub mod shares;
