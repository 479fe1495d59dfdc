//! End to end in real headless Chromium (Debian's `/usr/bin/chromium`, installed by `.ci/run`):
//! fill the form, submit, land on `/s/{id}`, read the headline and the charts, with JavaScript
//! on and off, with no console errors (CSP violations included), and no sideways scrolling at
//! phone widths. Screenshots of every page at 1280 and 390 px wide are saved under
//! `target/screenshots/` for people to look at.
//!
//! Without Chromium the tests skip loudly; under `CI=true` they fail.

mod common;

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use common::{TestApp, spawn_app_with};
use headless_chrome::browser::tab::{ModifierKey, point::Point};
use headless_chrome::protocol::cdp::Log::LogEntryLevel;
use headless_chrome::protocol::cdp::Page::CaptureScreenshotFormatOption;
use headless_chrome::protocol::cdp::types::Event;
use headless_chrome::protocol::cdp::{DOM, Emulation};
use headless_chrome::types::Bounds;
use headless_chrome::{Browser, LaunchOptions, Tab};

const CHROMIUM: &str = "/usr/bin/chromium";
const WIDTHS: [u32; 2] = [1280, 390];

fn chromium() -> Option<Browser> {
    if !Path::new(CHROMIUM).exists() {
        common::service_missing(
            "Chromium",
            format!("no {CHROMIUM}: apt-get install chromium"),
        );
        return None;
    }
    let profile = tempfile::tempdir().expect("profile dir");
    // The flags keep Chromium off the network it cannot reach here (see VALIDATORS.md).
    let args = [
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ]
    .map(std::ffi::OsStr::new);
    let options = LaunchOptions {
        path: Some(PathBuf::from(CHROMIUM)),
        headless: true,
        sandbox: false,
        window_size: Some((1280, 900)),
        user_data_dir: Some(profile.keep()),
        args: args.to_vec(),
        idle_browser_timeout: Duration::from_secs(120),
        ..LaunchOptions::default()
    };
    Some(Browser::new(options).expect("Chromium starts"))
}

async fn app() -> TestApp {
    let app = spawn_app_with(|vars| {
        // Debug-build analyses take about a second; the result page waits for them.
        vars.insert("APP__SIMULATION__TIMEOUT_MS".into(), "60000".into());
    })
    .await;
    app.wait_started().await;
    app
}

/// Runs `test` on the blocking pool against a fresh instance, in a new tab of a fresh
/// Chromium (scripts on or off), with the tab's problems watched; skips without Chromium.
async fn in_chromium(scripts: bool, test: impl FnOnce(&str, &Tab, &Problems) + Send + 'static) {
    let app = app().await;
    let base = app.address.clone();
    tokio::task::spawn_blocking(move || {
        let Some(browser) = chromium() else { return };
        let tab = browser.new_tab().expect("tab");
        tab.set_default_timeout(Duration::from_secs(60));
        set_scripts(&tab, scripts);
        SCRIPTS.set(scripts);
        let problems = Problems::watch(&tab);
        test(&base, &tab, &problems);
    })
    .await
    .expect("browser test");
    app.shutdown().await.unwrap();
}

/// Console errors, uncaught exceptions and browser-reported errors (CSP violations, failed
/// loads) seen by a tab.
#[derive(Clone, Default)]
struct Problems(Arc<Mutex<Vec<String>>>);

impl Problems {
    fn watch(tab: &Arc<Tab>) -> Self {
        let problems = Self::default();
        let seen = problems.0.clone();
        tab.enable_log().expect("log domain");
        tab.enable_runtime().expect("runtime domain");
        tab.add_event_listener(Arc::new(move |event: &Event| {
            let problem = match event {
                // A half-typed plan is refused by the preview, and the answer says why:
                // that is the preview working, not a problem.
                Event::LogEntryAdded(e)
                    if e.params.entry.text.contains("status of 422")
                        && e.params
                            .entry
                            .url
                            .as_deref()
                            .is_some_and(|url| url.ends_with("/api/v1/previews")) =>
                {
                    None
                }
                Event::LogEntryAdded(e) if e.params.entry.level == LogEntryLevel::Error => {
                    Some(format!("log: {}", e.params.entry.text))
                }
                Event::RuntimeExceptionThrown(e) => {
                    Some(format!("exception: {:?}", e.params.exception_details.text))
                }
                Event::RuntimeConsoleAPICalled(e) if format!("{:?}", e.params.Type) == "Error" => {
                    Some(format!("console.error: {:?}", e.params.args))
                }
                _ => None,
            };
            if let Some(problem) = problem {
                seen.lock().expect("not poisoned").push(problem);
            }
        }))
        .expect("listener");
        problems
    }

