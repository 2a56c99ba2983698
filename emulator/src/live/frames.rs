//! Frames drawn from the emulator's own state for sessions without a real
//! browser: a small indexed-colour PNG showing the session's status, the
//! browser's URL and the current run's steps.

/// Width and height of a drawn frame; also the viewport it reports.
pub const WIDTH: usize = 1280;
pub const HEIGHT: usize = 720;

/// What a drawn frame shows. Equal models draw equal frames.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct Model {
    pub session_id: String,
    /// `created`, `running` or `completed`.
    pub status: String,
    pub url: String,
    pub run: Option<RunModel>,
}

#[derive(Clone, Debug, PartialEq, Default)]
pub struct RunModel {
    pub id: String,
    pub status: String,
    pub prompt: String,
    /// (label, done)
    pub steps: Vec<(String, bool)>,
    pub result: Option<String>,
}

// Palette indexes.
const BG: u8 = 0;
const WHITE: u8 = 1;
const TEXT: u8 = 2;
const MUTED: u8 = 3;
const BLUE: u8 = 4;
const AMBER: u8 = 5;
const GREY: u8 = 6;
const GREEN: u8 = 7;
const BORDER: u8 = 8;
const BAR: u8 = 9;
const ACTIVE: u8 = 10;
const RED: u8 = 11;

const PALETTE: [[u8; 3]; 12] = [
    [0xf5, 0xf7, 0xfb],
    [0xff, 0xff, 0xff],
    [0x1f, 0x29, 0x37],
    [0x6b, 0x72, 0x80],
    [0x1d, 0x4e, 0xd8],
    [0xb4, 0x53, 0x09],
    [0x4b, 0x55, 0x63],
    [0x15, 0x80, 0x3d],
    [0xd8, 0xdd, 0xe6],
    [0xe5, 0xe7, 0xeb],
    [0xdb, 0xea, 0xfe],
    [0xb9, 0x1c, 0x1c],
];

use super::font::FONT;

struct Canvas {
    px: Vec<u8>,
}

impl Canvas {
    fn new() -> Canvas {
        Canvas {
            px: vec![BG; WIDTH * HEIGHT],
        }
    }

    fn rect(&mut self, x: usize, y: usize, w: usize, h: usize, c: u8) {
        for yy in y.min(HEIGHT)..(y + h).min(HEIGHT) {
            let row = yy * WIDTH;
            for xx in x.min(WIDTH)..(x + w).min(WIDTH) {
                self.px[row + xx] = c;
            }
        }
    }

    /// Draws `s` at scale `k` (a glyph cell is 6k × 8k), cut to `max` chars
    /// with an ellipsis. Returns the width drawn.
    fn text(&mut self, x: usize, y: usize, k: usize, c: u8, s: &str, max: usize) -> usize {
        let chars: Vec<char> = s.chars().collect();
        let shown: Vec<char> = if chars.len() > max {
            let mut v: Vec<char> = chars[..max.saturating_sub(3)].to_vec();
            v.extend(['.', '.', '.']);
            v
        } else {
            chars
        };
        for (i, ch) in shown.iter().enumerate() {
            let code = *ch as u32;
            let idx = if (32..=126).contains(&code) {
                (code - 32) as usize
            } else {
                ('?' as u32 - 32) as usize
            };
            let gx = x + i * 6 * k;
            for (ry, bits) in FONT[idx].iter().enumerate() {
                for cx in 0..5 {
                    if bits & (0x10 >> cx) != 0 {
                        self.rect(gx + cx * k, y + ry * k, k, k, c);
                    }
                }
            }
        }
        shown.len() * 6 * k
    }
}

/// Splits `s` into at most `lines` lines of at most `width` chars.
fn wrap(s: &str, width: usize, lines: usize) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in s.split_whitespace() {
        let add = if cur.is_empty() {
            word.len()
        } else {
            cur.len() + 1 + word.len()
        };
        if add > width && !cur.is_empty() {
            out.push(std::mem::take(&mut cur));
        }
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    if out.len() > lines {
        out.truncate(lines);
        if let Some(last) = out.last_mut() {
            last.push_str(" ...");
        }
    }
    out
}

/// Draws the model as a PNG.
pub fn render(m: &Model) -> Result<Vec<u8>, png::EncodingError> {
    let mut c = Canvas::new();
    let head = match m.status.as_str() {
        "running" => BLUE,
        "created" => AMBER,
        _ => GREY,
    };
    c.rect(0, 0, WIDTH, 64, head);
    c.text(24, 20, 3, WHITE, "Skyvern emulator", 30);
    let status = m.status.to_ascii_uppercase();
    let sw = status.len() * 18;
    c.text(WIDTH.saturating_sub(24 + sw), 20, 3, WHITE, &status, 20);

    c.rect(24, 80, WIDTH - 48, 40, BAR);
    c.text(40, 92, 2, TEXT, &m.url, 100);
    c.text(
        24,
        136,
        2,
        MUTED,
        &format!("Browser session {}", m.session_id),
        100,
    );

    let mut y = 176;
    match m.status.as_str() {
        "created" => {
            c.text(24, y, 4, AMBER, "Starting the browser...", 50);
            y += 56;
        }
        "running" if m.run.is_none() => {
            c.text(24, y, 4, TEXT, "Ready", 50);
            c.text(
                24,
                y + 48,
                2,
                MUTED,
                "Waiting for a task. Runs sent to this session appear here step by step.",
                100,
            );
            y += 96;
        }
        "running" => {}
        _ => {
            c.text(24, y, 4, GREY, "Session ended", 50);
            y += 56;
        }
    }
    if let Some(r) = &m.run {
        draw_run(&mut c, r, y);
    }
    c.rect(0, HEIGHT - 40, WIDTH, 1, BORDER);
    c.text(
        24,
        HEIGHT - 26,
        2,
        MUTED,
        "No real browser behind this session: this view is drawn by the emulator.",
        100,
    );
    encode_png(&c.px, WIDTH, HEIGHT)
}

