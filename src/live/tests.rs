use super::*;

// ---- coordinates ----

#[test]
fn fit_letterboxes_a_wide_picture_in_a_tall_box() {
    // 1280×720 in 640×640: full width, 360 high, 140 px bars above and below.
    let r = fit(640.0, 640.0, 1280.0, 720.0).unwrap();
    assert_eq!(
        r,
        Rect {
            x: 0.0,
            y: 140.0,
            w: 640.0,
            h: 360.0
        }
    );
}

#[test]
fn fit_pillarboxes_a_picture_in_a_wide_box() {
    let r = fit(1000.0, 300.0, 1920.0, 1080.0).unwrap();
    assert!((r.h - 300.0).abs() < 1e-9);
    assert!((r.w - 533.333_333).abs() < 1e-3);
    assert!((r.x - (1000.0 - r.w) / 2.0).abs() < 1e-9);
    assert_eq!(r.y, 0.0);
}

#[test]
fn fit_refuses_empty_and_non_numbers() {
    assert_eq!(fit(0.0, 100.0, 10.0, 10.0), None);
    assert_eq!(fit(100.0, 100.0, 10.0, 0.0), None);
    assert_eq!(fit(f64::NAN, 100.0, 10.0, 10.0), None);
    assert_eq!(fit(100.0, f64::INFINITY, 10.0, 10.0), None);
    assert_eq!(fit(-5.0, 100.0, 10.0, 10.0), None);
}

#[test]
fn maps_through_the_real_servers_scale() {
    // As measured: a button at CSS (20..221, 140..202) on a 1920×1080 page
    // appeared at (13..147, 93..135) in the 1280×720 screencast picture.
    // Drawn 1:1 in a 1280×720 box, those picture pixels map back to the page.
    let p = to_viewport(13.5, 93.5, 1280.0, 720.0, 1280.0, 720.0, 1920.0, 1080.0).unwrap();
    assert_eq!(p, (20.0, 140.0));
    let p = to_viewport(147.0, 135.0, 1280.0, 720.0, 1280.0, 720.0, 1920.0, 1080.0).unwrap();
    assert_eq!(p, (220.0, 202.0));
}

#[test]
fn maps_through_letterbox_bars() {
    // 1280×720 picture of a 1920×1080 page in a 640×640 box: picture rows 140..500.
    let m = |x, y| to_viewport(x, y, 640.0, 640.0, 1280.0, 720.0, 1920.0, 1080.0);
    assert_eq!(m(320.0, 320.0), Some((960.0, 540.0)));
    assert_eq!(m(0.0, 140.0), Some((0.0, 0.0)));
    assert_eq!(m(640.0, 500.0), Some((1919.0, 1079.0)));
    // On the bars: nothing.
    assert_eq!(m(320.0, 100.0), None);
    assert_eq!(m(320.0, 520.0), None);
    // Outside the element (a captured pointer dragged away): nothing.
    assert_eq!(m(-1.0, 320.0), None);
    assert_eq!(m(641.0, 320.0), None);
}

#[test]
fn a_prime_frame_of_another_size_keeps_the_viewport_scale() {
    // The first frame is a full-size 1920×993 screenshot of a 1920×993 page,
    // drawn in a 960×540 box: bars of 21.75 px above and below.
    let r = fit(960.0, 540.0, 1920.0, 993.0).unwrap();
    let mid = to_viewport(480.0, 270.0, 960.0, 540.0, 1920.0, 993.0, 1920.0, 993.0).unwrap();
    assert_eq!(mid, (960.0, 496.0));
    assert_eq!((r.x, r.y, r.w, r.h), (0.0, 21.75, 960.0, 496.5));
    assert_eq!(
        to_viewport(480.0, 20.0, 960.0, 540.0, 1920.0, 993.0, 1920.0, 993.0),
        None
    );
}