    fn assert_none(&self, page: &str) {
        let seen = self.0.lock().expect("not poisoned");
        assert!(seen.is_empty(), "{page}: {seen:#?}");
    }
}

fn eval(tab: &Tab, js: &str) -> serde_json::Value {
    tab.evaluate(js, false)
        .unwrap_or_else(|e| panic!("{js}: {e}"))
        .value
        .unwrap_or(serde_json::Value::Null)
}

fn text_of(tab: &Tab, selector: &str) -> String {
    tab.wait_for_element(selector)
        .unwrap_or_else(|e| panic!("{selector}: {e}"));
    let js = format!("document.querySelector({selector:?}).innerText.trim()");
    eval(tab, &js).as_str().unwrap_or_default().to_string()
}

fn screenshots_dir() -> PathBuf {
    // CARGO_TARGET_TMPDIR is `target/tmp`, wherever the target directory is.
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("target dir")
        .join("screenshots");
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    dir
}

/// The whole page at each width, saved as `{name}-{width}.png`; at each width nothing may
/// scroll sideways (360 px phones must work; 390 is checked here, 360 below).
fn screenshots(tab: &Tab, name: &str) {
    for width in WIDTHS.into_iter().chain([360]) {
        resize(tab, width, 900);
        let scroll = eval(tab, "document.documentElement.scrollWidth").as_f64();
        let inner = eval(tab, "window.innerWidth").as_f64();
        assert!(
            scroll <= inner,
            "{name} scrolls sideways at {width} px: {scroll:?} > {inner:?}"
        );
        if width == 360 {
            continue;
        }
        assert_accessible(tab, &format!("{name} at {width} px"));
        assert_labels_apart(tab, &format!("{name} at {width} px"));
        let height = eval(tab, "document.documentElement.scrollHeight")
            .as_f64()
            .expect("page height");
        resize(tab, width, height.ceil() as u32);
        let png = tab
            .capture_screenshot(CaptureScreenshotFormatOption::Png, None, None, true)
            .expect("screenshot");
        let path = screenshots_dir().join(format!("{name}-{width}.png"));
        std::fs::write(&path, png).expect("screenshot written");
        eprintln!("screenshot: {}", path.display());
    }
    resize(tab, 1280, 900);
}

thread_local! {
    /// Whether the tab on this thread runs the page's scripts.
    static SCRIPTS: Cell<bool> = const { Cell::new(true) };
}

fn set_scripts(tab: &Tab, on: bool) {
    tab.call_method(Emulation::SetScriptExecutionDisabled { value: !on })
        .expect("JavaScript on or off");
}

/// axe-core's browser build, from npm (`npm ci --prefix tests/a11y`, run by `.ci/run`).
fn axe_core() -> Option<&'static str> {
    static AXE: OnceLock<Option<String>> = OnceLock::new();
    AXE.get_or_init(|| {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/a11y/node_modules/axe-core/axe.min.js");
        let source = std::fs::read_to_string(&path);
        if let Err(e) = &source {
            common::service_missing(
                "axe-core",
                format!("{}: {e}; run npm ci --prefix tests/a11y", path.display()),
            );
        }
        source.ok()
    })
    .as_deref()
}

