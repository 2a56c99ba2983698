//! A small test site on the emulator's own origin, so a person (or a test)
//! can sign in by hand inside a session's browser and a browser profile has
//! something real to keep: a login form that sets a session cookie and
//! remembers the user in local storage, and a page that says who is signed in.
//!
//! | path | what |
//! |---|---|
//! | `GET /test-site/` | redirects to the account page |
//! | `GET /test-site/login` | the sign-in form (`username`, `password`) |
//! | `POST /test-site/login` | right credentials: sets the cookie, stores the user in local storage, goes to the account page; wrong ones: 401 and the form again |
//! | `GET /test-site/account` | `Signed in as demo` under a wide green band, or `Not signed in` under a grey one, with a link to the form |
//! | `POST /test-site/logout` | clears the cookie |

use std::sync::OnceLock;

use crate::app::http::query_param;
use crate::app::{Req, Resp};

/// Where the site lives.
pub const PREFIX: &str = "/test-site";
/// The one account the site knows.
pub const USERNAME: &str = "demo";
pub const PASSWORD: &str = "let-me-in";
const COOKIE: &str = "test_site_session";

/// The cookie value that proves a sign-in on this emulator (random per process).
fn token() -> &'static str {
    static TOKEN: OnceLock<String> = OnceLock::new();
    TOKEN.get_or_init(|| format!("{USERNAME}.{}", crate::util::random_hex(32)))
}

/// Answers a request under [`PREFIX`]; `None` for other paths.
pub fn handle(req: &Req) -> Option<Resp> {
    let rest = req.path.strip_prefix(PREFIX)?;
    let resp = match (req.method.as_str(), rest) {
        ("GET" | "HEAD", "" | "/") => redirect("/test-site/account"),
        ("GET" | "HEAD", "/login") => page(200, "Sign in", &login_form("")),
        ("POST", "/login") => sign_in(req),
        ("GET" | "HEAD", "/account") => account(req),
        ("POST", "/logout") => redirect("/test-site/login").header(
            "set-cookie",
            &format!("{COOKIE}=; Path={PREFIX}; Max-Age=0; HttpOnly; SameSite=Lax"),
        ),
        _ => page(404, "Not found", "<h1>Not found</h1>"),
    };
    Some(resp)
}

