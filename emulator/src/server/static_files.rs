//! Files from `--www` (at `/`) and `--pkg` (at `/pkg/`).

use std::path::{Component, Path, PathBuf};

use crate::app::{App, Resp};
use crate::util::percent_decode;

pub fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" | "map" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "txt" | "md" => "text/plain; charset=utf-8",
        "ts" => "text/plain; charset=utf-8",
        "woff2" => "font/woff2",
        _ => "application/octet-stream",
    }
}

/// A safe relative path from a URL path, or `None` if it tries to leave
/// the root (`..`, absolute parts, backslashes, NUL).
pub fn safe_relative(url_path: &str) -> Option<PathBuf> {
    let decoded = percent_decode(url_path);
    if decoded.contains('\0') || decoded.contains('\\') {
        return None;
    }
    let mut out = PathBuf::new();
    for part in decoded.split('/') {
        if part.is_empty() || part == "." {
            continue;
        }
        if part == ".." {
            return None;
        }
        let p = Path::new(part);
        if !matches!(p.components().next(), Some(Component::Normal(_)))
            || p.components().count() != 1
        {
            return None;
        }
        out.push(part);
    }
    Some(out)
}

/// `Some` when the path belongs to a served directory (a file, a refusal or
/// a 404 of that directory); `None` when no directory serves it.
pub async fn serve(app: &App, path: &str) -> Option<Resp> {
    let (root, rest) = if let (Some(pkg), Some(rest)) = (&app.cfg.pkg, path.strip_prefix("/pkg/")) {
        (pkg, rest)
    } else if let Some(www) = &app.cfg.www {
        (www, path.trim_start_matches('/'))
    } else {
        return None;
    };
    let Some(rel) = safe_relative(rest) else {
        return Some(Resp::text(403, "text/plain; charset=utf-8", "Forbidden"));
    };
    let root = tokio::fs::canonicalize(root).await.ok()?;
    let mut full = root.join(&rel);
    if tokio::fs::metadata(&full).await.is_ok_and(|m| m.is_dir()) {
        full = full.join("index.html");
    }
    let Ok(canon) = tokio::fs::canonicalize(&full).await else {
        return Some(Resp::not_found());
    };
    if !canon.starts_with(&root) {
        return Some(Resp::text(403, "text/plain; charset=utf-8", "Forbidden"));
    }
    match tokio::fs::read(&canon).await {
        Ok(bytes) => Some(
            Resp::text(200, content_type(&canon), bytes)
                .header("cache-control", "no-cache")
                .header("x-content-type-options", "nosniff"),
        ),
        Err(_) => Some(Resp::not_found()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn traversal_refused() {
        assert!(safe_relative("../etc/passwd").is_none());
        assert!(safe_relative("a/%2e%2e/%2e%2e/x").is_none());
        assert!(safe_relative("a\\..\\b").is_none());
        assert_eq!(safe_relative("a/./b.js"), Some(PathBuf::from("a/b.js")));
        assert_eq!(content_type(Path::new("x.wasm")), "application/wasm");
        assert_eq!(
            content_type(Path::new("x.mjs")),
            "text/javascript; charset=utf-8"
        );
    }
}
