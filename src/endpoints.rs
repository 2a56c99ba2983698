//! Every operation of the Skyvern API the package speaks, in one table: its
//! method, path, retry class and the shape of a successful response. The
//! client builds its requests from it, the edge proxy's allowlist matches
//! against it, and the emulator routes by it. Adding an endpoint is a row here,
//! its request and response types, and its emulator handler.

use crate::request::{encode_segment, Method};
use crate::retry::Retry;

/// An operation. Names match the client's method names.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    /// Starts a new browser session.
    CreateBrowserSession,
    /// Lists the browser sessions.
    GetBrowserSessions,
    /// Reads one browser session.
    GetBrowserSession,
    /// Changes a browser session's settings.
    UpdateBrowserSession,
    /// Closes a browser session.
    CloseBrowserSession,
    /// Extends a browser session's timeout.
    ExtendBrowserSession,
    /// Starts a task run from a prompt.
    RunTask,
    /// Starts a workflow run.
    RunWorkflow,
    /// Reads a run and its status.
    GetRun,
    /// Cancels a run.
    CancelRun,
    /// Sends a finished run's webhook again (to its `webhook_url`, or the one given).
    RetryRunWebhook,
    /// Lists the runs, newest first (`getRunsV2`, alias `getRuns`).
    GetRuns,
    /// Cancels several runs.
    BulkCancelRuns,
    /// A run's timeline (blocks and thoughts).
    GetRunTimeline,
    /// A run's artifacts (screenshots, recordings, logs).
    GetRunArtifacts,
    /// One artifact's content.
    GetArtifactContent,
    /// Starts a login run with a stored credential.
    Login,
    /// Starts a run that downloads files.
    DownloadFiles,
    /// Uploads a file for runs to use.
    UploadFile,
    /// Hands Skyvern a TOTP code (or the message holding it).
    SendTotpCode,
    /// Saves a browser profile.
    CreateBrowserProfile,
    /// Lists the browser profiles (`listBrowserProfiles`, formerly `getBrowserProfiles`).
    ListBrowserProfiles,
    /// Reads one browser profile.
    GetBrowserProfile,
    /// Renames a browser profile or changes its proxy identity.
    UpdateBrowserProfile,
    /// Deletes a browser profile.
    DeleteBrowserProfile,
    /// The screencast socket (`/v1/stream/browser_sessions/{id}`).
    LiveView,
    /// The input socket (`/v1/stream/cdp_input/browser_session/{id}`).
    LiveControl,
}

/// Every operation, in table order.
pub const ALL_OPS: [Op; 27] = [
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
    Op::RetryRunWebhook,
    Op::GetRuns,
    Op::BulkCancelRuns,
    Op::GetRunTimeline,
    Op::GetRunArtifacts,
    Op::GetArtifactContent,
    Op::Login,
    Op::DownloadFiles,
    Op::UploadFile,
    Op::SendTotpCode,
    Op::CreateBrowserProfile,
    Op::ListBrowserProfiles,
    Op::GetBrowserProfile,
    Op::UpdateBrowserProfile,
    Op::DeleteBrowserProfile,
    Op::LiveView,
    Op::LiveControl,
];

impl Op {
    /// The client method's name (and the proxy's `allow` entry).
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
            Op::RetryRunWebhook => "retryRunWebhook",
            Op::GetRuns => "getRunsV2",
            Op::BulkCancelRuns => "bulkCancelRuns",
            Op::GetRunTimeline => "getRunTimeline",
            Op::GetRunArtifacts => "getRunArtifacts",
            Op::GetArtifactContent => "getArtifactContent",
            Op::Login => "login",
            Op::DownloadFiles => "downloadFiles",
            Op::UploadFile => "uploadFile",
            Op::SendTotpCode => "sendTotpCode",
            Op::CreateBrowserProfile => "createBrowserProfile",
            Op::ListBrowserProfiles => "listBrowserProfiles",
            Op::GetBrowserProfile => "getBrowserProfile",
            Op::UpdateBrowserProfile => "updateBrowserProfile",
            Op::DeleteBrowserProfile => "deleteBrowserProfile",
            Op::LiveView => "liveView",
            Op::LiveControl => "liveControl",
        }
    }

    /// The operation named `name` (or by a method's other name: `getRuns`,
    /// `getBrowserProfiles`).
    pub fn from_name(name: &str) -> Option<Op> {
        match name {
            "getRuns" => Some(Op::GetRuns),
            "getBrowserProfiles" => Some(Op::ListBrowserProfiles),
            _ => ALL_OPS.into_iter().find(|op| op.name() == name),
        }
    }

    /// The query parameters the operation takes (the edge proxy forwards these
    /// and no others).
    pub fn query_keys(self) -> &'static [&'static str] {
        match self {
            Op::GetRuns => &["page", "page_size", "status", "search_key", "run_type"],
            Op::GetRunArtifacts => &["artifact_type"],
            Op::ListBrowserProfiles => &[
                "page",
                "page_size",
                "include_deleted",
                "search_key",
                "managed",
            ],
            Op::RunWorkflow => &["template"],
            _ => &[],
        }
    }

    /// Is this one of the live-view sockets?
    pub fn is_live(self) -> bool {
        matches!(self, Op::LiveView | Op::LiveControl)
    }

    /// The operation's row (the first, where an operation has several paths).
    pub fn endpoint(self) -> &'static Endpoint {
        let mut rows = ENDPOINTS.iter().filter(|e| e.op == self);
        match rows.next() {
            Some(row) => row,
            // Every operation has a row; a test walks them all.
            None => &ENDPOINTS[0],
        }
    }
}