fn sign_in(req: &Req) -> Resp {
    let form = String::from_utf8_lossy(&req.body);
    let user = query_param(Some(&form), "username").unwrap_or_default();
    let pass = query_param(Some(&form), "password").unwrap_or_default();
    if user.trim() != USERNAME || pass != PASSWORD {
        return page(
            401,
            "Sign in",
            &login_form(r#"<p id="error" role="alert">Wrong username or password.</p>"#),
        );
    }
    // A persistent cookie ("remember me"), so the browser keeps it on disk.
    let cookie = format!(
        "{COOKIE}={}; Path={PREFIX}; Max-Age=2592000; HttpOnly; SameSite=Lax",
        token()
    );
    let body = format!(
        "<h1>Signing in…</h1><script>localStorage.setItem('test-site.user', {USERNAME:?});\
         location.replace('{PREFIX}/account');</script>"
    );
    page(200, "Signing in", &body).header("set-cookie", &cookie)
}

fn signed_in(req: &Req) -> bool {
    req.headers
        .iter()
        .filter(|(n, _)| n == "cookie")
        .flat_map(|(_, v)| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .any(|(n, v)| n == COOKIE && v == token())
}

fn account(req: &Req) -> Resp {
    if !signed_in(req) {
        let body = format!(
            "<div class=\"band out\"></div><h1>Not signed in</h1><p><a href=\"{PREFIX}/login\">Sign in</a></p>"
        );
        return page(200, "Not signed in", &body);
    }
    let body = format!(
        "<div class=\"band in\"></div><h1>Signed in as {USERNAME}</h1>\
         <p>Remembered in this browser: <b id=\"remembered\">nobody</b></p>\
         <form method=\"post\" action=\"{PREFIX}/logout\"><button>Sign out</button></form>\
         <script>const who = localStorage.getItem('test-site.user') || 'nobody';\
         document.getElementById('remembered').textContent = who;\
         document.title = 'Account (remembered: ' + who + ')';</script>"
    );
    page(200, "Account", &body)
}

fn login_form(error: &str) -> String {
    format!(
        "<h1>Sign in to the test site</h1>{error}\
         <form method=\"post\" action=\"{PREFIX}/login\">\
         <label>Username <input id=\"username\" name=\"username\" autocomplete=\"username\" autofocus></label>\
         <label>Password <input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\"></label>\
         <button id=\"submit\">Sign in</button></form>\
         <script>document.getElementById('password').addEventListener('keydown', e => {{\
         if (e.key === 'Enter') {{ e.preventDefault(); e.target.form.requestSubmit(); }} }});</script>\
         <p class=\"hint\">Username <code>{USERNAME}</code>, password <code>{PASSWORD}</code>.</p>"
    )
}

const STYLE: &str = "body{font:20px/1.5 system-ui,sans-serif;margin:0;padding:48px 64px;background:#f6f7fb;color:#1d2433}\
h1{font-size:34px;margin:0 0 24px}form{display:flex;flex-direction:column;gap:16px;max-width:420px}\
label{display:flex;flex-direction:column;gap:4px}input{font:inherit;padding:8px 10px;border:1px solid #9aa3b5;border-radius:6px}\
button{font:inherit;padding:10px;border:0;border-radius:6px;background:#3056d3;color:#fff}\
#error{color:#b00020}.hint{color:#5b6478;font-size:16px}\
.band{height:160px;margin:-48px -64px 32px}.band.in{background:#1a7f37}.band.out{background:#8a8f99}";

fn page(status: u16, title: &str, body: &str) -> Resp {
    let html = format!(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>{STYLE}</style></head><body>{body}</body></html>"
    );
    Resp::text(status, "text/html; charset=utf-8", html).header("cache-control", "no-store")
}

fn redirect(to: &str) -> Resp {
    Resp::text(303, "text/plain", "").header("location", to)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: &str, path: &str, cookie: Option<&str>, body: &str) -> Req {
        let mut headers = Vec::new();
        if let Some(c) = cookie {
            headers.push(("cookie".to_string(), c.to_string()));
        }
        Req {
            method: method.into(),
            path: path.into(),
            query: None,
            headers,
            body: bytes::Bytes::from(body.to_string()),
        }
    }

    fn text(r: &Resp) -> String {
        String::from_utf8_lossy(&r.body).into_owned()
    }

    #[test]
    fn sign_in_sets_a_cookie_that_the_account_page_accepts() {
        let bad = handle(&req(
            "POST",
            "/test-site/login",
            None,
            "username=demo&password=no",
        ));
        let bad = bad.map(|r| (r.status, text(&r)));
        assert!(matches!(bad, Some((401, t)) if t.contains("Wrong username or password")));

        let ok = handle(&req(
            "POST",
            "/test-site/login",
            None,
            "username=demo&password=let-me-in",
        ));
        let ok = ok.map(|r| r.headers).unwrap_or_default();
        let cookie = ok
            .iter()
            .find(|(n, _)| n == "set-cookie")
            .map(|(_, v)| v.clone());
        let pair = cookie
            .as_deref()
            .and_then(|c| c.split(';').next())
            .unwrap_or("");
        assert!(pair.starts_with("test_site_session=demo."), "{cookie:?}");

        let signed = handle(&req(
            "GET",
            "/test-site/account",
            Some(&format!("a=b; {pair}")),
            "",
        ));
        assert!(signed.is_some_and(|r| {
            let t = text(&r);
            t.contains("Signed in as demo") && t.contains("band in") && !t.contains("band out")
        }));
        let anon = handle(&req(
            "GET",
            "/test-site/account",
            Some("test_site_session=demo.x"),
            "",
        ));
        assert!(anon.is_some_and(|r| {
            let t = text(&r);
            t.contains("Not signed in") && t.contains("band out") && !t.contains("band in")
        }));
        assert!(handle(&req("GET", "/elsewhere", None, "")).is_none());
    }
}
