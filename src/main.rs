//! The `gongkai` command line.

use clap::{Parser, Subcommand, ValueEnum};
use gongkai::{check, diagnostic, source};
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "gongkai",
    version,
    about = "公开：部门预算、决算公开网站生成器"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// 检查数据源：加载全部单位和年度，运行所有规则，列出全部问题
    Check {
        /// 站点根目录、content 目录或单个单位目录（默认：当前目录）
        #[arg(default_value = ".")]
        path: PathBuf,
        /// 输出格式
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        /// 彩色输出
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
    },
    /// 列出全部检查规则
    Rules,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check {
            path,
            format,
            color,
        } => run_check(&path, format, color),
        Command::Rules => {
            for r in gongkai::rules::RULES {
                println!("{:<24} {:<8} {}", r.id, r.severity.label_zh(), r.summary);
            }
            ExitCode::SUCCESS
        }
    }
}

fn run_check(path: &std::path::Path, format: Format, color: Color) -> ExitCode {
    let root = match source::resolve_root(path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("gongkai：{e}");
            return ExitCode::from(2);
        }
    };
    let report = match check::check(&root) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("gongkai：无法运行检查：{e}");
            return ExitCode::from(2);
        }
    };
    let out = match format {
        Format::Json => diagnostic::render_json(&report.diagnostics, &report.site.files),
        Format::Human => {
            let color = match color {
                Color::Always => true,
                Color::Never => false,
                Color::Auto => {
                    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
                }
            };
            diagnostic::render_human(&report.diagnostics, &report.site.files, color)
        }
    };
    let mut stdout = std::io::stdout().lock();
    if stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
        .is_err()
    {
        return ExitCode::from(2);
    }
    if report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
