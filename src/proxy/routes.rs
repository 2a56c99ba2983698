//! The route table of the edge proxy and the path rules: which method + path
//! pairs exist, how a path is split, and what an id must look like.

/// An operation the proxy can forward. Names match the client's method names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    CreateBrowserSession,
    GetBrowserSessions,
    GetBrowserSession,
    UpdateBrowserSession,
    CloseBrowserSession,
    ExtendBrowserSession,
    RunTask,
    RunWorkflow,
    GetRun,
    CancelRun,
    CreateBrowserProfile,
    GetBrowserProfiles,
    GetBrowserProfile,
    DeleteBrowserProfile,
    /// The screencast socket (`/v1/stream/browser_sessions/{id}`).
    LiveView,
    /// The input socket (`/v1/stream/cdp_input/browser_session/{id}`).
    LiveControl,
}

pub const ALL_OPS: [Op; 16] = [
    Op::CreateBrowserSession,
    Op::GetBrowserSessions,
    Op::GetBrowserSession,
    Op::UpdateBrowserSession,
    Op::CloseBrowserSession,
    Op::ExtendBrowserSession,
    Op::RunTask,
    Op::RunWorkflow,
    Op::GetRun,
    Op::CancelRun,
    Op::CreateBrowserProfile,
    Op::GetBrowserProfiles,
    Op::GetBrowserProfile,
    Op::DeleteBrowserProfile,
    Op::LiveView,
    Op::LiveControl,
];

/// Allowed when `allow` is not given: browser sessions and runs (the live
/// sockets too when a ticket secret is configured).
pub const DEFAULT_OPS: [Op; 10] = [
    Op::CreateBrowserSession,
    Op::GetBrowserSessions,
    Op::GetBrowserSession,
    Op::UpdateBrowserSession,
    Op::CloseBrowserSession,
    Op::ExtendBrowserSession,
    Op::RunTask,
    Op::RunWorkflow,
    Op::GetRun,
    Op::CancelRun,
];

impl Op {
    pub fn name(self) -> &'static str {
        match self {
            Op::CreateBrowserSession => "createBrowserSession",
            Op::GetBrowserSessions => "getBrowserSessions",
            Op::GetBrowserSession => "getBrowserSession",
            Op::UpdateBrowserSession => "updateBrowserSession",
            Op::CloseBrowserSession => "closeBrowserSession",
            Op::ExtendBrowserSession => "extendBrowserSession",
            Op::RunTask => "runTask",
            Op::RunWorkflow => "runWorkflow",
            Op::GetRun => "getRun",
            Op::CancelRun => "cancelRun",
            Op::CreateBrowserProfile => "createBrowserProfile",
            Op::GetBrowserProfiles => "getBrowserProfiles",
            Op::GetBrowserProfile => "getBrowserProfile",
            Op::DeleteBrowserProfile => "deleteBrowserProfile",
            Op::LiveView => "liveView",
            Op::LiveControl => "liveControl",
        }
    }

    pub fn from_name(name: &str) -> Option<Op> {
        ALL_OPS.into_iter().find(|op| op.name() == name)
    }

    pub fn is_live(self) -> bool {
        matches!(self, Op::LiveView | Op::LiveControl)
    }

    pub(crate) fn bit(self) -> u32 {
        1 << (self as u32)
    }
}

/// One path segment of a route: a literal or an id of a kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seg {
    Lit(&'static str),
    /// `pbs_…`
    Session,
    /// `tsk_…`, `tsk_v2_…`, `wr_…`
    Run,
    /// `bp_…`
    Profile,
}

use Seg::{Lit, Profile, Run, Session};

/// One allowlisted method + path pair.
pub struct Route {
    pub op: Op,
    pub method: &'static str,
    pub segs: &'static [Seg],
}

const fn r(op: Op, method: &'static str, segs: &'static [Seg]) -> Route {
    Route { op, method, segs }
}

const SESSIONS: &[Seg] = &[Lit("v1"), Lit("browser_sessions")];
const SESSION: &[Seg] = &[Lit("v1"), Lit("browser_sessions"), Session];
const PROFILES: &[Seg] = &[Lit("v1"), Lit("browser_profiles")];
const PROFILE: &[Seg] = &[Lit("v1"), Lit("browser_profiles"), Profile];

