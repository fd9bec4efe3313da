//! `heisen record`: a headless flight recorder for OTLP/HTTP.

use crate::ingest::Ctx;
use crate::live::journal::{Fsync, Journal};
use crate::live::receiver::{self, Receiver, DEFAULT_MAX_BODY};
use crate::live::serve::{self, Limits};
use crate::model::Strings;
use crate::text::sanitize;
use anyhow::{Context, Result};
use clap::Args;
use std::sync::Arc;
use std::time::Duration;

/// Arguments of `heisen record`.
#[derive(Args, Debug)]
pub struct RecordArgs {
    /// Address to listen on (loopback unless told otherwise).
    #[arg(long, default_value = "127.0.0.1:4318")]
    pub listen: std::net::SocketAddr,
    /// Append everything received to this OTLP JSON lines file.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: String,
    /// Largest accepted request body in bytes (after gzip decompression too).
    #[arg(long, default_value_t = DEFAULT_MAX_BODY)]
    pub max_body: usize,
    /// When records are forced to the disk. Every policy writes a request to the file before
    /// acknowledging it, so a killed recorder loses nothing acknowledged; `always` also
    /// survives a power loss, `batch` (the default) may lose the last 200 ms of a power loss,
    /// `never` what the kernel had not written back.
    #[arg(long, value_enum, default_value = "batch")]
    pub fsync: Fsync,
    /// Connections served at once (default: 512, fewer under a low descriptor limit).
    #[arg(long, value_name = "N")]
    pub max_connections: Option<usize>,
    /// Seconds a client may take to send a request's headers (idle keep-alive included).
    #[arg(long, value_name = "SECONDS", default_value_t = 10)]
    pub header_timeout: u64,
}

/// Run `heisen record` until Ctrl-C or SIGTERM.
pub fn run(a: RecordArgs) -> Result<i32> {
    let (journal, repair) = Journal::open(&a.output, a.fsync)
        .with_context(|| sanitize(&a.output, true).into_owned())?;
    if let Some(note) = repair.describe(&a.output) {
        super::common::say(format_args!("heisen: {note}"));
    }
    let journal = Arc::new(journal);
    let limits = Limits {
        header_timeout: Duration::from_secs(a.header_timeout.max(1)),
        max_connections: a
            .max_connections
            .unwrap_or_else(serve::default_max_connections),
        ..Limits::default()
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let saved = journal.clone();
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(a.listen)
            .await
            .with_context(|| format!("cannot listen on {}", a.listen))?;
        if let Some(w) = crate::live::exposure_warning(&a.listen) {
            super::common::say(format_args!("heisen: {w}"));
        }
        super::common::say(format_args!(
            "heisen: recording OTLP/HTTP on http://{} (POST /v1/traces, /v1/logs) into {}",
            listener.local_addr()?,
            sanitize(&a.output, true)
        ));
        let (tx, mut rx) = tokio::sync::mpsc::channel(1024);
        let state = Receiver {
            ctx: Ctx::new(Strings::new()),
            save: Some(saved),
            max_body: a.max_body,
            events: false,
            tx,
        };
        tokio::spawn(async move {
            let (mut spans, mut logs, mut last) = (0usize, 0usize, std::time::Instant::now());
            let (mut tot_s, mut tot_l) = (0usize, 0usize);
            while let Some(r) = rx.recv().await {
                spans += r.spans;
                logs += r.logs;
                if last.elapsed().as_secs_f64() >= 1.0 {
                    tot_s += spans;
                    tot_l += logs;
                    super::common::say(format_args!(
                        "heisen: +{spans} spans, +{logs} logs (total {tot_s} spans, {tot_l} logs)"
                    ));
                    spans = 0;
                    logs = 0;
                    last = std::time::Instant::now();
                }
            }
        });
        let shutdown = async {
            let ctrl_c = tokio::signal::ctrl_c();
            #[cfg(unix)]
            {
                let mut term =
                    tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
                        .expect("a SIGTERM handler can be installed");
                tokio::select! {
                    _ = ctrl_c => {},
                    _ = term.recv() => {},
                }
            }
            #[cfg(not(unix))]
            let _ = ctrl_c.await;
        };
        serve::serve(listener, receiver::router(state), limits, shutdown).await?;
        Ok::<(), anyhow::Error>(())
    })?;
    journal.sync().context("could not flush the record file")?;
    super::common::say(format_args!(
        "heisen: stopped; everything acknowledged is in the file"
    ));
    Ok(0)
}
