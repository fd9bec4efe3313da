//! Live evidence: follow growing files, receive OpenTelemetry over OTLP/HTTP, and keep what
//! arrives (`heisen record`, `--save`).

pub use crate::ingest::otlp::encode as otlp_json;

pub mod follow;
pub mod journal;
pub mod otlp_check;
pub mod receiver;
pub mod serve;

/// Warn when the receiver listens beyond this machine.
pub fn exposure_warning(addr: &std::net::SocketAddr) -> Option<String> {
    (!addr.ip().is_loopback()).then(|| {
        format!(
            "warning: listening on {addr}: anyone who can reach this port can write into the session"
        )
    })
}
