//! Static files and their content types.

use std::path::{Path, PathBuf};

use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::common::*;

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("skyvern-emu-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

async fn raw_get(base: &str, path: &str) -> String {
    let addr = base.trim_start_matches("http://");
    let mut s = tokio::net::TcpStream::connect(addr).await.expect("connect");
    s.write_all(format!("GET {path} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n").as_bytes())
        .await
        .expect("write");
    let mut out = String::new();
    s.read_to_string(&mut out).await.expect("read");
    out
}

#[tokio::test]
async fn static_files_with_content_types() {
    let www = temp_dir("www");
    let pkg = temp_dir("pkg");
    write_site(&www, &pkg);
    let (w, p) = (www.clone(), pkg.clone());
    let emu = emu_with(move |c| {
        c.www = Some(w);
        c.pkg = Some(p);
    })
    .await;
    for (path, ct, body) in [
        (
            "/",
            "text/html; charset=utf-8",
            "<!doctype html><title>demo</title>",
        ),
        (
            "/index.html",
            "text/html; charset=utf-8",
            "<!doctype html><title>demo</title>",
        ),
        (
            "/app.js",
            "text/javascript; charset=utf-8",
            "export const a = 1;",
        ),
        ("/style.css", "text/css; charset=utf-8", "body{}"),
        ("/logo.svg", "image/svg+xml", "<svg/>"),
        ("/data.json", "application/json", "{}"),
        ("/sub/", "text/html; charset=utf-8", "sub"),
        (
            "/pkg/skyvern_wasm.js",
            "text/javascript; charset=utf-8",
            "export default 1;",
        ),
        (
            "/pkg/index.mjs",
            "text/javascript; charset=utf-8",
            "export {};",
        ),
    ] {
        let r = emu.send("GET", path, None, &[]).await;
        assert_eq!(r.status, 200, "{path}");
        assert_eq!(r.header("content-type"), Some(ct), "{path}");
        assert_eq!(r.text, body, "{path}");
    }
    let r = emu
        .client
        .get(format!("{}/pkg/skyvern_wasm_bg.wasm", emu.base))
        .send()
        .await
        .expect("wasm");
    assert_eq!(
        r.headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("application/wasm")
    );
    assert_eq!(r.bytes().await.expect("bytes").as_ref(), b"\0asm\x01\0\0\0");
    assert_eq!(emu.send("GET", "/missing.js", None, &[]).await.status, 404);

    traversal_is_refused(&emu).await;
}

/// The site and package files served, and a secret beside them.
fn write_site(www: &Path, pkg: &Path) {
    std::fs::write(www.join("index.html"), "<!doctype html><title>demo</title>").expect("w");
    std::fs::write(www.join("app.js"), "export const a = 1;").expect("w");
    std::fs::write(www.join("style.css"), "body{}").expect("w");
    std::fs::write(www.join("logo.svg"), "<svg/>").expect("w");
    std::fs::write(www.join("data.json"), "{}").expect("w");
    std::fs::create_dir_all(www.join("sub")).expect("w");
    std::fs::write(www.join("sub/index.html"), "sub").expect("w");
    std::fs::write(pkg.join("skyvern_wasm_bg.wasm"), b"\0asm\x01\0\0\0").expect("w");
    std::fs::write(pkg.join("skyvern_wasm.js"), "export default 1;").expect("w");
    std::fs::write(pkg.join("index.mjs"), "export {};").expect("w");
    std::fs::write(temp_dir("secret").join("secret.txt"), "top secret").expect("w");
}

/// Traversal, sent raw so no client normalises the dots away.
async fn traversal_is_refused(emu: &Emu) {
    let secret = format!("/../skyvern-emu-secret-{}/secret.txt", std::process::id());
    for path in [
        secret.as_str(),
        "/pkg/../../etc/passwd",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/pkg/%2e%2e%2fCargo.toml",
        "/..%5c..%5cetc%5cpasswd",
    ] {
        let resp = raw_get(&emu.base, path).await;
        assert!(resp.starts_with("HTTP/1.1 403"), "{path}: {resp}");
        assert!(
            !resp.contains("top secret") && !resp.contains("root:"),
            "{path}"
        );
    }
}
