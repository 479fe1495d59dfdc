//! Peak extra memory of a simulation: at most 2 × N × T × 8 bytes (the real balance and
//! spending matrices) plus 1 MB, for a plan of one and for a couple with drawn lifetimes.
//! Its own test binary, because it counts every allocation.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use glidepath::engine::plan::{Limits, parse_plan_json};
use glidepath::engine::{self, PlanDefaults, RunOptions};

struct Counting;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator and only counts.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::SeqCst) + layout.size();
        PEAK.fetch_max(now, Ordering::SeqCst);
        // SAFETY: same layout contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::SeqCst);
        // SAFETY: `ptr` came from `alloc` with this layout.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[test]
fn peak_extra_memory_is_two_matrices_plus_one_megabyte() {
    // The last: a couple with drawn lifetimes, until the younger would be 120 (57 years).
    let couple = r#""birth_year": 1961, "sex": "male", "longevity": {"model": "drawn"},
        "partner": {"current_age": 63, "sex": "female"}, "#;
    for (scenarios, years, household) in [
        (10_000usize, 30usize, ""),
        (100_000, 30, ""),
        (10_000, 100, ""),
        (10_000, 57, couple),
    ] {
        let start = if household.is_empty() { 20 } else { 65 };
        let json = format!(
            r#"{{"current_age": {start}, "end_age": {}, {household}"portfolio": {{"balance": 1000000}},
                "spending": {{"annual": 40000}}, "simulation": {{"scenarios": {scenarios}, "seed": 1}}}}"#,
            (start + years).min(120)
        );
        let plan = parse_plan_json(&json)
            .expect("parses")
            .normalize(
                &PlanDefaults::default(),
                Limits {
                    max_scenarios: 100_000,
                    this_year: Some(2026),
                },
            )
            .expect("valid");
        // Warm up once so the thread pool exists, then empty the matrix pool: the cold path,
        // where every buffer is allocated afresh, is the one the budget must hold for.
        engine::simulate(&plan, &RunOptions::default()).expect("runs");
        engine::recycle::clear();
        let before = CURRENT.load(Ordering::SeqCst);
        PEAK.store(before, Ordering::SeqCst);
        let outcome = engine::simulate(&plan, &RunOptions::default()).expect("runs");
        let extra = PEAK.load(Ordering::SeqCst) - before;
        let budget = 2 * scenarios * years * 8 + (1 << 20);
        eprintln!("{scenarios}×{years}: peak extra {extra} bytes, budget {budget}");
        assert!(extra <= budget, "{scenarios}×{years}: {extra} > {budget}");
        drop(outcome);
    }
}