#[test]
fn mapping_refuses_unusable_sizes_and_clamps_huge_viewports() {
    assert_eq!(
        to_viewport(1.0, 1.0, 100.0, 100.0, 10.0, 10.0, 0.0, 10.0),
        None
    );
    assert_eq!(
        to_viewport(f64::NAN, 1.0, 100.0, 100.0, 10.0, 10.0, 10.0, 10.0),
        None
    );
    assert_eq!(
        to_viewport(1.0, 1.0, 0.0, 100.0, 10.0, 10.0, 10.0, 10.0),
        None
    );
    let p = to_viewport(100.0, 100.0, 100.0, 100.0, 10.0, 10.0, 50_000.0, 50_000.0).unwrap();
    assert_eq!(p, (MAX_COORD, MAX_COORD));
}

// ---- messages ----

const LEN: u32 = 100;

#[test]
fn a_frame_is_drawn() {
    let v = classify(LEN, true, Some(40), Some("running"), Some("jpeg"));
    assert_eq!(v, Verdict::Draw);
    assert_eq!(classify(LEN, true, Some(40), None, None), Verdict::Draw);
    assert_eq!(
        classify(LEN, true, Some(40), None, Some("png")),
        Verdict::Draw
    );
}

#[test]
fn frames_that_cannot_be_shown_are_ignored() {
    assert_eq!(
        classify(LEN, true, Some(0), Some("running"), Some("jpeg")),
        Verdict::Ignore
    );
    assert_eq!(
        classify(LEN, true, Some(9), None, Some("svg+xml")),
        Verdict::Ignore
    );
    assert_eq!(
        classify(LEN, true, Some(9), None, Some("")),
        Verdict::Ignore
    );
}

#[test]
fn a_huge_frame_is_drawn_and_an_absurd_one_dropped() {
    // The full-size first frame measured at ~609 KB.
    assert_eq!(
        classify(609_000, true, Some(608_000), Some("running"), Some("jpeg")),
        Verdict::Draw
    );
    assert_eq!(
        classify(20_000_000, true, Some(19_999_000), None, Some("jpeg")),
        Verdict::Draw
    );
    assert_eq!(
        classify(MAX_MESSAGE + 1, true, Some(MAX_MESSAGE), None, None),
        Verdict::Ignore
    );
    // Even unparseable, an oversized message is not taken for a credential error.
    assert_eq!(
        classify(MAX_MESSAGE + 1, false, None, None, None),
        Verdict::Ignore
    );
}

#[test]
fn statuses_end_the_stream_only_when_terminal() {
    for s in [
        "completed",
        "failed",
        "terminated",
        "canceled",
        "timed_out",
        "timeout",
        "session_expired",
        "not_found",
    ] {
        assert_eq!(
            classify(LEN, true, None, Some(s), None),
            Verdict::Ended,
            "{s}"
        );
    }
    for s in [
        "created",
        "running",
        "queued",
        "paused",
        "retry",
        "",
        "COMPLETED",
    ] {
        assert_eq!(
            classify(LEN, true, None, Some(s), None),
            Verdict::Status,
            "{s}"
        );
    }
}

#[test]
fn a_frame_carrying_a_terminal_status_is_still_drawn() {
    assert_eq!(
        classify(LEN, true, Some(10), Some("completed"), None),
        Verdict::Draw
    );
}

#[test]
fn non_json_text_is_a_credential_failure() {
    // `No valid credential provided` / `Invalid credential provided`, and bad JSON.
    assert_eq!(classify(28, false, None, None, None), Verdict::AuthFailed);
    assert_eq!(classify(10, false, None, None, None), Verdict::AuthFailed);
}

#[test]
fn json_without_known_fields_is_ignored() {
    // `{}`, `[1,2]`, `"text"`, `42`, `null`: parsed, no string fields.
    assert_eq!(classify(2, true, None, None, None), Verdict::Ignore);
    assert_eq!(classify(2, true, None, None, Some("jpeg")), Verdict::Ignore);
}

// ---- reconnects ----