/// One path segment: a literal or an id of a kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Seg {
    /// A fixed part of the path.
    Lit(&'static str),
    /// `pbs_…`
    Session,
    /// `tsk_…`, `tsk_v2_…`, `wr_…`
    Run,
    /// `bp_…`
    Profile,
    /// `a_…`
    Artifact,
}

/// The shape a successful response body must have. Anything else (an empty
/// body, an array where an object belongs, an object without the resource's id)
/// rejects with an error instead of resolving with a value the caller cannot use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// A JSON object with this member as a string (the resource's id), as a
    /// one-item list: serde reads only the members it is given.
    Object(&'static [&'static str]),
    /// Any JSON object.
    AnyObject,
    /// A JSON object or `null`.
    NullOrObject,
    /// A JSON array.
    List,
    /// Anything, an empty body included (and the live-view sockets, which the
    /// live view opens itself).
    Anything,
}

/// One method + path of the API.
#[derive(Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// The operation this endpoint serves.
    pub op: Op,
    /// The HTTP method.
    pub method: Method,
    /// The path under the base URL, segment by segment.
    pub path: &'static [Seg],
    /// Whether a failed attempt may be repeated.
    pub retry: Retry,
    /// The shape a successful response must have.
    pub expect: Expect,
}

impl Endpoint {
    /// The path with `id` in its id segment, percent-encoded, e.g.
    /// `/v1/browser_sessions/pbs_1/close`.
    pub fn path_with(&self, id: &str) -> String {
        let mut out = String::new();
        for seg in self.path {
            out.push('/');
            match seg {
                Seg::Lit(lit) => out.push_str(lit),
                _ => out.push_str(&encode_segment(id)),
            }
        }
        out
    }
}

use Expect::{AnyObject, Anything, List, NullOrObject, Object};
use Method::{Delete, Get, Patch, Post};
use Retry::{Create, Idempotent};
use Seg::{Artifact, Lit, Profile, Run, Session};

const fn row(
    op: Op,
    method: Method,
    path: &'static [Seg],
    retry: Retry,
    expect: Expect,
) -> Endpoint {
    Endpoint {
        op,
        method,
        path,
        retry,
        expect,
    }
}

const SESSIONS: &[Seg] = &[Lit("v1"), Lit("browser_sessions")];
const SESSION: &[Seg] = &[Lit("v1"), Lit("browser_sessions"), Session];
const PROFILES: &[Seg] = &[Lit("v1"), Lit("browser_profiles")];
const PROFILE: &[Seg] = &[Lit("v1"), Lit("browser_profiles"), Profile];
const SESSION_ID: Expect = Object(&["browser_session_id"]);
const RUN_ID: Expect = Object(&["run_id"]);
const PROFILE_ID: Expect = Object(&["browser_profile_id"]);

