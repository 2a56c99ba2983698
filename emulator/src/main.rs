use std::io::Write;
use std::process::ExitCode;

use skyvern_emulator::{bind, kill_browsers, parse_args, serve, Command, Config, USAGE};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let env_key = std::env::var("SKYVERN_API_KEY").ok();
    match parse_args(args, env_key) {
        Ok(Command::Help) => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        Ok(Command::Run(cfg)) => run(*cfg),
        Err(msg) => {
            eprintln!("skyvern-emulator: {msg}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}

fn run(cfg: Config) -> ExitCode {
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("skyvern-emulator: cannot start the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    rt.block_on(async move {
        let listener = match bind(&cfg.host, cfg.port).await {
            Ok(l) => l,
            Err(e) => {
                eprintln!(
                    "skyvern-emulator: cannot listen on {}:{}: {e}",
                    cfg.host, cfg.port
                );
                return ExitCode::FAILURE;
            }
        };
        let port = match listener.local_addr() {
            Ok(a) => a.port(),
            Err(e) => {
                eprintln!("skyvern-emulator: cannot read the bound address: {e}");
                return ExitCode::FAILURE;
            }
        };
        let host = if cfg.host.contains(':') && !cfg.host.starts_with('[') {
            format!("[{}]", cfg.host)
        } else {
            cfg.host.clone()
        };
        let mut out = std::io::stdout().lock();
        let _ = writeln!(out, "listening on http://{host}:{port}");
        let _ = writeln!(out, "api key: {}", cfg.api_key);
        let _ = out.flush();
        drop(out);
        if let Some(up) = &cfg.upstream {
            eprintln!(
                "proxy mode: /v1/* is forwarded to {} with the key from SKYVERN_API_KEY",
                up.base_url
            );
        }
        // Browsers are killed on every way out: a signal or a failed server.
        let code = tokio::select! {
            r = serve(cfg, listener) => match r {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("skyvern-emulator: server stopped: {e}");
                    ExitCode::FAILURE
                }
            },
            sig = shutdown_signal() => {
                eprintln!("skyvern-emulator: {sig}, stopping");
                ExitCode::SUCCESS
            }
        };
        kill_browsers();
        code
    })
}

/// Resolves on SIGINT or SIGTERM (Ctrl-C elsewhere).
async fn shutdown_signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) {
            (Ok(mut int), Ok(mut term)) => tokio::select! {
                _ = int.recv() => "SIGINT",
                _ = term.recv() => "SIGTERM",
            },
            _ => std::future::pending().await,
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "interrupted"
    }
}