#[test]
fn screencast_backs_off_doubling_to_fifteen_seconds() {
    let delays: Vec<_> = (0..6)
        .map(|a| retry(Channel::Screencast, 1006, a, false))
        .collect();
    assert_eq!(
        delays,
        [1_000, 2_000, 4_000, 8_000, 15_000, 15_000]
            .map(Retry::After)
            .to_vec()
    );
    assert_eq!(
        retry(Channel::Screencast, 1006, 19, false),
        Retry::After(15_000)
    );
    assert_eq!(retry(Channel::Screencast, 1006, 20, false), Retry::Stop);
    assert_eq!(
        retry(Channel::Screencast, 1006, u32::MAX, false),
        Retry::Stop
    );
}

#[test]
fn screencast_retries_drops_restarts_and_clean_closes() {
    for code in [1000, 1001, 1005, 1006, 1011, 1012, 1013, 1014] {
        assert_eq!(
            retry(Channel::Screencast, code, 0, false),
            Retry::After(1_000),
            "{code}"
        );
    }
}

#[test]
fn screencast_stops_on_codes_that_would_fail_again() {
    for code in [1002, 1003, 1007, 1008, 1009, 4404, 4401, 4403, 3000, 0] {
        assert_eq!(
            retry(Channel::Screencast, code, 0, false),
            Retry::Stop,
            "{code}"
        );
    }
}

#[test]
fn vnc_sessions_are_retried_once_with_force_cdp() {
    assert_eq!(retry(Channel::Screencast, 4001, 0, false), Retry::ForceCdp);
    assert_eq!(retry(Channel::Screencast, 4001, 0, true), Retry::Stop);
    assert_eq!(retry(Channel::Input, 4001, 0, false), Retry::Stop);
}

#[test]
fn input_retries_five_times_on_its_transient_codes() {
    for code in [1006, 1011, 4408, 4410, 4411] {
        assert_eq!(
            retry(Channel::Input, code, 0, false),
            Retry::After(2_000),
            "{code}"
        );
        assert_eq!(
            retry(Channel::Input, code, 4, false),
            Retry::After(2_000),
            "{code}"
        );
        assert_eq!(retry(Channel::Input, code, 5, false), Retry::Stop, "{code}");
    }
    // 1002: credential or missing client_id; 4404: session gone; 1000: closed on purpose.
    for code in [1002, 4404, 1000, 1005] {
        assert_eq!(retry(Channel::Input, code, 0, false), Retry::Stop, "{code}");
    }
}

// ---- keys ----

#[test]
fn printable_keys_are_typed_as_text() {
    assert_eq!(key_code("a", false), KeySend::Text(65));
    assert_eq!(key_code("Z", false), KeySend::Text(90));
    assert_eq!(key_code("7", false), KeySend::Text(55));
    assert_eq!(key_code(" ", false), KeySend::Text(32));
    assert_eq!(key_code("!", false), KeySend::Text(0));
    assert_eq!(key_code("é", false), KeySend::Text(0));
    assert_eq!(key_code("€", false), KeySend::Text(0));
}

#[test]
fn special_keys_are_raw_with_their_virtual_key_code() {
    let cases = [
        ("Backspace", 8),
        ("Tab", 9),
        ("Enter", 13),
        ("Escape", 27),
        ("ArrowLeft", 37),
        ("ArrowDown", 40),
        ("Delete", 46),
        ("Home", 36),
        ("F1", 112),
        ("F10", 121),
        ("F12", 123),
    ];
    for (key, vk) in cases {
        assert_eq!(key_code(key, false), KeySend::Raw(vk), "{key}");
    }
}

#[test]
fn shortcuts_are_raw_and_unknown_keys_skipped() {
    assert_eq!(key_code("a", true), KeySend::Raw(65));
    assert_eq!(key_code("c", true), KeySend::Raw(67));
    assert_eq!(key_code("!", true), KeySend::Skip);
    for key in [
        "Dead",
        "Unidentified",
        "Process",
        "F13",
        "F0",
        "Fn",
        "",
        "\u{7f}",
        "\n",
    ] {
        assert_eq!(key_code(key, false), KeySend::Skip, "{key:?}");
    }
}
