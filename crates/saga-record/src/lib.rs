//! `saga-record`: a `saga-sim` run as a record that outlives the page. A [`Run`](saga_sim::Run)
//! (seed, config, input log) is written as a versioned JSON run file ([`run_file`]) or packed
//! into a link ([`link`]); both read it back exactly, and name the field and the problem when
//! they cannot. Both speak one stable vocabulary ([`wire`]), so renaming an engine type never
//! breaks an old file or link.
//!
//! A crate of its own so that the page can build it for size while the engine is built for
//! speed: none of it runs while a simulation plays.

pub mod json;
pub mod link;
pub mod run_file;
pub mod wire;

pub use run_file::RunFile;
