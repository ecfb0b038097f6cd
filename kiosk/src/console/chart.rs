//! The report's chart: tickets issued and served per day as grouped bars,
//! drawn as SVG by plotters. It has no text of its own (plotters would need a
//! font on the machine for that); the page labels it and gives the figures
//! in a table beside it.

use plotters::prelude::*;

/// Issued (light) and served (dark) bars per day, `width`×`height` pixels.
pub fn daily_bars(daily: &[(String, u32, u32)], width: u32, height: u32) -> Result<String, String> {
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (width, height)).into_drawing_area();
        root.fill(&WHITE).map_err(|e| e.to_string())?;
        let days = daily.len().max(1) as u32;
        let top = daily.iter().map(|d| d.1.max(d.2)).max().unwrap_or(0).max(1);
        let mut chart = ChartBuilder::on(&root)
            .margin(8)
            .build_cartesian_2d(0..days * 3, 0..top + top / 10 + 1)
            .map_err(|e| e.to_string())?;
        let issued = RGBColor(0x90, 0xb4, 0xf0);
        let served = RGBColor(0x0d, 0x47, 0xa1);
        chart
            .draw_series(
                Histogram::vertical(&chart)
                    .style(issued.filled())
                    .margin(1)
                    .data(daily.iter().enumerate().map(|(i, d)| (i as u32 * 3, d.1))),
            )
            .map_err(|e| e.to_string())?;
        chart
            .draw_series(
                Histogram::vertical(&chart)
                    .style(served.filled())
                    .margin(1)
                    .data(
                        daily
                            .iter()
                            .enumerate()
                            .map(|(i, d)| (i as u32 * 3 + 1, d.2)),
                    ),
            )
            .map_err(|e| e.to_string())?;
        root.present().map_err(|e| e.to_string())?;
    }
    Ok(svg)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_per_day_and_figure() {
        let daily = vec![
            ("2026-11-30".to_string(), 12, 10),
            ("2026-12-01".to_string(), 5, 5),
        ];
        let svg = daily_bars(&daily, 400, 200).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("</svg>"));
        // Two series of two bars, each a filled rectangle.
        assert!(svg.matches("<rect").count() >= 4, "{svg}");
        assert!(daily_bars(&[], 400, 200).unwrap().contains("<svg"));
    }
}
