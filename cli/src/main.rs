//! `gatehouse export | plan | apply`: access as code against an OrderCloud-style API.
//! Exit codes: 0 no changes or success, 2 changes planned (plan), 1 errors.
use clap::{Args, Parser, Subcommand};
use gatehouse_cli::{read_index, run, Api, Auth, Outcome, RunOptions};
use gatehouse_model::setup::apply::{steps, ClientIds};
use gatehouse_model::setup::plan::{plan_index, PlanOptions};
use gatehouse_model::setup::{export, ExportOptions, SetupFile};
use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[derive(Parser)]
#[command(name = "gatehouse-cli", about = "Export, plan and apply a marketplace's access setup")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Args)]
struct Conn {
    /// The API's address (its /oauth/token and /v1 are under it)
    #[arg(long, env = "GATEHOUSE_API")]
    api: String,
    /// The API client to sign in through
    #[arg(long, env = "GATEHOUSE_CLIENT_ID")]
    client_id: String,
    #[arg(long, env = "GATEHOUSE_USERNAME", requires = "password", conflicts_with = "client_secret")]
    username: Option<String>,
    /// (a password or secret may begin with "-": it is taken as the value, not as an option)
    #[arg(long, env = "GATEHOUSE_PASSWORD", requires = "username", allow_hyphen_values = true)]
    password: Option<String>,
    #[arg(long, env = "GATEHOUSE_CLIENT_SECRET", allow_hyphen_values = true)]
    client_secret: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Writes the marketplace's access setup (built-in objects left out) to a file or stdout
    Export {
        #[command(flatten)]
        conn: Conn,
        #[arg(long)]
        out: Option<String>,
    },
    /// Shows what applying FILE would change (exit 0: nothing, 2: changes, 1: refused)
    Plan {
        file: String,
        #[command(flatten)]
        conn: Conn,
        /// Also remove what the file lacks (within its kinds and companies)
        #[arg(long)]
        delete_missing: bool,
    },
    /// Applies FILE (exit 0: done, 1: a refused plan or failed objects)
    Apply {
        file: String,
        #[command(flatten)]
        conn: Conn,
        #[arg(long)]
        delete_missing: bool,
        /// Stop at the first failed object (default: go on past failures)
        #[arg(long)]
        stop_on_error: bool,
    },
}

async fn connect(c: &Conn) -> Result<Api, String> {
    let auth = match (&c.username, &c.password, &c.client_secret) {
        (Some(u), Some(p), None) => {
            Auth::Password { client_id: c.client_id.clone(), username: u.clone(), password: p.clone() }
        }
        (None, None, Some(s)) => Auth::Secret { client_id: c.client_id.clone(), secret: s.clone() },
        _ => return Err("Give either --username and --password, or --client-secret.".into()),
    };
    Api::connect(&c.api, auth).await
}

fn read_file(path: &str) -> Result<SetupFile, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("Reading {path}: {e}"))?;
    let f = SetupFile::parse(&text)?;
    for (kind, key, field) in SetupFile::dropped(&text) {
        eprintln!("note: {} {key}: {field} is never sent and was left out", kind.noun());
    }
    Ok(f)
}