/// Runs axe-core on the page as it is now: no violations of any rule it checks (WCAG 2.x A
/// and AA and its best practices), each reported with the nodes it found.
fn assert_accessible(tab: &Tab, page: &str) {
    let Some(axe) = axe_core() else { return };
    // axe-core needs timers, which a page without scripts does not run; its own scripts
    // already ran or did not when it loaded, so this changes nothing axe-core sees.
    set_scripts(tab, true);
    if eval(tab, "typeof window.axe") != "object" {
        tab.evaluate(axe, false).expect("axe-core loads");
    }
    let run = "axe.run(document, { resultTypes: ['violations'] }).then((r) => JSON.stringify(\
               r.violations.map((v) => ({ rule: v.id, help: v.help, \
               nodes: v.nodes.map((n) => n.target.join(' ')) }))))";
    let found = tab
        .evaluate(run, true)
        .unwrap_or_else(|e| panic!("axe-core on {page}: {e}"))
        .value
        .and_then(|v| v.as_str().map(str::to_string))
        .expect("axe-core's violations");
    set_scripts(tab, SCRIPTS.get());
    let violations: serde_json::Value = serde_json::from_str(&found).expect("JSON");
    assert_eq!(violations, serde_json::json!([]), "axe-core on {page}");
}

/// No two texts of a chart drawn on the page overlap (their boxes as laid out), and none
/// is cut off at the chart's edges.
fn assert_labels_apart(tab: &Tab, page: &str) {
    let js = r#"(() => {
        const overlaps = [];
        for (const svg of document.querySelectorAll('svg.chart')) {
            if (svg.getBoundingClientRect().width === 0) continue;
            const texts = [...svg.querySelectorAll('text')].map((t) => [t.textContent, t.getBoundingClientRect()]);
            const edge = svg.getBoundingClientRect();
            for (const [a, p] of texts) {
                if (p.left < edge.left - 0.5 || p.right > edge.right + 0.5) overlaps.push(`${svg.classList}: "${a}" is cut off`);
            }
            texts.forEach(([a, p], i) => texts.slice(i + 1).forEach(([b, q]) => {
                const x = Math.min(p.right, q.right) - Math.max(p.left, q.left);
                const y = Math.min(p.bottom, q.bottom) - Math.max(p.top, q.top);
                if (x > 0.5 && y > 0.5) overlaps.push(`${svg.classList}: "${a}" and "${b}"`);
            }));
        }
        return JSON.stringify(overlaps);
    })()"#;
    let found = eval(tab, js);
    let overlaps: Vec<String> =
        serde_json::from_str(found.as_str().expect("a list")).expect("JSON");
    assert!(
        overlaps.is_empty(),
        "{page}: labels overlap or are cut off: {overlaps:#?}"
    );
}

fn resize(tab: &Tab, width: u32, height: u32) {
    tab.set_bounds(Bounds::Normal {
        left: None,
        top: None,
        width: Some(f64::from(width)),
        height: Some(f64::from(height)),
    })
    .expect("window resized");
    std::thread::sleep(Duration::from_millis(150));
}

// Input goes through DevTools' DOM and Input domains, never through page JavaScript, so the
// same helpers work with scripts off. The window is made tall enough that nothing needs
// scrolling into view (which would take JavaScript).

/// Types into the form's inputs by name, replacing what is there.
fn fill(tab: &Tab, values: &[(&str, &str)]) {
    resize(tab, 1280, 4000);
    for (name, value) in values {
        let input = tab
            .find_element(&format!(r#"[name="{name}"]:not([type=hidden])"#))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        tab.call_method(DOM::Focus {
            node_id: None,
            backend_node_id: Some(input.backend_node_id),
            object_id: None,
        })
        .expect("focused");
        tab.press_key_with_modifiers("a", Some(&[ModifierKey::Ctrl]))
            .and_then(|t| t.press_key("Backspace"))
            .and_then(|t| t.type_str(value))
            .expect("typed");
    }
}

