//! Task shortcuts (`login`, `downloadFiles`), TOTP codes and file uploads.

use super::runs::{read_run, run_plan, USER_AGENT};
use super::{body, call};
use crate::codec::{self, Input};
use crate::endpoints::Op;
use crate::error::Error;
use crate::models::tasks::{DownloadFilesRequest, LoginRequest, TotpCodeCreate, UploadFileRequest};
use crate::plan::Plan;
use crate::request::{Body, FilePart};

/// `POST /v1/run/tasks/login`, optionally followed by a wait for a terminal status.
pub fn login(request: Option<&Input>) -> Result<Plan, Error> {
    let (r, path, extras) = read_run::<LoginRequest>(request, USER_AGENT)?;
    extras.apply(path, run_plan(Op::Login, &r)?)
}

/// `POST /v1/run/tasks/download_files`, optionally followed by a wait.
pub fn download_files(request: Option<&Input>) -> Result<Plan, Error> {
    let (r, path, extras) = read_run::<DownloadFilesRequest>(request, USER_AGENT)?;
    extras.apply(path, run_plan(Op::DownloadFiles, &r)?)
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
