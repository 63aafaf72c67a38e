//! The headers every answer of the site carries, pages and API alike:
//! a Content-Security-Policy that allows nothing the pages do not use,
//! no framing, no type sniffing, no referrer, and `no-store` unless the
//! answer says otherwise (only the stylesheet does).

use axum::Router;
use axum::http::{HeaderName, HeaderValue, header};
use tower_http::set_header::SetResponseHeaderLayer;

/// The pages run no script at all (`default-src 'none'`); their only
/// style is the stylesheet file, and the QR code and charts are SVG
/// written into the page with presentation attributes, no `style`, so
/// `style-src 'self'` is enough and no inline style is allowed either.
/// Forms post to this site only; no page may be framed.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'none'; style-src 'self'; img-src 'self'; \
     form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// Each header and its value, for the site and for its tests.
pub const HEADERS: &[(HeaderName, &str)] = &[
    (header::CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY),
    (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
    // Older browsers that do not read frame-ancestors.
    (header::X_FRAME_OPTIONS, "DENY"),
    // Page addresses carry months and record ids: none leaves this site.
    (header::REFERRER_POLICY, "no-referrer"),
];

/// Pages and downloads hold names and figures: no cache keeps them.
pub const CACHE_CONTROL: &str = "no-store";

/// `router` with [`HEADERS`] on every answer, and [`CACHE_CONTROL`] on
/// those that set none.
pub fn secure(router: Router) -> Router {
    let router = HEADERS.iter().fold(router, |router, (name, value)| {
        router.layer(SetResponseHeaderLayer::overriding(
            name.clone(),
            HeaderValue::from_static(value),
        ))
    });
    router.layer(SetResponseHeaderLayer::if_not_present(
        header::CACHE_CONTROL,
        HeaderValue::from_static(CACHE_CONTROL),
    ))
}
