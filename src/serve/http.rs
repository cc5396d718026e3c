//! The HTTP side of `gongkai serve`: the preview directory through tower-http's
//! `ServeDir`, behind a guard that refuses anything outside it, injects the error
//! overlay into HTML pages and turns off caching; tower-livereload on the outside.

use super::Shared;
use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::timeout::TimeoutLayer;

/// Where the build counter is served (JSON: builds, errors, last_ms, busy).
pub const STATUS_PATH: &str = "/_gongkai/status";
/// Largest HTML page the overlay is injected into.
const MAX_PAGE: usize = 64 << 20;

#[derive(Clone)]
struct AppState {
    out: Arc<PathBuf>,
    shared: Shared,
}

/// The router: status endpoint, then the preview directory.
pub fn app(out: PathBuf, shared: Shared, livereload: tower_livereload::LiveReloadLayer) -> Router {
    let serve_dir = ServeDir::new(&out)
        .append_index_html_on_directories(true)
        .not_found_service(ServeFile::new(out.join("404.html")));
    let state = AppState {
        out: Arc::new(out),
        shared,
    };
    Router::new()
        .route(STATUS_PATH, get(status))
        .fallback_service(serve_dir)
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .layer(RequestBodyLimitLayer::new(16 * 1024))
        .layer(TimeoutLayer::with_status_code(
            StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(10),
        ))
        .layer(livereload)
        .with_state(state)
}

