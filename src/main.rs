//! The `gongkai` command line.

use clap::{Parser, Subcommand, ValueEnum};
use gongkai::config::Config;
use gongkai::model::diagnostic;
use gongkai::{check, source};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

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
    /// 生成网站：先运行全部检查，没有未确认的错误时才写出网站
    Build {
        /// 站点根目录（含 content/、gongkai.toml，可选 templates/、static/；默认：当前目录）
        #[arg(default_value = ".")]
        path: PathBuf,
        /// 输出目录（默认：gongkai.toml 的 output_dir，即 public/）
        #[arg(long)]
        out: Option<PathBuf>,
        /// 即使有未确认的错误也生成网站（错误照常列出）
        #[arg(long)]
        allow_errors: bool,
        /// 全部重新写出（不沿用上一次输出中未变的文件）
        #[arg(long)]
        clean: bool,
        /// 彩色输出
        #[arg(long, value_enum, default_value_t = Color::Auto)]
        color: Color,
    },
    /// 预览：生成网站并在本机提供访问，数据源改动后自动重新生成并刷新页面
    Serve {
        /// 站点根目录（默认：当前目录）
        #[arg(default_value = ".")]
        path: PathBuf,
        /// 端口（0：任选一个空闲端口）
        #[arg(long, default_value_t = 1111)]
        port: u16,
        /// 监听地址（默认只允许本机访问）
        #[arg(long, default_value = "127.0.0.1")]
        bind: std::net::IpAddr,
    },
    /// 导入：从公开的 PDF 或 Excel 工作簿（一个单位一个年度的一个或多个文件）生成数据源，写入后运行检查
    Import {
        /// 要导入的文件（.pdf、.xlsx、.xls）
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// 数据源目录（默认：content/）
        #[arg(long, default_value = "content")]
        out: PathBuf,
        /// 单位目录名（小写字母、数字、连字符；默认：沿用同名单位的目录，否则由单位名称生成）
        #[arg(long)]
        unit: Option<String>,
        /// 覆盖已存在的同一年度文件
        #[arg(long)]
        force: bool,
    },
    /// 把文中找到并对应上的数字写成 {{ 数字 = 表达式 }} 标注（供作者审阅、保留）；可重复运行
    Annotate {
        /// 站点根目录、content 目录或单个单位目录（默认：当前目录）
        #[arg(default_value = ".")]
        path: PathBuf,
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

/// mimalloc: parsing allocates many small strings and maps from several threads; the
/// system allocator spent about a fifth of `check`'s time (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Check {
            path,
            format,
            color,
        } => run_check(&path, format, color),
        Command::Build {
            path,
            out,
            allow_errors,
            clean,
            color,
        } => run_build(&path, out, allow_errors, clean, color),
        Command::Serve { path, port, bind } => {
            match gongkai::serve::run(gongkai::serve::Options {
                root: path,
                bind,
                port,
            }) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    eprintln!("gongkai：{e}");
                    ExitCode::from(2)
                }
            }
        }
        Command::Import {
            files,
            out,
            unit,
            force,
        } => run_import(&files, &out, unit.as_deref(), force),
        Command::Annotate { path } => run_annotate(&path),
        Command::Rules => {
            for r in gongkai::check::rules::RULES {
                println!("{:<24} {:<8} {}", r.id, r.severity.label_zh(), r.summary);
            }
            let Ok(templates) = gongkai::model::templates::Templates::builtin() else {
                return ExitCode::SUCCESS;
            };
            println!("\n各模板要求的情况说明事项（complete.section）：");
            for (id, t) in &templates.templates {
                let items: Vec<String> = t
                    .sections
                    .iter()
                    .map(|sec| {
                        let name = templates.section_name(sec.id());
                        match sec {
                            gongkai::model::templates::SectionRequirement::From {
                                from, ..
                            } => {
                                format!("{name}（{from}年起）")
                            }
                            _ => name.to_string(),
                        }
                    })
                    .collect();
                println!("{id:<16} {}", items.join("、"));
            }
            ExitCode::SUCCESS
        }
    }
}

