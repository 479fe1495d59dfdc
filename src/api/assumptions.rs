//! `GET /api/v1/assumptions`: market assumption sets to copy into a plan (the form's
//! presets use them too).

use actix_web::http::header;
use actix_web::{HttpResponse, web};

use crate::engine::plan::{AssetAssumption, Correlations, Market};
use crate::http::get_resource;
use crate::state::AppState;

pub fn routes(cfg: &mut web::ServiceConfig) {
    cfg.service(get_resource("/api/v1/assumptions", assumptions));
}

/// A named set of lognormal market assumptions, in the plan's `market` terms.
#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AssumptionSet {
    /// `defaults` or `us_history`.
    pub name: &'static str,
    pub description: String,
    pub stocks: AssetAssumption,
    pub bonds: AssetAssumption,
    pub cash: AssetAssumption,
    pub inflation: AssetAssumption,
    pub correlations: Correlations,
}

#[derive(serde::Serialize, utoipa::ToSchema)]
pub struct AssumptionSets {
    pub sets: Vec<AssumptionSet>,
}

/// Market assumptions to choose from: this service's defaults, and the same parameters
/// fitted to US history ("fit from history"). Copy one into a plan's `market`.
#[utoipa::path(
    get,
    path = "/api/v1/assumptions",
    tag = "simulations",
    responses((status = 200, description = "The assumption sets.", body = AssumptionSets))
)]
pub async fn assumptions(state: web::Data<AppState>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((header::CACHE_CONTROL, "public, max-age=300"))
        .json(assumption_sets(&state.settings.plan_defaults.market))
}

/// The configured defaults and the fit to US history.
pub fn assumption_sets(defaults: &Market) -> AssumptionSets {
    let fit = crate::engine::history::us_annual().fit();
    AssumptionSets {
        sets: vec![
            AssumptionSet {
                name: "defaults",
                description: "The service's defaults: assumptions, not advice.".into(),
                stocks: defaults.stocks,
                bonds: defaults.bonds,
                cash: defaults.cash,
                inflation: defaults.inflation,
                correlations: defaults.correlations,
            },
            AssumptionSet {
                name: "us_history",
                description: format!(
                    "Fitted to US history {}–{}: arithmetic means, sample volatilities and \
                     correlations of the yearly series in data/us_annual.csv.",
                    fit.first_year, fit.last_year
                ),
                stocks: fit.stocks,
                bonds: fit.bonds,
                cash: fit.cash,
                inflation: fit.inflation,
                correlations: fit.correlations,
            },
        ],
    }
}