async fn status(State(st): State<AppState>) -> Response {
    let s = st.shared.read().map(|s| s.clone()).unwrap_or_default();
    let body = serde_json::json!({
        "builds": s.builds,
        "errors": s.report.errors,
        "last_ms": s.report.elapsed.as_millis() as u64,
        "busy": s.busy,
    });
    (
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

/// Percent-decodes a URL path; `None` when the escapes are malformed or not UTF-8.
pub fn percent_decode(path: &str) -> Option<String> {
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            let s = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(s, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Checks a request path: `Err(status)` for `..`, `.`, empty segments (`//`),
/// backslashes, NUL, malformed escapes (400), hidden files (404) and any symlink on the
/// way (404). `Ok` with the relative path otherwise.
pub fn check_path(out: &Path, raw: &str) -> Result<String, StatusCode> {
    let decoded = percent_decode(raw).ok_or(StatusCode::BAD_REQUEST)?;
    let rel = decoded.strip_prefix('/').ok_or(StatusCode::BAD_REQUEST)?;
    if rel.contains(['\\', '\0']) || rel.contains(':') {
        return Err(StatusCode::BAD_REQUEST);
    }
    let segments: Vec<&str> = rel.split('/').collect();
    let last = segments.len() - 1;
    for (i, seg) in segments.iter().enumerate() {
        if seg.is_empty() && i != last {
            return Err(StatusCode::BAD_REQUEST);
        }
        if *seg == ".." || *seg == "." {
            return Err(StatusCode::BAD_REQUEST);
        }
        if seg.starts_with('.') {
            return Err(StatusCode::NOT_FOUND);
        }
    }
    let mut path = out.to_path_buf();
    for seg in segments.iter().filter(|s| !s.is_empty()) {
        path.push(seg);
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_symlink() => return Err(StatusCode::NOT_FOUND),
            Ok(_) => {}
            Err(_) => break,
        }
    }
    Ok(rel.to_string())
}

/// The overlay shown over every page while the sources have errors.
pub fn overlay_html(errors: usize, text: &str) -> String {
    format!(
        concat!(
            r#"<div id="gongkai-overlay" role="alert" style="position:fixed;inset:0 0 auto 0;"#,
            r#"max-height:70vh;overflow:auto;z-index:2147483647;background:#fff8f8;color:#222;"#,
            r#"border-bottom:3px solid #b00;padding:1em;font:14px/1.5 sans-serif;"#,
            r#"box-shadow:0 2px 12px rgba(0,0,0,.3)">"#,
            r#"<button type="button" onclick="this.parentNode.remove()" style="float:right">关闭</button>"#,
            r#"<strong style="color:#b00">gongkai：{} 个错误（改正后页面会自动刷新）</strong>"#,
            r#"<pre style="white-space:pre-wrap;font:13px/1.4 monospace;margin:.5em 0 0">{}</pre></div>"#
        ),
        errors,
        crate::views::escape_html(text)
    )
}

fn inject(page: &[u8], overlay: &str) -> Vec<u8> {
    let text = String::from_utf8_lossy(page);
    match text.rfind("</body>") {
        Some(at) => format!("{}{overlay}{}", &text[..at], &text[at..]).into_bytes(),
        None => format!("{text}{overlay}").into_bytes(),
    }
}

async fn guard(State(st): State<AppState>, mut req: Request, next: Next) -> Response {
    if !matches!(*req.method(), Method::GET | Method::HEAD) {
        return StatusCode::METHOD_NOT_ALLOWED.into_response();
    }
    if req.uri().path() != STATUS_PATH
        && let Err(code) = check_path(&st.out, req.uri().path())
    {
        return code.into_response();
    }
    // Always the current file: no conditional or partial responses.
    for h in [
        header::IF_MODIFIED_SINCE,
        header::IF_NONE_MATCH,
        header::IF_UNMODIFIED_SINCE,
        header::IF_MATCH,
        header::IF_RANGE,
        header::RANGE,
    ] {
        req.headers_mut().remove(h);
    }
    let res = next.run(req).await;
    let (mut parts, body) = res.into_parts();
    parts
        .headers
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    parts.headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    let content_type = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    if content_type.starts_with("text/")
        && !content_type.contains("charset")
        && let Ok(v) = HeaderValue::from_str(&format!("{content_type}; charset=utf-8"))
    {
        parts.headers.insert(header::CONTENT_TYPE, v);
    }
    let overlay = st
        .shared
        .read()
        .ok()
        .and_then(|s| s.report.overlay.clone().map(|o| (s.report.errors, o)));
    match overlay {
        Some((errors, text)) if content_type.starts_with("text/html") => {
            let Ok(bytes) = axum::body::to_bytes(body, MAX_PAGE).await else {
                return StatusCode::INTERNAL_SERVER_ERROR.into_response();
            };
            let page = inject(&bytes, &overlay_html(errors, &text));
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(page))
        }
        _ => Response::from_parts(parts, body),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths() {
        let out = Path::new("/nonexistent-gongkai-out");
        assert_eq!(check_path(out, "/").unwrap(), "");
        assert_eq!(check_path(out, "/a/b/").unwrap(), "a/b/");
        for bad in [
            "/../etc/passwd",
            "/..%2f..%2fetc/passwd",
            "/%2e%2e/",
            "/a/%2E%2E/%2e%2e/etc",
            "//etc/passwd",
            "/a%5c..%5c..",
            "/a%00",
            "/%zz",
            "/%ff",
            "/C:/x",
        ] {
            assert_eq!(check_path(out, bad), Err(StatusCode::BAD_REQUEST), "{bad}");
        }
        assert_eq!(
            check_path(out, "/.gongkai-manifest.json"),
            Err(StatusCode::NOT_FOUND)
        );
    }

    #[test]
    fn symlinks_in_the_output_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        std::fs::create_dir_all(out.join("a")).unwrap();
        std::fs::write(out.join("a/index.html"), "x").unwrap();
        std::os::unix::fs::symlink("/etc", out.join("etc")).unwrap();
        std::os::unix::fs::symlink("/etc/passwd", out.join("a/p")).unwrap();
        assert_eq!(check_path(out, "/a/index.html").unwrap(), "a/index.html");
        assert_eq!(check_path(out, "/etc/passwd"), Err(StatusCode::NOT_FOUND));
        assert_eq!(check_path(out, "/etc/"), Err(StatusCode::NOT_FOUND));
        assert_eq!(check_path(out, "/a/p"), Err(StatusCode::NOT_FOUND));
    }

    #[test]
    fn overlay_escapes_and_injects() {
        // Element content (a `<pre>`): `<`, `>`, `&` must be escaped; quotes need not be.
        let o = overlay_html(2, "<script>alert(1)</script> & \"x\"");
        assert!(o.contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;x&quot;"));
        assert!(!o.contains("<script>"));
        let page = inject(b"<html><body><p>x</p></body></html>", "<i>o</i>");
        assert_eq!(page, b"<html><body><p>x</p><i>o</i></body></html>");
    }
}
