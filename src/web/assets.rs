//! Static assets, compiled into the binary and served under versioned names
//! (`/static/app.1a2b3c4d5e.css`): the name changes with the content, so a browser may keep
//! each one for a year, and a deploy can never serve a page with yesterday's stylesheet.

use std::sync::LazyLock;

use actix_web::http::header::{self, HeaderValue};
use actix_web::{HttpRequest, HttpResponse, web};
use sha2::{Digest, Sha256};

use crate::http::{AppError, ErrorCode};

pub struct Asset {
    /// The file's own name, `app.css`.
    pub name: &'static str,
    /// `/static/app.{hash}.css`.
    pub path: String,
    /// Strong validator: the content hash, quoted.
    pub etag: String,
    pub content_type: &'static str,
    pub bytes: &'static [u8],
}

const FILES: [(&str, &str, &[u8]); 3] = [
    (
        "app.css",
        "text/css; charset=utf-8",
        include_bytes!("../../static/app.css"),
    ),
    (
        "app.js",
        "text/javascript; charset=utf-8",
        include_bytes!("../../static/app.js"),
    ),
    (
        "favicon.svg",
        "image/svg+xml",
        include_bytes!("../../static/favicon.svg"),
    ),
];

static ASSETS: LazyLock<Vec<Asset>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|&(name, content_type, bytes)| {
            let hash = hex::encode(&Sha256::digest(bytes)[..5]);
            let (stem, ext) = name
                .rsplit_once('.')
                .expect("asset names have an extension");
            Asset {
                name,
                path: format!("/static/{stem}.{hash}.{ext}"),
                etag: format!("\"{hash}\""),
                content_type,
                bytes,
            }
        })
        .collect()
});

/// Every asset.
pub fn all() -> &'static [Asset] {
    &ASSETS
}

/// The versioned path of an asset, for templates: `path("app.css")`.
pub fn path(name: &str) -> &'static str {
    ASSETS
        .iter()
        .find(|a| a.name == name)
        .map(|a| a.path.as_str())
        .unwrap_or("/static/missing")
}

/// `GET /static/{file}`: the asset with a strong ETag, cached for a year; 304 on a match.
pub async fn serve(req: HttpRequest, file: web::Path<String>) -> Result<HttpResponse, AppError> {
    let wanted = format!("/static/{file}");
    let Some(asset) = ASSETS.iter().find(|a| a.path == wanted) else {
        // Coded like every error: a page for a browser, JSON otherwise.
        return Err(AppError::new(
            ErrorCode::NotFound,
            "no such asset; asset names change with each release",
        ));
    };
    let matches = req
        .headers()
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|tag| tag.trim() == asset.etag));
    let mut response = if matches {
        HttpResponse::NotModified()
    } else {
        HttpResponse::Ok()
    };
    response
        .insert_header((
            header::ETAG,
            HeaderValue::from_str(&asset.etag).expect("hex"),
        ))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"));
    if matches {
        return Ok(response.finish());
    }
    Ok(response.content_type(asset.content_type).body(asset.bytes))
}
