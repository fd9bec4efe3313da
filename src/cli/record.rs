//! `heisen record`: a headless flight recorder for OTLP/HTTP.

use crate::ingest::Ctx;
use crate::live::receiver::{self, Receiver, DEFAULT_MAX_BODY};
use crate::model::Strings;
use anyhow::{Context, Result};
use clap::Args;
use std::sync::{Arc, Mutex};

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
}

/// Run `heisen record` until Ctrl-C or SIGTERM.
pub fn run(a: RecordArgs) -> Result<i32> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&a.output)
        .with_context(|| a.output.clone())?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let listener = tokio::net::TcpListener::bind(a.listen)
            .await
            .with_context(|| format!("cannot listen on {}", a.listen))?;
        if let Some(w) = crate::live::exposure_warning(&a.listen) {
            eprintln!("heisen: {w}");
        }
        eprintln!(
            "heisen: recording OTLP/HTTP on http://{} (POST /v1/traces, /v1/logs) into {}",
            listener.local_addr()?,
            a.output
        );
        let (tx, mut rx) = tokio::sync::mpsc::channel(1024);
        let state = Receiver {
            ctx: Ctx::new(Strings::new()),
            save: Some(Arc::new(Mutex::new(file))),
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
                    eprintln!(
                        "heisen: +{spans} spans, +{logs} logs (total {tot_s} spans, {tot_l} logs)"
                    );
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
        axum::serve(listener, receiver::router(state))
            .with_graceful_shutdown(shutdown)
            .await?;
        eprintln!("heisen: stopped; everything acknowledged is in the file");
        Ok::<i32, anyhow::Error>(0)
    })
}
