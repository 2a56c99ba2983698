//! The edge proxy's path rules: which operations it allows by default, how a
//! path is split and matched against the endpoint table, and what an id must look like.

use crate::endpoints::Endpoint;
pub use crate::endpoints::{Op, Seg, ALL_OPS};
use Seg::{Artifact, Lit, Profile, Run, Session};

/// Allowed when `allow` is not given: browser sessions, runs, their timelines
/// and artifacts, and file uploads (the live sockets too when a ticket secret
/// is configured). Not by default: `retryRunWebhook` (it can send the signed run
/// to any URL), `login` and `sendTotpCode` (credentials and one-time codes), and
/// the browser profiles.
pub const DEFAULT_OPS: [Op; 17] = [
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
    Op::GetRuns,
    Op::BulkCancelRuns,
    Op::GetRunTimeline,
    Op::GetRunArtifacts,
    Op::GetArtifactContent,
    Op::DownloadFiles,
    Op::UploadFile,
];

/// The bit of `op` in an allowlist.
pub(crate) fn bit(op: Op) -> u32 {
    1 << (op as u32)
}

/// Does `s` look like an id of this kind: its prefix, then 1–64 ASCII letters or digits?
pub fn is_id(kind: Seg, s: &str) -> bool {
    let rest = match kind {
        Session => s.strip_prefix("pbs_"),
        Profile => s.strip_prefix("bp_"),
        Artifact => s.strip_prefix("a_"),
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
pub fn matches<'a>(route: &Endpoint, segs: &[&'a str]) -> Option<Option<&'a str>> {
    if route.path.len() != segs.len() {
        return None;
    }
    let mut id = None;
    for (want, got) in route.path.iter().zip(segs) {
        match want {
            Lit(l) if l == got => {}
            Lit(_) => return None,
            kind if is_id(*kind, got) => id = Some(*got),
            _ => return None,
        }
    }
    Some(id)
}
