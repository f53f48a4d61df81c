//! ferrokube's API machinery, the layer between HTTP and etcd that every resource goes
//! through, built-in or custom.
//!
//! So far: [`field`] validation errors with upstream's field paths and messages, and
//! [`status`], the `Status` errors the apiserver answers with. The generic registry, the
//! per-resource strategies and the etcd storage follow.

pub mod field;
pub mod labels;
pub mod fields;
pub mod patch;
pub mod quantity;
pub mod registry;
pub mod request_info;
pub mod resource;
pub mod status;
pub mod storage;
pub mod table;
pub mod validation;
pub mod warning;
