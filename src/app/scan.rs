//! Enrollment by QR code: the camera script (`assets/qr-scan.js`) sends a
//! few grey frames a second through Dioxus' eval; each frame is searched
//! for QR codes here (rqrr) and read as an [`EnrollLink`]. Works wherever
//! the webview lets the page use a camera (a browser over liveview, phones
//! that grant it); elsewhere the worker is told to type the code.

use crate::domain::wire::enroll_link::EnrollLink;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde::Deserialize;

/// The camera script, embedded like the styles: nothing from the network.
pub const SCRIPT: &str = include_str!("../../assets/qr-scan.js");

/// Frames are at most 480 px on a side; anything far larger is not ours.
const MAX_SIDE: usize = 2000;

/// What the camera script sends.
#[derive(Deserialize)]
#[serde(untagged)]
enum FromCamera {
    Failed { error: String },
    Frame { w: usize, h: usize, grey: String },
}

/// How a scan ended.
#[derive(Debug, PartialEq)]
pub enum Outcome {
    Read(EnrollLink),
    NoCamera,
    Denied,
}

/// What one frame shows.
#[derive(Debug, PartialEq)]
pub enum Seen {
    Nothing,
    Link(EnrollLink),
    /// A QR code that is not an enrollment code (a menu, a Wi-Fi code…).
    NotOurs,
}

/// Looks for an enrollment code in a `w` x `h` frame of grey pixels.
pub fn look(w: usize, h: usize, grey: &[u8]) -> Seen {
    if w == 0 || h == 0 || w > MAX_SIDE || h > MAX_SIDE || grey.len() != w * h {
        return Seen::Nothing;
    }
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| grey[y * w + x]);
    let mut seen = Seen::Nothing;
    for grid in image.detect_grids() {
        if let Ok((_, text)) = grid.decode() {
            match EnrollLink::parse(&text) {
                Some(link) => return Seen::Link(link),
                None => seen = Seen::NotOurs,
            }
        }
    }
    seen
}

/// Runs the camera until an enrollment code is read or the camera fails;
/// `not_ours` is called for each frame with some other QR code. Cancel the
/// task and take the preview off the page to stop early.
pub async fn scan(mut not_ours: impl FnMut()) -> Outcome {
    let mut eval = dioxus::document::eval(SCRIPT);
    loop {
        let Ok(message) = eval.recv::<FromCamera>().await else {
            return Outcome::NoCamera;
        };
        match message {
            FromCamera::Failed { error } if error == "denied" => return Outcome::Denied,
            FromCamera::Failed { .. } => return Outcome::NoCamera,
            FromCamera::Frame { w, h, grey } => {
                let Ok(grey) = BASE64.decode(grey) else {
                    continue;
                };
                match look(w, h, &grey) {
                    Seen::Link(link) => return Outcome::Read(link),
                    Seen::NotOurs => not_ours(),
                    Seen::Nothing => {}
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` as a QR code drawn at 4 px a module on a white 320 x 240 frame.
    fn frame(text: &str) -> Vec<u8> {
        let code = qrcode::QrCode::new(text.as_bytes()).unwrap();
        let modules = code.width();
        let colors = code.to_colors();
        let (w, h, scale, left, top) = (320, 240, 4, 20, 20);
        let mut grey = vec![255u8; w * h];
        for y in 0..modules * scale {
            for x in 0..modules * scale {
                if colors[(y / scale) * modules + x / scale] == qrcode::Color::Dark {
                    grey[(top + y) * w + left + x] = 0;
                }
            }
        }
        grey
    }

    fn code() -> String {
        crate::domain::wire::enroll::EnrollCode {
            secret: [3; 16],
            fingerprint_prefix: [5; 10],
        }
        .to_text()
    }

    #[test]
    fn an_enrollment_qr_code_is_read_with_its_address() {
        let text = EnrollLink::to_text("http://127.0.0.1:8080", &code());
        match look(320, 240, &frame(&text)) {
            Seen::Link(link) => {
                assert_eq!(link.server.as_deref(), Some("http://127.0.0.1:8080"));
                assert_eq!(link.code, code());
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn other_qr_codes_and_empty_frames_are_told_apart() {
        assert_eq!(
            look(320, 240, &frame("https://example.org/menu")),
            Seen::NotOurs
        );
        assert_eq!(look(320, 240, &vec![128; 320 * 240]), Seen::Nothing);
        // A frame whose size does not match its pixels is ignored, not read.
        assert_eq!(look(320, 240, &[0; 10]), Seen::Nothing);
    }
}