fn use_color(color: Color) -> bool {
    match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

fn load_and_check(path: &Path) -> Result<check::Report, ExitCode> {
    let root = source::resolve_root(path).map_err(|e| {
        eprintln!("gongkai：{e}");
        ExitCode::from(2)
    })?;
    check::check(&root).map_err(|e| {
        eprintln!("gongkai：无法运行检查：{e}");
        ExitCode::from(2)
    })
}

fn print(out: &str) -> Result<(), ExitCode> {
    let mut stdout = std::io::stdout().lock();
    stdout
        .write_all(out.as_bytes())
        .and_then(|_| stdout.flush())
        .map_err(|_| ExitCode::from(2))
}

fn run_build(
    path: &Path,
    out: Option<PathBuf>,
    allow_errors: bool,
    clean: bool,
    color: Color,
) -> ExitCode {
    let config = match Config::load(path) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("gongkai：配置有误：{e}");
            return ExitCode::from(2);
        }
    };
    let out = out.unwrap_or_else(|| path.join(&config.output_dir));
    let prepare = gongkai::timings::phase("准备（模板、上次的清单）");
    let plan = match gongkai::build::Plan::new(&config, path, &out, clean) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("gongkai：生成失败：{e}");
            return ExitCode::from(2);
        }
    };
    // Units whose sources, rules and configuration match a previous build in which they
    // had no unacknowledged error are neither parsed nor checked again.
    let root = match source::resolve_root(path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("gongkai：{e}");
            return ExitCode::from(2);
        }
    };
    drop(prepare);
    let checking = gongkai::timings::phase("读取和检查数据源");
    let (report, kept) = match check::check_planned(&root, &plan) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("gongkai：无法运行检查：{e}");
            return ExitCode::from(2);
        }
    };
    drop(checking);
    if report.has_errors() {
        let text =
            diagnostic::render_human(&report.diagnostics, &report.site.files, use_color(color));
        if let Err(code) = print(&text) {
            return code;
        }
        if !allow_errors {
            eprintln!(
                "gongkai：存在未确认的错误，未生成网站。请改正或在数据源中确认（acknowledge）后重试；--allow-errors 可强制生成。"
            );
            return ExitCode::from(1);
        }
        eprintln!("gongkai：存在未确认的错误，按 --allow-errors 仍生成网站。");
    }
    let failing = report.failing_units();
    // What the check found, for the pages: made before the diagnostics are dropped.
    let placing = gongkai::timings::phase("核对结果");
    let findings = gongkai::views::findings::of_report(&report);
    drop(placing);
    // The sources' text and the diagnostics were only needed to show the diagnostics:
    // freed before rendering.
    let mut report = report;
    report.site.files = Default::default();
    report.diagnostics = Vec::new();
    report.checked = Default::default();
    let started = Instant::now();
    let on_terminal = std::io::stderr().is_terminal() && std::env::var_os("CI").is_none();
    if on_terminal {
        eprintln!(
            "gongkai：已检查 {} 个单位（另有 {} 个单位未改动，沿用上次的检查结果），正在生成……",
            report.site.units.len(),
            kept.len()
        );
    }
    match plan.build(&report.site, &kept, failing, findings, on_terminal) {
        Ok(outcome) => {
            let stats = &outcome.stats;
            eprintln!(
                "gongkai：已生成 {} 个页面（共 {} 个文件，{} KB）到 {}，用时 {} 毫秒；改写 {} 个，沿用 {} 个，删除 {} 个",
                stats.pages,
                stats.files,
                stats.bytes.div_ceil(1024),
                out.display(),
                started.elapsed().as_millis(),
                outcome.written.len(),
                outcome.kept,
                outcome.removed.len()
            );
            if !kept.is_empty() {
                let unread = kept.iter().filter(|(k, _)| !k.read).count();
                eprintln!(
                    "gongkai：{} 个单位的数据源、规则和配置与上次生成时相同且当时没有未确认的错误，未重新解析和检查（其中 {unread} 个单位的文件自上次读取后未改动，未重新读取）",
                    kept.len()
                );
            }
            if outcome.reused_units > 0 {
                eprintln!(
                    "gongkai：{} 个单位的数据源、模板和配置均未改动，沿用上次生成的文件，未重新渲染（--clean 可全部重新生成）",
                    outcome.reused_units
                );
            }
            if config.absolute_base().is_none() {
                eprintln!(
                    "gongkai：提示：gongkai.toml 中的 base_url（{}）不是以 http:// 或 https:// 开头、带域名的完整网址，未生成 sitemap.xml（站点地图只能列出完整网址），robots.txt 也不指向站点地图；如需站点地图，请把 base_url 写成 https://域名/路径/",
                    config.base_url
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gongkai：生成失败：{e}");
            ExitCode::from(2)
        }
    }
}

fn run_check(path: &Path, format: Format, color: Color) -> ExitCode {
    let report = match load_and_check(path) {
        Ok(r) => r,
        Err(code) => return code,
    };
    let out = match format {
        Format::Json => diagnostic::render_json(&report.diagnostics, &report.site.files),
        Format::Human => {
            diagnostic::render_human(&report.diagnostics, &report.site.files, use_color(color))
        }
    };
    if let Err(code) = print(&out) {
        return code;
    }
    if report.has_errors() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn run_import(files: &[PathBuf], out: &Path, unit: Option<&str>, force: bool) -> ExitCode {
    use gongkai::import::draft::place_zh;
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let (draft, written) = match gongkai::import::import(&paths, out, unit, force) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("gongkai：{e}");
            eprintln!("gongkai：导入未完成，没有写入任何文件。");
            return ExitCode::from(2);
        }
    };
    let d = &draft.disclosure;
    let mut text = String::new();
    let kind_zh = if d.kind == "final" {
        "决算"
    } else {
        "预算"
    };
    text.push_str(&format!(
        "导入：{}（{} 年部门{kind_zh}，模板 {}，金额单位 {}）\n",
        draft.unit.name, d.year, d.template, d.amount_unit
    ));
    text.push_str(&format!(
        "表格 {} 张，读取数字 {} 个：\n",
        draft.report.tables.len(),
        draft.report.cells()
    ));
    for t in &draft.report.tables {
        let status = match t.status.as_deref() {
            Some("empty") => "，空表",
            _ => "",
        };
        text.push_str(&format!(
            "  {} {} → {}（{}，数字 {} 个{status}）\n",
            t.id,
            t.title,
            t.kind,
            place_zh(&t.place),
            t.cells
        ));
    }
    if draft.report.unsure.is_empty() {
        text.push_str("没有拿不准的地方。\n");
    } else {
        text.push_str(&format!(
            "拿不准、需要对照原件核对的地方 {} 处：\n",
            draft.report.unsure.len()
        ));
        for u in &draft.report.unsure {
            let table = u.table.as_deref().unwrap_or("");
            text.push_str(&format!("  {table} {}：{}\n", place_zh(&u.place), u.what));
        }
    }
    text.push_str(&format!("已写入 {}：\n", written.dir.display()));
    for f in &written.files {
        text.push_str(&format!("  {}\n", f.display()));
    }
    if written.kept_unit {
        text.push_str("  （unit.yaml 已存在，保留原样）\n");
    }
    if let Err(code) = print(&text) {
        return code;
    }
    // The checks on what was written: a summary, `gongkai check` shows the details.
    let report = match load_and_check(&written.dir) {
        Ok(r) => r,
        Err(code) => return code,
    };
    // Errors first, then warnings, then notices.
    let mut counts: std::collections::BTreeMap<(u8, &str, &str), usize> = Default::default();
    for diag in &report.diagnostics {
        let rank = match diag.severity {
            diagnostic::Severity::Error => 0,
            diagnostic::Severity::Warning => 1,
            diagnostic::Severity::Notice => 2,
        };
        *counts
            .entry((rank, diag.severity.label_zh(), diag.rule))
            .or_default() += 1;
    }
    let mut summary = String::from("检查结果：");
    if counts.is_empty() {
        summary.push_str("没有发现问题。\n");
    } else {
        summary.push('\n');
        for ((_, severity, rule), n) in &counts {
            summary.push_str(&format!("  {severity} {rule}：{n} 处\n"));
        }
        summary.push_str(
            "导入的数据源是待核对的草稿：以上问题可能是原件如此，也可能是导入有误，请对照原件核对（见 docs/import.md）。\n",
        );
        summary.push_str(&format!("详情：gongkai check {}\n", written.dir.display()));
    }
    if let Err(code) = print(&summary) {
        return code;
    }
    ExitCode::SUCCESS
}

/// `gongkai annotate`: each text file whose plain figures were matched is replaced (via a
/// temporary file beside it and a rename, so a reader never sees half of it) by the text
/// with those figures marked.
fn run_annotate(path: &Path) -> ExitCode {
    let root = match source::resolve_root(path) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("gongkai：{e}");
            return ExitCode::from(2);
        }
    };
    let (site, _) = source::load(&root);
    let mut changed = 0;
    for d in site.units.iter().flat_map(|u| &u.disclosures) {
        let (Some(text), Some(new)) = (&d.text, check::plain::annotate(d)) else {
            continue;
        };
        let file = site.files.get(text.file);
        let tmp = file.path.with_extension("md.gongkai-annotate");
        let written = std::fs::write(&tmp, &new).and_then(|_| std::fs::rename(&tmp, &file.path));
        if let Err(e) = written {
            let _ = std::fs::remove_file(&tmp);
            eprintln!("gongkai：无法写入 {}：{e}", file.display);
            return ExitCode::from(2);
        }
        println!("已标注：{}", file.display);
        changed += 1;
    }
    println!("共标注 {changed} 个文件");
    ExitCode::SUCCESS
}