/// The table. "Create" rows change something and are retried only when the
/// server said nothing happened (see `retry.rs`).
#[rustfmt::skip]
pub const ENDPOINTS: &[Endpoint] = &[
    row(Op::CreateBrowserSession, Post, SESSIONS, Create, SESSION_ID),
    row(Op::GetBrowserSessions, Get, SESSIONS, Idempotent, List),
    row(Op::GetBrowserSession, Get, SESSION, Idempotent, SESSION_ID),
    row(Op::UpdateBrowserSession, Patch, SESSION, Create, SESSION_ID),
    row(Op::CloseBrowserSession, Post, &[Lit("v1"), Lit("browser_sessions"), Session, Lit("close")], Idempotent, AnyObject),
    row(Op::ExtendBrowserSession, Post, &[Lit("v1"), Lit("browser_sessions"), Session, Lit("extend")], Create, SESSION_ID),
    row(Op::RunTask, Post, &[Lit("v1"), Lit("run"), Lit("tasks")], Create, RUN_ID),
    row(Op::RunWorkflow, Post, &[Lit("v1"), Lit("run"), Lit("agents")], Create, RUN_ID),
    // The same operation under its older name (the proxy forwards both).
    row(Op::RunWorkflow, Post, &[Lit("v1"), Lit("run"), Lit("workflows")], Create, RUN_ID),
    row(Op::GetRun, Get, &[Lit("v1"), Lit("runs"), Run], Idempotent, RUN_ID),
    row(Op::CancelRun, Post, &[Lit("v1"), Lit("runs"), Run, Lit("cancel")], Idempotent, NullOrObject),
    row(Op::RetryRunWebhook, Post, &[Lit("v1"), Lit("runs"), Run, Lit("retry_webhook")], Create, RUN_ID),
    row(Op::GetRuns, Get, &[Lit("v1"), Lit("runs")], Idempotent, List),
    row(Op::BulkCancelRuns, Post, &[Lit("v1"), Lit("runs"), Lit("cancel")], Create, AnyObject),
    row(Op::GetRunTimeline, Get, &[Lit("v1"), Lit("runs"), Run, Lit("timeline")], Idempotent, List),
    row(Op::GetRunArtifacts, Get, &[Lit("v1"), Lit("runs"), Run, Lit("artifacts")], Idempotent, List),
    row(Op::GetArtifactContent, Get, &[Lit("v1"), Lit("artifacts"), Artifact, Lit("content")], Idempotent, Anything),
    row(Op::Login, Post, &[Lit("v1"), Lit("run"), Lit("tasks"), Lit("login")], Create, RUN_ID),
    row(Op::DownloadFiles, Post, &[Lit("v1"), Lit("run"), Lit("tasks"), Lit("download_files")], Create, RUN_ID),
    row(Op::UploadFile, Post, &[Lit("v1"), Lit("upload_file")], Create, AnyObject),
    row(Op::SendTotpCode, Post, &[Lit("v1"), Lit("credentials"), Lit("totp")], Create, AnyObject),
    row(Op::CreateBrowserProfile, Post, PROFILES, Create, PROFILE_ID),
    row(Op::ListBrowserProfiles, Get, PROFILES, Idempotent, List),
    row(Op::GetBrowserProfile, Get, PROFILE, Idempotent, PROFILE_ID),
    row(Op::UpdateBrowserProfile, Patch, PROFILE, Create, PROFILE_ID),
    row(Op::DeleteBrowserProfile, Delete, PROFILE, Idempotent, Anything),
    row(Op::LiveView, Get, &[Lit("v1"), Lit("stream"), Lit("browser_sessions"), Session], Idempotent, Anything),
    row(Op::LiveControl, Get, &[Lit("v1"), Lit("stream"), Lit("cdp_input"), Lit("browser_session"), Session], Idempotent, Anything),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_has_a_row_and_a_unique_name() {
        for op in ALL_OPS {
            assert_eq!(op.endpoint().op, op, "{op:?} has no row");
            assert_eq!(Op::from_name(op.name()), Some(op));
        }
        assert_eq!(Op::from_name("credentials"), None);
        assert_eq!(Op::from_name("getRuns"), Some(Op::GetRuns));
        assert_eq!(
            Op::from_name("getBrowserProfiles"),
            Some(Op::ListBrowserProfiles)
        );
    }

    #[test]
    fn paths_carry_the_encoded_id() {
        assert_eq!(
            Op::CloseBrowserSession.endpoint().path_with("pbs_1"),
            "/v1/browser_sessions/pbs_1/close"
        );
        assert_eq!(Op::GetRun.endpoint().path_with("../x"), "/v1/runs/..%2Fx");
        assert_eq!(Op::RunWorkflow.endpoint().path_with(""), "/v1/run/agents");
    }

    #[test]
    fn only_creating_rows_are_create() {
        for e in ENDPOINTS {
            let creates = matches!(e.method, Post | Patch)
                && !matches!(e.op, Op::CloseBrowserSession | Op::CancelRun);
            assert_eq!(e.retry == Create, creates, "{:?}", e.op);
        }
    }
}
