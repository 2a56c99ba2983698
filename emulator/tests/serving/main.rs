//! Static files, the live-view page, proxy mode and the binary's command line.

#[path = "../common/mod.rs"]
mod common;

mod command_line;
mod live_view;
mod proxy_mode;
mod static_files;