/// The text of `selector` once it contains `part` and nothing is being updated (at most 20 s).
fn wait_for_text(tab: &Tab, selector: &str, part: &str) -> String {
    let mut words = String::new();
    for _ in 0..200 {
        words = text_of(tab, selector);
        let busy = eval(tab, "document.querySelector('#answer.updating') !== null");
        if words.contains(part) && busy == false {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    words
}

/// Clicks `button` and waits for the page it posts to.
fn submit_and_wait(tab: &Tab, button: &str) {
    let before = tab.get_url();
    // A window taller than the longest form, so that the button is in view.
    resize(tab, 1280, 8000);
    let point = tab
        .find_element(button)
        .and_then(|b| b.get_midpoint())
        .unwrap_or_else(|e| panic!("{button}: {e}"));
    tab.click_point(point).expect("clicked");
    for _ in 0..600 {
        if tab.get_url() != before {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_ne!(tab.get_url(), before, "{button} led nowhere");
    tab.wait_until_navigated().expect("navigated");
    resize(tab, 1280, 900);
}

const PLAN: [(&str, &str); 5] = [
    ("name", "Browser plan"),
    ("current_age", "60"),
    ("end_age", "95"),
    ("portfolio.balance", "1000000"),
    ("spending.annual", "40000"),
];

/// The result page a run lands on: headline in words, the charts, the tables.
fn assert_result_page(tab: &Tab) {
    let url = tab.get_url();
    let id = url.rsplit("/s/").next().expect("on /s/{id}");
    assert_eq!(id.len(), 32, "{url}");
    let headline = text_of(tab, "#headline");
    // Worded for the strategy: constant dollars (JavaScript off) or guardrails, whose odds
    // are of spending at or above its floor (JavaScript on picks it).
    assert!(
        headline.ends_with("of 100 simulated futures still have money at age 95")
            || headline.ends_with(
                "of 100 simulated futures keep your spending at or above its $20,000 floor to \
                 age 95"
            ),
        "{headline}"
    );
    assert_eq!(text_of(tab, "h1"), "Browser plan");
    for chart in ["balance", "depletion"] {
        let svg = tab
            .wait_for_element(&format!("#chart-{chart} svg"))
            .expect("chart");
        let box_model = svg.get_box_model().expect("laid out");
        assert!(box_model.width > 250.0, "{chart} is drawn: {box_model:?}");
    }
    let rows = eval(
        tab,
        "document.querySelectorAll('#percentiles tbody tr').length",
    );
    assert_eq!(rows, 7);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_plan_runs_in_chromium_with_javascript_and_every_page_is_clean() {
    in_chromium(true, |base, tab, problems| {

        tab.navigate_to(&format!("{base}/"))
            .and_then(|t| t.wait_until_navigated())
            .expect("form loads");
        assert_eq!(tab.get_title().unwrap(), "Will my money last? · Glidepath");
        // An answer before any typing: the example plan's, in view at both widths, and
        // still in view (sticky) far down the form.
        let example = text_of(tab, "#answer-headline");
        assert!(example.ends_with("of 100 simulated futures still have money at age 95"), "{example}");
        assert!(text_of(tab, "#answer-detail").starts_with("95% confidence interval "));
        for width in WIDTHS {
            resize(tab, width, 800);
            for scroll in [0, 2500] {
                let top = eval(tab, &format!("window.scrollTo(0, {scroll}); document.getElementById('answer').getBoundingClientRect().bottom"));
                let top = top.as_f64().expect("a box");
                assert!((0.0..=800.0).contains(&top), "at {width} px, scrolled {scroll}: the answer ends at {top}");
            }
            eval(tab, "window.scrollTo(0, 0)");
        }
        resize(tab, 1280, 900);
        // The script shows only the chosen strategy's fields.
        let hidden = "document.querySelector('[name=\"spending.upper_guard\"]').closest('.field').hidden";
        assert_eq!(eval(tab, hidden), true);
        tab.find_element(r#"select[name="spending.strategy"]"#)
            .unwrap()
            .call_js_fn(
                "function () { this.value = 'guardrails'; this.dispatchEvent(new Event('change', {bubbles: true})); }",
                vec![],
                false,
            )
            .unwrap();
        assert_eq!(eval(tab, hidden), false);
        screenshots(tab, "form");

        // While editing, the answer follows through the JSON API's preview. Money is
        // typed as people type it, and shown as read.
        fill(tab, &PLAN);
        fill(tab, &[("spending.annual", "$40k")]);
        assert_eq!(text_of(tab, "#f-spending-annual-read"), "= $40,000");
        let words = wait_for_text(tab, "#answer-headline", "floor");
        // Guardrails: the odds are of spending at or above its floor, the money apart.
        assert!(
            words.ends_with("of 100 simulated futures keep your spending at or above its $20,000 floor to age 95"),
            "{words}"
        );
        assert!(text_of(tab, "#answer-detail").contains(". The money itself lasts in "));
        // A year's spending of $60 is questioned as typed.
        fill(tab, &[("spending.annual", "60")]);
        assert_eq!(
            text_of(tab, "#f-spending-annual-warning"),
            "Is $60 what you meant? For $60,000, type 60k."
        );
        fill(tab, &[("spending.annual", "40,000")]);
        assert_eq!(eval(tab, "document.getElementById('f-spending-annual-warning').hidden"), true);

        // Rows are added in place: no navigation, the page where it was, the new row focused.
        resize(tab, 1280, 900);
        let url = tab.get_url();
        eval(tab, "document.querySelector('button[value=\"add:income\"]').scrollIntoView(); document.querySelector('button[value=\"add:income\"]').click()");
        tab.wait_for_element(r#"[name="income[0].name"]"#).expect("the new row");
        assert_eq!(tab.get_url(), url);
        assert_eq!(eval(tab, "document.activeElement.name"), "income[0].name");
        assert!(eval(tab, "window.scrollY").as_f64().unwrap() > 500.0, "the page stayed where it was");
        // The empty row leaves the answer as it was.
        let words = wait_for_text(tab, "#answer-headline", "floor");
        assert!(words.contains("$20,000 floor"), "{words}");
        // Through the preview, which stores nothing (tests/http/api.rs), never the
        // storing route.
        let fetched = "performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.startsWith('/api/')).join(' ')";
        let fetched = eval(tab, fetched);
        let fetched = fetched.as_str().unwrap_or_default();
        assert!(fetched.contains("/api/v1/previews"), "{fetched}");
        assert!(!fetched.contains("/api/v1/simulations"), "{fetched}");

        submit_and_wait(tab, "button.primary");
        assert_result_page(tab);
        // Variable strategy: the spending chart is there too; the copy button is enhanced in.
        tab.wait_for_element("#chart-spending svg").expect("spending chart");
        assert_eq!(eval(tab, "document.getElementById('copy-link').hidden"), false);
        screenshots(tab, "result");
        problems.assert_none("form, preview and result pages");

        // An invalid plan: 422 with the summary focused and the values kept.
        tab.navigate_to(&format!("{base}/"))
            .and_then(|t| t.wait_until_navigated())
            .unwrap();
        fill(tab, &[("current_age", "60"), ("end_age", "55"), ("spending.annual", "40000")]);
        fill(tab, &[("portfolio.balance", "500")]);
        // The browser's own check would stop the post; the server's is what is tested here.
        eval(tab, "document.getElementById('plan-form').noValidate = true");
        submit_and_wait(tab, "button.primary");
        let summary = text_of(tab, "#error-summary");
        // Every problem at once, each in the form's words.
        assert!(summary.contains("must be between $1,000 and $100,000,000"), "{summary}");
        assert!(summary.contains("must be greater than “Your age now” (60)"), "{summary}");
        assert!(!summary.contains("current_age"), "{summary}");
        assert_eq!(eval(tab, "document.activeElement.id"), "error-summary");
        assert_eq!(
            eval(tab, "document.querySelector('[name=\"portfolio.balance\"]').value"),
            "500"
        );
        screenshots(tab, "form-errors");

        tab.navigate_to(&format!("{base}/s/0123456789abcdef0123456789abcdef"))
            .and_then(|t| t.wait_until_navigated())
            .unwrap();
        assert_eq!(text_of(tab, "h1"), "Page not found");
        screenshots(tab, "error-404");
        // The two pages' own statuses are all the console may report.
        let seen = problems.0.lock().unwrap().clone();
        let expected = [422, 404].map(|status| {
            format!("log: Failed to load resource: the server responded with a status of {status}")
        });
        assert_eq!(seen.len(), 2, "{seen:#?}");
        for (seen, expected) in seen.iter().zip(expected) {
            assert!(seen.starts_with(&expected), "{seen}");
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn everything_works_with_javascript_off() {
    in_chromium(false, |base, tab, problems| {
        tab.navigate_to(&format!("{base}/"))
            .and_then(|t| t.wait_until_navigated())
            .expect("form loads");
        // Rows are added by a plain submit button.
        submit_and_wait(tab, r#"button[value="add:income"]"#);
        fill(tab, &PLAN);
        fill(
            tab,
            &[
                ("income[0].name", "Pension"),
                ("income[0].annual", "12000"),
                ("income[0].start_age", "65"),
            ],
        );
        submit_and_wait(tab, "button.primary");
        assert_result_page(tab);
        let facts = text_of(tab, ".two-col");
        assert!(facts.contains("Pension: $12,000 a year from 65"), "{facts}");
        // Without the script the copy button stays hidden and the link is there to select.
        assert_eq!(
            eval(tab, "document.getElementById('copy-link').hidden"),
            true
        );
        let link = eval(tab, "document.getElementById('permalink').value");
        assert!(link.as_str().unwrap().contains("/s/"), "{link}");
        screenshots(tab, "result-no-js");
        // "Compare with a change…": the plan opens as plan B; guardrails against it.
        submit_and_wait(tab, r#"a.button[href*="compare=1"]"#);
        assert!(text_of(tab, "#comparing-notice").contains("This is plan B"));
        eval(
            tab,
            r#"document.querySelector('[name="spending.strategy"]').value = 'guardrails'"#,
        );
        submit_and_wait(tab, "button.primary");
        assert!(tab.get_url().contains("/c/"), "{}", tab.get_url());
        let odds = text_of(tab, "#odds-caption");
        assert!(odds.contains("95% range"), "{odds}");
        for chart in ["balance", "spending"] {
            tab.wait_for_element(&format!("#chart-{chart} svg"))
                .expect("the overlaid chart");
        }
        screenshots(tab, "comparison-no-js");
        problems.assert_none("pages with JavaScript off");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_couple_claims_social_security_and_sees_when_to_claim_without_javascript() {
    in_chromium(false, |base, tab, problems| {
        tab.navigate_to(&format!("{base}/"))
            .and_then(|t| t.wait_until_navigated())
            .expect("form loads");
        // The partner's section opens without a script: it is a <details>.
        resize(tab, 1280, 4000);
        let summary = tab
            .find_element("details#partner summary")
            .and_then(|s| s.get_midpoint())
            .expect("the partner's section");
        tab.click_point(summary).expect("opened");
        fill(tab, &PLAN);
        fill(
            tab,
            &[
                ("partner.current_age", "58"),
                ("social_security.monthly_benefit", "$2,400"),
                ("social_security.claiming_age", "67"),
                ("partner.social_security.monthly_benefit", "900"),
                ("partner.social_security.claiming_age", "62"),
            ],
        );
        submit_and_wait(tab, "button.primary");
        let headline = text_of(tab, "#headline");
        assert!(headline.contains("while either of you lives"), "{headline}");
        let claims = text_of(tab, "#social-security-title ~ dl");
        // Without the script the analysis comes with a reload, once it is ready.
        let url = tab.get_url();
        for _ in 0..60 {
            if eval(
                tab,
                "document.querySelector('#analysis[data-fragment]') === null",
            ) == true
            {
                break;
            }
            std::thread::sleep(Duration::from_millis(500));
            tab.navigate_to(&url)
                .and_then(|t| t.wait_until_navigated())
                .expect("reloaded");
        }
        assert!(claims.contains("$2,400 a month from 67"), "{claims}");
        // 81 pairs of claiming ages, one of them the best.
        let cells = eval(
            tab,
            "document.querySelectorAll('table.heat tbody td').length",
        );
        assert_eq!(cells, 81);
        assert_eq!(
            eval(
                tab,
                "document.querySelectorAll('table.heat td.best').length"
            ),
            1
        );
        screenshots(tab, "result-couple");
        problems.assert_none("a couple's form and result");
    })
    .await;
}

/// Each market model and strategy family's result page, analysis in: axe-clean and no chart
/// labels overprinting, at 1280 and 390 px.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_market_model_and_strategy_reads_cleanly() {
    let app = app().await;
    let client = reqwest::Client::new();
    let mut ids = Vec::new();
    for (model, strategy) in [
        (
            serde_json::json!({"model": "historical"}),
            serde_json::json!({"strategy": "vpw"}),
        ),
        (
            serde_json::json!({"model": "bootstrap", "block_years": 5}),
            serde_json::json!({"strategy": "constant_percent", "percent": 0.04}),
        ),
    ] {
        let mut spending = strategy;
        spending["annual"] = 40_000.into();
        let plan = serde_json::json!({
            "name": format!("{} plan", model["model"].as_str().unwrap()),
            "current_age": 60, "retirement_age": 65, "end_age": 95,
            "portfolio": {"balance": 1_000_000, "annual_contribution": 10_000},
            "market": model,
            "spending": spending,
            "simulation": {"scenarios": 500, "seed": 3}
        });
        let created = client
            .post(app.url("/api/v1/simulations"))
            .json(&plan)
            .send()
            .await
            .expect("posted");
        assert!(
            created.status().is_success(),
            "{}",
            created.text().await.unwrap()
        );
        let body: serde_json::Value = created.json().await.expect("JSON");
        ids.push((
            plan["market"]["model"].as_str().unwrap().to_string(),
            body["id"].as_str().expect("an id").to_string(),
        ));
    }
    let base = app.address.clone();
    tokio::task::spawn_blocking(move || {
        let Some(browser) = chromium() else { return };
        let tab = browser.new_tab().expect("tab");
        tab.set_default_timeout(Duration::from_secs(60));
        let problems = Problems::watch(&tab);
        for (model, id) in ids {
            tab.navigate_to(&format!("{base}/s/{id}"))
                .and_then(|t| t.wait_until_navigated())
                .expect("result page");
            // The analysis is fetched in once it is ready.
            tab.wait_for_element("#chart-sensitivity svg")
                .expect("the analysis");
            if model == "historical" {
                assert_start_years_named(&tab);
            }
            screenshots(&tab, &format!("result-{model}"));
        }
        problems.assert_none("results of each market model");
    })
    .await
    .expect("browser test");
    app.shutdown().await.unwrap();
}

/// A historical result lists every start year, and each start year's line names itself
/// under the pointer.
fn assert_start_years_named(tab: &Tab) {
    let lines = eval(
        tab,
        "document.querySelectorAll('#chart-balance svg.wide path.period').length",
    );
    let rows = eval(tab, "document.querySelectorAll('#periods tbody tr').length");
    assert_eq!(lines, rows);
    assert!(rows.as_u64().unwrap() > 100, "{rows}");
    resize(tab, 1280, 900);
    let at = eval(
        tab,
        r#"(() => {
            const path = document.querySelectorAll('#chart-balance svg.wide path.period')[40];
            path.scrollIntoView({block: 'center'});
            const p = path.getPointAtLength(path.getTotalLength() / 3);
            const m = path.getScreenCTM();
            return JSON.stringify([p.x * m.a + p.y * m.c + m.e, p.x * m.b + p.y * m.d + m.f]);
        })()"#,
    );
    let [x, y]: [f64; 2] = serde_json::from_str(at.as_str().expect("a point")).expect("JSON");
    tab.move_mouse_to_point(Point { x, y })
        .expect("pointer moved");
    std::thread::sleep(Duration::from_millis(200));
    let named = eval(
        tab,
        r#"(() => {
            const on = document.querySelectorAll('#chart-balance path.period:hover');
            return on.length === 1 && getComputedStyle(on[0]).strokeWidth === '2.5px'
                ? on[0].querySelector('title').textContent : '';
        })()"#,
    );
    let named = named.as_str().unwrap_or_default();
    assert!(
        named.starts_with("Starting in "),
        "under the pointer: {named:?}"
    );
}
