//! The checks of the market section: the return model and its assumptions, and what the
//! CAPE-based strategy needs of it.

use super::input::{AssetInput, PlanInput};
use super::normalize::Checker;
use super::{AssetAssumption, Correlations, Market, MarketModel, PlanDefaults};
use crate::engine::market::cholesky;

impl Checker<'_> {
    pub(super) fn market(&mut self, input: &PlanInput, defaults: &PlanDefaults) -> Market {
        let m = &input.market;
        let d = &defaults.market;
        let mut asset = |name: &str, given: &Option<AssetInput>| {
            let given = given.clone().unwrap_or_default();
            AssetAssumption {
                mean: self.optional(&format!("market.{name}.mean"), given.mean),
                volatility: self.optional(&format!("market.{name}.volatility"), given.volatility),
            }
        };
        let stocks = asset("stocks", &m.stocks);
        let bonds = asset("bonds", &m.bonds);
        let cash = asset("cash", &m.cash);
        let inflation = asset("inflation", &m.inflation);
        let given = m.correlations.clone().unwrap_or_default();
        let errors_before = self.errors.len();
        let mut corr = |field: &str, value: Option<f64>| {
            self.optional(&format!("market.correlations.{field}"), value)
        };
        let correlations = Correlations {
            stocks_bonds: corr("stocks_bonds", given.stocks_bonds),
            stocks_inflation: corr("stocks_inflation", given.stocks_inflation),
            bonds_inflation: corr("bonds_inflation", given.bonds_inflation),
        };
        if self.errors.len() == errors_before && cholesky(&correlations).is_none() {
            self.push(
                "market.correlations",
                "these three correlations cannot hold together (the matrix is not positive semi-definite)",
            );
        }
        let fat_tails_df = m
            .fat_tails_df
            .or(d.fat_tails_df)
            .map(|df| self.number("market.fat_tails_df", df));
        let model = m.model.unwrap_or(d.model);
        if model != MarketModel::Lognormal && m.fat_tails_df.is_some() {
            self.push(
                "market.fat_tails_df",
                "applies only to the `lognormal` model; history has its own tails",
            );
        }
        let block_years = self
            .applies_only(
                model == MarketModel::Bootstrap,
                "market.block_years",
                m.block_years,
                "the `bootstrap` model",
            )
            .map(|given| {
                let years =
                    given.unwrap_or_else(|| self.default_number("market.block_years") as u32);
                self.age("market.block_years", years)
            });
        let wrap_around = self
            .applies_only(
                model == MarketModel::Historical,
                "market.wrap_around",
                m.wrap_around,
                "the `historical` model",
            )
            .map(|given| given.unwrap_or(false));
        Market {
            model,
            stocks,
            bonds,
            cash,
            inflation,
            correlations,
            fat_tails_df,
            block_years,
            wrap_around,
        }
    }

    /// The `cape` strategy reads each simulated year's CAPE: only the historical model has
    /// one, and only from 1881, which wrapping around would pass through.
    pub(super) fn cape_market(&mut self, market: &Market) {
        if market.model != MarketModel::Historical {
            self.push(
                "spending.strategy",
                "the CAPE-based strategy needs each year's stock market valuation (Shiller's CAPE), which only the historical market model has: choose the historical model",
            );
        } else if market.wrap_around == Some(true) {
            self.push(
                "market.wrap_around",
                "the CAPE-based strategy runs only periods with a CAPE every year: Shiller's CAPE starts in 1881, and wrapping around would reach 1871–1880",
            );
        }
    }
}
