//! Coordinates: the picture is drawn "contain"-fitted (letterboxed) into the
//! element, and pointer positions on it are mapped to the remote page's CSS
//! pixels.

/// The largest coordinate the input socket accepts.
pub const MAX_COORD: f64 = 10_000.0;

/// A rectangle in the element's CSS pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rect {
    /// Left edge.
    pub x: f64,
    /// Top edge.
    pub y: f64,
    /// Width.
    pub w: f64,
    /// Height.
    pub h: f64,
}

fn positive(v: f64) -> bool {
    v.is_finite() && v > 0.0
}

/// Where a picture of `inner_w`×`inner_h` is drawn inside an element of
/// `outer_w`×`outer_h`: as large as fits with its aspect ratio kept, centred.
/// `None` when either size is empty or not a number.
pub fn fit(outer_w: f64, outer_h: f64, inner_w: f64, inner_h: f64) -> Option<Rect> {
    if !(positive(outer_w) && positive(outer_h) && positive(inner_w) && positive(inner_h)) {
        return None;
    }
    let scale = (outer_w / inner_w).min(outer_h / inner_h);
    let (w, h) = (inner_w * scale, inner_h * scale);
    Some(Rect {
        x: (outer_w - w) / 2.0,
        y: (outer_h - h) / 2.0,
        w,
        h,
    })
}

/// The remote viewport's CSS pixel under the point (`px`, `py`) of an
/// element of `box_w`×`box_h` that shows a picture of `img_w`×`img_h`
/// letterboxed, for a page whose viewport is `vp_w`×`vp_h`. The picture's
/// own size only decides the letterbox; the viewport size scales the point
/// (screencast pictures are often smaller than the viewport). `None` when
/// the point is on a letterbox bar or outside, or a size is unusable.
/// Results are whole pixels within `0..=MAX_COORD` and inside the viewport.
/// (Eight plain numbers: the live view calls it from JavaScript per pointer event.)
#[allow(clippy::too_many_arguments)]
pub fn to_viewport(
    px: f64,
    py: f64,
    box_w: f64,
    box_h: f64,
    img_w: f64,
    img_h: f64,
    vp_w: f64,
    vp_h: f64,
) -> Option<(f64, f64)> {
    if !(px.is_finite() && py.is_finite() && positive(vp_w) && positive(vp_h)) {
        return None;
    }
    let r = fit(box_w, box_h, img_w, img_h)?;
    let (u, v) = ((px - r.x) / r.w, (py - r.y) / r.h);
    if !(0.0..=1.0).contains(&u) || !(0.0..=1.0).contains(&v) {
        return None;
    }
    let clamp = |t: f64, size: f64| (t * size).floor().min(size - 1.0).clamp(0.0, MAX_COORD);
    Some((clamp(u, vp_w), clamp(v, vp_h)))
}