/// Every route the proxy knows; only those whose operation is allowed are forwarded.
/// The upstream path is the matched path itself (same segments, same order).
pub const ROUTES: &[Route] = &[
    r(Op::CreateBrowserSession, "POST", SESSIONS),
    r(Op::GetBrowserSessions, "GET", SESSIONS),
    r(Op::GetBrowserSession, "GET", SESSION),
    r(Op::UpdateBrowserSession, "PATCH", SESSION),
    r(
        Op::CloseBrowserSession,
        "POST",
        &[Lit("v1"), Lit("browser_sessions"), Session, Lit("close")],
    ),
    r(
        Op::ExtendBrowserSession,
        "POST",
        &[Lit("v1"), Lit("browser_sessions"), Session, Lit("extend")],
    ),
    r(Op::RunTask, "POST", &[Lit("v1"), Lit("run"), Lit("tasks")]),
    r(
        Op::RunWorkflow,
        "POST",
        &[Lit("v1"), Lit("run"), Lit("agents")],
    ),
    r(
        Op::RunWorkflow,
        "POST",
        &[Lit("v1"), Lit("run"), Lit("workflows")],
    ),
    r(Op::GetRun, "GET", &[Lit("v1"), Lit("runs"), Run]),
    r(
        Op::CancelRun,
        "POST",
        &[Lit("v1"), Lit("runs"), Run, Lit("cancel")],
    ),
    r(Op::CreateBrowserProfile, "POST", PROFILES),
    r(Op::GetBrowserProfiles, "GET", PROFILES),
    r(Op::GetBrowserProfile, "GET", PROFILE),
    r(Op::DeleteBrowserProfile, "DELETE", PROFILE),
    r(
        Op::LiveView,
        "GET",
        &[Lit("v1"), Lit("stream"), Lit("browser_sessions"), Session],
    ),
    r(
        Op::LiveControl,
        "GET",
        &[
            Lit("v1"),
            Lit("stream"),
            Lit("cdp_input"),
            Lit("browser_session"),
            Session,
        ],
    ),
];

/// Does `s` look like an id of this kind: its prefix, then 1–64 ASCII letters or digits?
pub fn is_id(kind: Seg, s: &str) -> bool {
    let rest = match kind {
        Session => s.strip_prefix("pbs_"),
        Profile => s.strip_prefix("bp_"),
        Run => s
            .strip_prefix("tsk_v2_")
            .or_else(|| s.strip_prefix("tsk_"))
            .or_else(|| s.strip_prefix("wr_")),
        Lit(_) => None,
    };
    rest.is_some_and(|r| {
        !r.is_empty() && r.len() <= 64 && r.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

/// Splits the request path into route segments after `prefix`.
///
/// The path is taken as the runtime parsed it (`new URL(request.url).pathname`),
/// never decoded: a segment may only hold ASCII letters, digits, `_` and `-`,
/// so `..`, `.`, any percent-encoding (`%2e%2e`, `%2f`, `%5c`, `%00`),
/// backslashes, `;` parameters and empty segments (`//`, a trailing `/`)
/// match no route.
pub fn segments<'a>(path: &'a str, prefix: &str) -> Option<Vec<&'a str>> {
    let rest = path.strip_prefix(prefix)?.strip_prefix('/')?;
    let segs: Vec<&str> = rest.split('/').collect();
    let ok = segs.iter().all(|s| {
        !s.is_empty()
            && s.len() <= 80
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    });
    ok.then_some(segs)
}

/// Does `route` match these segments? Returns the id segment when it has one.
pub fn matches<'a>(route: &Route, segs: &[&'a str]) -> Option<Option<&'a str>> {
    if route.segs.len() != segs.len() {
        return None;
    }
    let mut id = None;
    for (want, got) in route.segs.iter().zip(segs) {
        match want {
            Lit(l) if l == got => {}
            Lit(_) => return None,
            kind if is_id(*kind, got) => id = Some(*got),
            _ => return None,
        }
    }
    Some(id)
}
