//! The layout test's longest data: the home screen's view with every text
//! at its longest (six windows, away notices, stand-ins, alarms, staff
//! figures) and a matter catalog as long as a catalog may be.

use super::*;

/// The home screen's data at its longest.
pub(super) fn long_view(catalog: &[(&str, &str, &str)]) -> ScreenView {
    ScreenView {
        categories: catalog
            .iter()
            .enumerate()
            .map(|(i, (id, zh, en))| crate::screen::CategoryRow {
                id: (*id).into(),
                zh: (*zh).into(),
                en: (*en).into(),
                issuing: i != 1,
                waiting: 128,
                wait_minutes: Some(245),
                // The longest away notice a button shows.
                away_zh: if i == 2 {
                    "区政务中心送件，12-04 09:00 返回".into()
                } else {
                    String::new()
                },
                away_en: if i == 2 {
                    "Staff away, back 12-04 09:00".into()
                } else {
                    String::new()
                },
            })
            .collect(),
        serving: (1..=6)
            .map(|w| crate::screen::ServingRow {
                window: w,
                ticket: if w >= 5 { String::new() } else { format!("A{w:03}") },
                fresh: w == 1,
                announcing: w == 1,
                paused: w >= 5,
                // Window 5's member is away, window 4's B post stands in.
                away_zh: if w == 5 {
                    "区政务中心送件，12-04 09:00 返回".into()
                } else {
                    String::new()
                },
                away_en: if w == 5 {
                    "Staff away, back 12-04 09:00".into()
                } else {
                    String::new()
                },
                post_zh: if w == 4 { "代办员".into() } else { String::new() },
                post_en: if w == 4 { "proxy agent".into() } else { String::new() },
            })
            .collect(),
        issuing: true,
        evacuate: false,
        alarms: ["panic-window-1", "panic-window-2", "smoke-hall", "gas-kitchen"]
            .iter()
            .enumerate()
            .map(|(i, zone)| crate::screen::AlarmRow {
                zone: (*zone).into(),
                label: format!("紧急报警 Panic · {zone}"),
                state: "报警 ALARM · 输入仍在报警 input still active · 故障 fault: the loop reads open circuit (check the wiring)".into(),
                latched: i < 3,
                acknowledged: i == 1,
                fault: true,
            })
            .collect(),
        printer: "未连接：检查电源和数据线 · Not connected: check power and cable".into(),
        printer_ok: false,
        summary: [
            "取号 Tickets issued",
            "接待完毕 Served",
            "等候中 Waiting",
            "过号 No-show",
            "评价 Ratings",
            "满意率 Satisfaction",
            "未结案件 Open cases",
            "补录 Back-entered",
        ]
        .iter()
        .map(|l| crate::screen::SummaryRow {
            label: (*l).into(),
            value: "1288 (超期 overdue 12)".into(),
        })
        .collect(),
        // Six windows: the longest name and number on a substitute's post,
        // the member signed in to staff mode at one, nobody at another.
        on_duty: (1..=6)
            .map(|w| crate::screen::OnDutyRow {
                window: w,
                who: if w == 3 {
                    String::new()
                } else {
                    "欧阳文华华华华华华华华华华华华 (0101010101010101) · 代办员".into()
                },
                mine: w == 2,
            })
            .collect(),
        voice_line: "正在播放 Now: 叫号 call A001 → 1\n等待 Waiting: 重呼 recall B012 → 2\n等待 Waiting: 读屏 read aloud".into(),
        next_open: "2027-01-04（星期一）08:30".into(),
        duty: "欧阳文华华华华华华华华华华华华 0731-88888888 转 8008".into(),
        closure: format!("台风停止办公：{}", "受台风影响暂停对外办公，急事请拨值班电话。".repeat(8)),
        // Pages as the station cuts them: five lines each, 36 half-width
        // units at most (18 Chinese characters, or 36 letters).
        board: vec![
            crate::screen::BoardPage {
                title: "在岗人员 On duty（1/3）".into(),
                lines: vec![format!("6 号窗口  {}", "欧阳文华".repeat(12)); 3],
                photos: vec![
                    concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/cards/away-128x64.png").into();
                    3
                ],
            },
            crate::screen::BoardPage {
                title: "考勤公示 Attendance（2/3）".into(),
                lines: vec!["WWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWWW".into(); 5],
                photos: vec![String::new(); 5],
            },
        ],
        notice: "打印机缺纸，请换纸 Printer out of paper  |  时钟未校准 The clock is not set".into(),
        clock_doubt: "时钟 12-31 23:59，记录已到 01-08 08:30；时钟正确请站长确认\nClock 12-31 23:59, records 01-08 08:30: manager confirms if right".into(),
        time: "23:59".into(),
        date_zh: "12月31日 星期三".into(),
        date_en: "Wednesday 30 September".into(),
    }
}

/// A matter catalog with names, materials and notes as long as a catalog
/// may give them: twelve matters, the first with thirty materials.
pub(super) fn long_matters() -> String {
    let name: String = "城乡居民基本养老保险待遇领取资格认证及补发申请"
        .chars()
        .cycle()
        .take(crate::domain::MAX_NAME)
        .collect();
    let material: String = "户口簿首页及本人页复印件（须加盖村委会公章并由申请人签字确认）"
        .chars()
        .cycle()
        .take(crate::domain::MAX_MATERIAL)
        .collect();
    let mut out = String::from("[catalog]\n");
    for i in 0..12 {
        out.push_str(&format!(
            "[[matter]]\nid = \"long-{i}\"\nname = \"{name}\"\nname_en = \"{}\"\ncategory = \"A\"\nbasis = [\"《中华人民共和国社会保险法》\"]\nconditions = [\"{material}{material}\"]\ntime_limit = 365\nfee = {{ amount = \"工本费 20 元（补领另收 20 元）\", basis = \"《居民身份证法》\" }}\nproxy = true\nin_person = true\n",
            "Rural and Urban Residents' Basic Pension: Certification".repeat(2).chars().take(80).collect::<String>()
        ));
        let count = if i == 0 {
            crate::domain::MAX_MATERIALS
        } else {
            2
        };
        for _ in 0..count {
            out.push_str(&format!(
                "[[matter.material]]\nname = \"{material}\"\nform = \"both\"\ncopies = 20\nnote = \"{material}{material}\"\nstation_copies = true\n"
            ));
        }
    }
    out
}