/// The run's id, status, prompt, last steps and result, from `y` down.
fn draw_run(c: &mut Canvas, r: &RunModel, mut y: usize) {
    let color = match r.status.as_str() {
        "completed" => GREEN,
        "failed" | "terminated" | "timed_out" | "canceled" => RED,
        "running" => BLUE,
        _ => AMBER,
    };
    c.text(24, y, 3, TEXT, &format!("Run {}", r.id), 40);
    let st = r.status.to_ascii_uppercase();
    c.text(
        WIDTH.saturating_sub(24 + st.len() * 18),
        y,
        3,
        color,
        &st,
        20,
    );
    y += 40;
    for line in wrap(&r.prompt, 100, 2) {
        c.text(24, y, 2, MUTED, &line, 104);
        y += 22;
    }
    y += 10;
    let skip = r.steps.len().saturating_sub(8);
    for (i, (label, done)) in r.steps.iter().enumerate().skip(skip) {
        if !done {
            c.rect(16, y - 6, WIDTH - 32, 30, ACTIVE);
        }
        let (mark, mc) = if *done { ("[x]", GREEN) } else { ("[>]", BLUE) };
        c.text(24, y, 2, mc, mark, 3);
        c.text(72, y, 2, TEXT, &format!("{}. {label}", i + 1), 96);
        y += 34;
    }
    if let Some(res) = &r.result {
        c.rect(24, y, WIDTH - 48, 1, BORDER);
        y += 12;
        for line in wrap(res, 100, 2) {
            c.text(24, y, 2, color, &line, 104);
            y += 22;
        }
    }
}

/// An 8-bit indexed PNG of `px` (palette indexes, row-major).
pub fn encode_png(px: &[u8], w: usize, h: usize) -> Result<Vec<u8>, png::EncodingError> {
    let too_large = || png::EncodingError::LimitsExceeded;
    let width = u32::try_from(w).map_err(|_| too_large())?;
    let height = u32::try_from(h).map_err(|_| too_large())?;
    let mut out = Vec::new();
    let mut encoder = png::Encoder::new(&mut out, width, height);
    encoder.set_color(png::ColorType::Indexed);
    encoder.set_depth(png::BitDepth::Eight);
    encoder.set_palette(PALETTE.concat());
    encoder.set_compression(png::Compression::Fast);
    let mut writer = encoder.write_header()?;
    writer.write_image_data(px)?;
    writer.finish()?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Model {
        Model {
            session_id: "pbs_123".into(),
            status: "running".into(),
            url: "https://example.com/a?b=c".into(),
            run: Some(RunModel {
                id: "tsk_1".into(),
                status: "running".into(),
                prompt: "Find the price [steps=3]".into(),
                steps: vec![
                    ("Navigate to https://example.com".into(), true),
                    ("Read the page".into(), false),
                ],
                result: None,
            }),
        }
    }

    #[test]
    fn png_decodes_to_the_drawn_pixels() {
        let png = render(&sample()).unwrap_or_default();
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert!(png.len() < 120_000, "{} bytes", png.len());
        // IHDR
        assert_eq!(&png[12..16], b"IHDR");
        assert_eq!(
            u32::from_be_bytes([png[16], png[17], png[18], png[19]]),
            1280
        );
        // Walk the chunks, check each CRC, and inflate the IDAT data.
        let mut at = 8;
        let mut idat = Vec::new();
        while at + 8 <= png.len() {
            let len = u32::from_be_bytes([png[at], png[at + 1], png[at + 2], png[at + 3]]) as usize;
            let kind = &png[at + 4..at + 8];
            let data = &png[at + 8..at + 8 + len];
            let crc = u32::from_be_bytes([
                png[at + 8 + len],
                png[at + 9 + len],
                png[at + 10 + len],
                png[at + 11 + len],
            ]);
            let mut hasher = crc32fast::Hasher::new();
            hasher.update(kind);
            hasher.update(data);
            assert_eq!(crc, hasher.finalize());
            if kind == b"IDAT" {
                idat.extend_from_slice(data);
            }
            at += 12 + len;
        }
        let raw = miniz_oxide::inflate::decompress_to_vec_zlib(&idat).unwrap_or_default();
        assert_eq!(raw.len(), (WIDTH + 1) * HEIGHT);
        // The header bar is blue, the page background light.
        assert_eq!(raw[1], BLUE);
        assert_eq!(raw[(WIDTH + 1) * 700 + 5], BG);
    }

    #[test]
    fn png_crate_decodes_the_palette_and_pixels() {
        let png = render(&sample()).unwrap_or_default();
        let decoder = png::Decoder::new(std::io::Cursor::new(png));
        let mut reader = match decoder.read_info() {
            Ok(r) => r,
            Err(e) => panic!("not a PNG: {e}"),
        };
        let palette = reader.info().palette.as_deref().map(<[u8]>::to_vec);
        assert_eq!(palette, Some(PALETTE.concat()));
        let mut px = vec![0; reader.output_buffer_size().unwrap_or(0)];
        let frame = reader.next_frame(&mut px);
        assert!(frame.is_ok_and(|f| f.width as usize == WIDTH && f.height as usize == HEIGHT));
        assert_eq!(px[0], BLUE);
        assert_eq!(px[WIDTH * 700 + 4], BG);
    }
}
