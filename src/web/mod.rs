//! The browser pages: the plan form, the result page and the error pages, rendered on the
//! server with askama and working without JavaScript. `static/app.js` only enhances them.
//!
//! Pages get results through [`crate::simulations`], like the JSON API, and draw them from
//! the shared report model (`crate::report`): charts are server-rendered SVG (`svg`). The
//! report's PDF is served by the API's handler (`api::exports`) at `/s/{id}/report.pdf` too.

mod answer;
pub mod assets;
mod compare;
pub mod error_pages;
pub mod form;
mod pages;
pub mod result;
pub mod svg;

use actix_web::web;

use crate::http::{get_resource, resource};

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(get_resource("/", pages::form_page))
        .service(resource("/simulate", "POST").route(web::post().to(pages::simulate)))
        .service(resource("/compare", "POST").route(web::post().to(compare::compare)))
        .service(get_resource("/s/{id}", pages::result_page))
        .service(get_resource("/c/{id}", compare::comparison_page))
        .service(get_resource(
            "/c/{id}/report.pdf",
            crate::api::comparisons::get_comparison_report_pdf,
        ))
        .service(get_resource("/s/{id}/analysis", pages::analysis_part))
        .service(get_resource(
            "/s/{id}/report.pdf",
            crate::api::exports::get_report_pdf,
        ))
        .service(get_resource("/static/{file}", assets::serve));
}

/// `text` with its first letter in upper case: coded error messages start in lower case.
pub fn sentence(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// What every page's layout needs.
pub struct Layout {
    pub css: &'static str,
    pub js: &'static str,
    pub favicon: &'static str,
}

impl Layout {
    pub fn new() -> Self {
        Self {
            css: assets::path("app.css"),
            js: assets::path("app.js"),
            favicon: assets::path("favicon.svg"),
        }
    }
}

impl Default for Layout {
    fn default() -> Self {
        Self::new()
    }
}
