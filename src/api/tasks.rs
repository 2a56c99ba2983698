//! Task shortcuts (`login`, `downloadFiles`), TOTP codes and file uploads.

use super::envelope::{self, Extras};
use super::runs::{then_wait, RunWait, USER_AGENT};
use super::{body, call};
use crate::codec::{self, Input};
use crate::endpoints::Op;
use crate::error::Error;
use crate::models::tasks::{DownloadFilesRequest, LoginRequest, TotpCodeCreate, UploadFileRequest};
use crate::plan::Plan;
use crate::request::{Body, FilePart};

/// `POST /v1/run/tasks/login`, optionally followed by a wait for a terminal status.
pub fn login(request: Option<&Input>) -> Result<Plan, Error> {
    let (request, path, outer) = envelope::unwrap(request, USER_AGENT)?;
    let mut r: LoginRequest = codec::object(path, request.as_ref())?;
    let extras = outer.or(Extras {
        x_user_agent: r.x_user_agent.take(),
        ..Extras::default()
    });
    let wait = RunWait {
        wait_for_completion: r.wait_for_completion,
        timeout: r.timeout.map(|t| t.0),
        poll_interval_ms: r.poll_interval_ms.map(|p| p.0),
    };
    extras.apply(path, then_wait(call(Op::Login, "", body(&r)?), wait))
}

/// `POST /v1/run/tasks/download_files`, optionally followed by a wait.
pub fn download_files(request: Option<&Input>) -> Result<Plan, Error> {
    let (request, path, outer) = envelope::unwrap(request, USER_AGENT)?;
    let mut r: DownloadFilesRequest = codec::object(path, request.as_ref())?;
    let extras = outer.or(Extras {
        x_user_agent: r.x_user_agent.take(),
        ..Extras::default()
    });
    let wait = RunWait {
        wait_for_completion: r.wait_for_completion,
        timeout: r.timeout.map(|t| t.0),
        poll_interval_ms: r.poll_interval_ms.map(|p| p.0),
    };
    extras.apply(
        path,
        then_wait(call(Op::DownloadFiles, "", body(&r)?), wait),
    )
}

/// `POST /v1/credentials/totp`.
pub fn send_totp_code(request: Option<&Input>) -> Result<Plan, Error> {
    let r: TotpCodeCreate = codec::object("request", request)?;
    Ok(call(Op::SendTotpCode, "", body(&r)?))
}

/// `uploadFile`'s request checked (the file itself is read by the JavaScript
/// layer): the part's file name and content type, when given.
pub fn upload_options(request: Option<&Input>) -> Result<(Option<String>, Option<String>), Error> {
    let r: UploadFileRequest = codec::object("request", request)?;
    if let Some(t) = &r.content_type {
        if !crate::request::valid_header_value(&t.0) {
            return Err(Error::invalid(
                "request.contentType",
                "contains characters that cannot be sent in a header",
            ));
        }
    }
    Ok((r.filename.map(|f| f.0), r.content_type.map(|t| t.0)))
}

/// `POST /v1/upload_file` with the file as the `file` part of a multipart body.
pub fn upload(filename: String, content_type: Option<String>, bytes: Vec<u8>) -> Plan {
    let part = FilePart {
        field: "file",
        filename,
        content_type,
        bytes,
    };
    call(Op::UploadFile, "", Some(Body::File(part)))
}
