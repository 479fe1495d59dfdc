//! The SVG renderer's drawing rules, checked on small charts.

use super::*;
use crate::report::chart::Tick;

fn chart(layers: Vec<Layer>) -> Chart {
    let axis = |label: &str| Axis {
        label: label.into(),
        min: 0.0,
        max: 10.0,
        ticks: vec![
            Tick {
                value: 0.0,
                label: "$0".into(),
            },
            Tick {
                value: 10.0,
                label: "$10 <&>".into(),
            },
        ],
    };
    Chart {
        id: "test",
        title: "A <b>title</b>".into(),
        description: "Says what it shows".into(),
        x: axis("Age"),
        y: axis("Money"),
        layers,
        legend: Vec::new(),
    }
}

#[test]
fn svg_has_an_accessible_name_and_escaped_text() {
    let svg = render(&chart(Vec::new()), Layout::Wide);
    assert!(svg.starts_with("<svg "), "{svg}");
    assert!(svg.contains(r#"role="img""#));
    assert!(svg.contains(r#"<title id="test-title">A &lt;b&gt;title&lt;/b&gt;</title>"#));
    assert!(svg.contains(r#"<desc id="test-desc">Says what it shows</desc>"#));
    assert!(svg.contains("$10 &lt;&amp;&gt;"));
    assert!(svg.contains(">Age</text>"));
    assert!(
        !svg.contains("style="),
        "inline styles break the CSP: {svg}"
    );
}

#[test]
fn data_maps_into_the_plot_area_and_clamps_outliers() {
    let svg = render(
        &chart(vec![Layer::Line {
            x: vec![0.0, 10.0],
            y: vec![0.0, 1e9],
            style: Style::Median,
            label: Some("median".into()),
        }]),
        Layout::Wide,
    );
    // x 0 → the left edge (room for the 7-character tick `$10 <&>`: 7 × 7.2 + 22), 10 → the
    // right edge (720 − 64); y 0 → the bottom edge (340 − 48), an outlier → the top (30).
    assert!(svg.contains(r#"points="72.4,292.0 656.0,30.0""#), "{svg}");
    assert!(svg.contains(">median</text>"));
}

#[test]
fn negative_bars_are_hatched_and_labelled_on_their_side() {
    let bar = |x0: f64, x1: f64, negative| Bar {
        x0,
        x1,
        y0: 1.0,
        y1: 2.0,
        label: Some("label".into()),
        negative,
    };
    let svg = render(
        &chart(vec![Layer::Bars {
            bars: vec![bar(5.0, 8.0, false), bar(2.0, 5.0, true)],
            style: Style::Bar,
        }]),
        Layout::Wide,
    );
    assert_eq!(svg.matches(r##"fill="url(#test-hatch)""##).count(), 1);
    assert!(svg.contains(r#"class="bar-label end""#));
    assert!(svg.contains(r#"class="bar-label start""#));
}

#[test]
fn a_bar_label_with_no_room_outside_goes_across_zero() {
    let mut c = chart(vec![Layer::Bars {
        bars: vec![Bar {
            x0: -10.0,
            x1: 0.0,
            y0: 0.0,
            y1: 1.0,
            label: Some("-18.7 points".into()),
            negative: true,
        }],
        style: Style::Bar,
    }]);
    c.x.min = -10.0;
    let svg = render(&c, Layout::Wide);
    // Zero is at 72.4 + (656 − 72.4) / 2 = 364.2; the label starts a gap to its right.
    assert!(
        svg.contains(r#"<text class="bar-label start" x="370.2""#),
        "{svg}"
    );
}

#[test]
fn a_narrow_drawing_puts_long_categories_above_their_rows_and_thins_ticks() {
    let mut c = chart(Vec::new());
    // Top row first, as the tornado chart lists them.
    c.y.ticks = (0..3)
        .rev()
        .map(|k| Tick {
            value: f64::from(k) + 0.5,
            label: format!("Partner's claiming age +{k} years"),
        })
        .collect();
    c.y.max = 3.0;
    c.x.ticks = (0..=10)
        .map(|k| Tick {
            value: f64::from(k),
            label: format!("${k},000,000"),
        })
        .collect();
    let svg = render(&c, Layout::Narrow);
    assert!(svg.contains(r#"viewBox="0 0 360 228""#), "{svg}");
    assert_eq!(svg.matches(r#"class="tick row""#).count(), 3);
    assert!(svg.contains(r#"id="test-narrow-title""#));
    let drawn = svg.matches(r#"class="tick x""#).count();
    assert!((2..11).contains(&drawn), "{drawn} of 11 ticks: {svg}");
    // The wide drawing keeps the categories on the left.
    let wide = render(&c, Layout::Wide);
    assert_eq!(wide.matches(r#"class="tick y""#).count(), 3);
    assert!(!wide.contains("tick row"));
}

#[test]
fn each_period_is_a_named_path_in_relative_steps() {
    let svg = render(
        &chart(vec![Layer::Lines {
            x: vec![0.0, 5.0, 10.0],
            ys: vec![vec![0.0, 5.0, 10.0], vec![10.0, 10.0, 10.0]],
            names: vec!["Starting in 1929".into(), "Starting in 1930".into()],
            style: Style::Period,
        }]),
        Layout::Wide,
    );
    // x: 72.4, 364.2, 656 → 72, 364, 656; y: 292, 161, 30.
    assert!(
        svg.contains(
            r#"<path class="period" d="M72 292l292 -131 292 -131"><title>Starting in 1929</title></path>"#
        ),
        "{svg}"
    );
    assert!(svg.contains(r#"d="M72 30l292 0 292 0"><title>Starting in 1930</title>"#));
}