async fn main_inner(cli: Cli) -> Result<u8, String> {
    match cli.command {
        Command::Export { conn, out } => {
            let api = connect(&conn).await?;
            let (m, b, _) = read_index(&api, &conn.api).await.map_err(|e| e.to_string())?;
            for g in &m.gaps {
                eprintln!("warning: {}", g.describe());
            }
            let text = export(&m, &b, &ExportOptions::default()).to_text();
            match out {
                Some(p) => std::fs::write(&p, text).map_err(|e| format!("Writing {p}: {e}"))?,
                None => print!("{text}"),
            }
            Ok(if m.gaps.is_empty() { 0 } else { 1 })
        }
        Command::Plan { file, conn, delete_missing } => {
            let f = read_file(&file)?;
            let api = connect(&conn).await?;
            let (m, _, ix) = read_index(&api, &conn.api).await.map_err(|e| e.to_string())?;
            for g in &m.gaps {
                eprintln!("warning: {}", g.describe());
            }
            let plan = plan_index(&f, &ix, &conn.api, PlanOptions { delete_missing });
            print!("{}", plan.to_text());
            Ok(if plan.refused() {
                1
            } else if plan.changes() > 0 {
                2
            } else {
                0
            })
        }
        Command::Apply { file, conn, delete_missing, stop_on_error } => {
            let f = read_file(&file)?;
            let api = connect(&conn).await?;
            let (m, _, ix) = read_index(&api, &conn.api).await.map_err(|e| e.to_string())?;
            if !m.gaps.is_empty() {
                for g in &m.gaps {
                    eprintln!("error: {}", g.describe());
                }
                return Err("The target could not be read whole: nothing sent.".into());
            }
            let plan = plan_index(&f, &ix, &conn.api, PlanOptions { delete_missing });
            print!("{}", plan.to_text());
            if plan.refused() {
                return Ok(1);
            }
            let list = steps(&plan);
            if list.is_empty() {
                return Ok(0);
            }
            let started = Instant::now();
            let done = Arc::new(AtomicUsize::new(0));
            let total = list.len();
            let ticker = {
                let done = done.clone();
                tokio::spawn(async move {
                    let mut tick = tokio::time::interval(Duration::from_secs(1));
                    loop {
                        tick.tick().await;
                        let d = done.load(Ordering::SeqCst);
                        let secs = started.elapsed().as_secs_f64();
                        let left = if d > 0 { (total - d) as f64 * secs / d as f64 } else { 0.0 };
                        eprintln!(
                            "progress: {d}/{total} ({:.0}/s, about {left:.0} s left)",
                            d as f64 / secs.max(0.001)
                        );
                    }
                })
            };
            let opts = RunOptions { stop_on_error, cancel: None };
            let report = run(&api, &list, ClientIds::from_plan(&plan), &opts, |d, _| {
                done.store(d, Ordering::SeqCst);
            })
            .await;
            ticker.abort();
            let secs = started.elapsed().as_secs_f64();
            eprintln!(
                "progress: {}/{total} in {secs:.1} s ({:.0} objects/s)",
                report.results.len(),
                report.results.len() as f64 / secs.max(0.001)
            );
            for r in &report.results {
                let what = match &r.outcome {
                    Outcome::Created => "created".to_string(),
                    Outcome::Updated => "updated".to_string(),
                    Outcome::Deleted => "deleted".to_string(),
                    Outcome::Failed(e) => format!("FAILED: {e}"),
                };
                println!("{} {}: {what}", r.kind.noun(), r.key);
            }
            println!("\n{} done, {} failed, {} not sent.", report.succeeded(), report.failed(), report.not_sent);
            if let Some(e) = &report.interrupted {
                println!("Interrupted ({e}): run the same apply again to resume; nothing done is sent twice.");
            }
            if !report.secrets.is_empty() {
                println!("\nNew client secrets (shown once, keep them now):");
                for s in &report.secrets {
                    println!("  \"{}\" ({}): {}", s.name, s.id, s.secret);
                }
            }
            Ok(if report.complete() { 0 } else { 1 })
        }
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 1 } else { 0 });
        }
    };
    let rt = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(1);
        }
    };
    match rt.block_on(main_inner(cli)) {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A generated secret can begin with "-" (base64url): it is the option's value.
    #[test]
    fn a_secret_or_password_beginning_with_a_hyphen_is_a_value() {
        let cli = Cli::try_parse_from([
            "gatehouse-cli",
            "plan",
            "a.json",
            "--api",
            "http://x",
            "--client-id",
            "C",
            "--client-secret",
            "-Pq_x",
        ])
        .unwrap();
        let Command::Plan { conn, .. } = cli.command else { panic!("plan") };
        assert_eq!(conn.client_secret.as_deref(), Some("-Pq_x"));
        let cli = Cli::try_parse_from([
            "gatehouse-cli",
            "export",
            "--api",
            "http://x",
            "--client-id",
            "C",
            "--username",
            "u",
            "--password",
            "-secret",
        ])
        .unwrap();
        let Command::Export { conn, .. } = cli.command else { panic!("export") };
        assert_eq!(conn.password.as_deref(), Some("-secret"));
    }
}
