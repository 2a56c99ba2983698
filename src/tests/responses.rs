//! Responses: success bodies returned as sent, server errors mapped to error kinds.

use super::{ok, run, status, v, Script};
use crate::api::{profiles, sessions};
use crate::error::ErrorKind;

#[test]
fn success_bodies_are_returned_verbatim() {
    let body = r#"{"browser_session_id":"pbs_1","status":"created","future_field":{"x":1}}"#;
    let env = Script::new(vec![ok(body)]);
    let plan = sessions::get(Some(&v(r#""pbs_1""#))).unwrap();
    assert_eq!(run(&env, &plan).unwrap(), body);
    let env = Script::new(vec![status(204, "")]);
    assert_eq!(
        run(&env, &profiles::delete(Some(&v(r#""bp_1""#))).unwrap()).unwrap(),
        ""
    );
    let env = Script::new(vec![status(
        202,
        r#"{"browser_session_id":"p","warning":"unconfirmed"}"#,
    )]);
    let plan =
        sessions::extend(Some(&v(r#""p""#)), Some(&v(r#"{"additional_minutes":5}"#))).unwrap();
    assert!(run(&env, &plan).unwrap().contains("unconfirmed"));
    assert_eq!(env.sent(), 1);
}

#[test]
fn real_server_error_bodies_map_to_classes() {
    for (code, body, kind) in [
        (
            403,
            r#"{"detail":"Invalid credentials"}"#,
            ErrorKind::Forbidden,
        ),
        (
            404,
            r#"{"detail":"Browser session pbs_0 not found"}"#,
            ErrorKind::NotFound,
        ),
        (
            409,
            r#"{"detail":"Browser session ended"}"#,
            ErrorKind::Conflict,
        ),
        (
            410,
            r#"{"detail":"Browser session pbs_1 is no longer usable (status: completed)."}"#,
            ErrorKind::Gone,
        ),
        (
            422,
            r#"{"detail":[{"type":"greater_than_equal","loc":["body","timeout"],"msg":"Input should be greater than or equal to 5","input":4,"ctx":{"ge":5}}]}"#,
            ErrorKind::UnprocessableEntity,
        ),
        (400, r#"{"detail":"bad proxy"}"#, ErrorKind::BadRequest),
        (
            405,
            r#"{"detail":"Method Not Allowed"}"#,
            ErrorKind::Skyvern,
        ),
    ] {
        let env = Script::new(vec![status(code, body)]);
        let e = run(&env, &sessions::get(Some(&v(r#""pbs_0""#))).unwrap()).unwrap_err();
        assert_eq!(e.kind(), kind, "{code}");
        assert_eq!(e.status(), Some(code));
        assert_eq!(e.body(), Some(body));
        assert!(!e.message().contains("sk-test"));
        assert_eq!(env.sent(), 1, "{code} is not retried");
    }
}
