//! The papers of the matter guide: the one-time notice (一次性告知单) a
//! citizen prints at the lobby guide before queuing — what to bring, the
//! fee, the time limit, the window — and the written notice of missing
//! materials (补正材料一次性告知书) staff give at the window.

use super::{Block, Document, Locale, Style, both, header};
use crate::config::StationInfo;
use crate::domain::{Fee, Matter, TimeLimit};

/// A matter's one-time notice, as the lobby guide prints it: every material
/// with its form and copies as a checklist, the fee, the time limit, the
/// windows, the station's phone and the date.
pub fn guide_notice(
    matter: &Matter,
    station: &StationInfo,
    locale: Locale,
    today: &str,
) -> Document {
    let en = locale == Locale::En;
    let mut blocks = header(station, locale);
    let [title1, title2] = both(locale, "一次性告知单", "What to bring");
    let left = Style::BODY.left();
    blocks.extend([
        Block::Text(title1, Style::BODY.size(2).bold()),
        Block::Text(title2, Style::BODY),
        Block::Gap,
        Block::Text(
            matter.name.shown(en).to_string(),
            Style::BODY.size(2).bold(),
        ),
    ]);
    if en && matter.name.en.is_some() {
        blocks.push(Block::Text(matter.name.zh.clone(), Style::BODY));
    }
    let windows = matter
        .windows
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("、");
    let limit = match matter.limit {
        TimeLimit::Immediate => "即办 at once".to_string(),
        TimeLimit::WorkingDays(n) => format!("{n} 个工作日 working days"),
    };
    let fee = match &matter.fee {
        Fee::Free => "不收费 free".to_string(),
        Fee::Charged { amount, basis } => format!("{amount}（依据 {basis}）"),
    };
    blocks.extend([
        Block::Text(format!("办理窗口 Window: {windows} 号"), left),
        Block::Text(format!("承诺时限 Time limit: {limit}"), left),
        Block::Text(format!("收费 Fee: {fee}"), left),
        Block::Rule,
        Block::Text(
            format!("请带齐以下材料 Bring ({}):", matter.materials.len()),
            left.bold(),
        ),
    ]);
    for (i, m) in matter.materials.iter().enumerate() {
        let form = if en { m.form_en() } else { m.form_zh() };
        let copy = if m.station_copies {
            if en {
                "; copies made here"
            } else {
                "，可在本站复印"
            }
        } else {
            ""
        };
        blocks.push(Block::Text(
            format!("□ {}. {} {form}{copy}", i + 1, m.name.shown(en)),
            left,
        ));
        if let Some(note) = &m.note {
            blocks.push(Block::Text(format!("   {}", note.shown(en)), left));
        }
    }
    blocks.push(Block::Rule);
    if matter.in_person {
        blocks.push(Block::Text("须本人到场 Come in person".into(), left));
    }
    if matter.proxy {
        blocks.push(Block::Text(
            "可由代办员代办 Our agent can take it for you".into(),
            left,
        ));
    }
    blocks.extend([
        Block::Text(format!("咨询电话 Phone: {}", station.duty_phone), left),
        Block::Text(format!("打印日期 Date: {today}"), left),
    ]);
    Document {
        kind: "guide",
        blocks,
    }
}

/// What a written notice of missing materials says.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct MissingFacts {
    pub notice_no: String,
    pub matter_zh: String,
    pub missing: Vec<String>,
    /// `2026-12-17`.
    pub return_by: String,
    /// The date counts over a year without an official holiday list.
    pub provisional: bool,
    pub window: u8,
    /// The staff member who gave it, as the station names them.
    pub staff: String,
    /// `2026-12-03 10:00`.
    pub given_local: String,
}

/// The written notice of missing materials (补正材料一次性告知书): what is
/// missing, by when to bring it, where, who gave the notice, its number.
pub fn missing_notice(facts: &MissingFacts, station: &StationInfo) -> Document {
    let mut blocks = header(station, Locale::Zh);
    let left = Style::BODY.left();
    blocks.extend([
        Block::Text("补正材料".into(), Style::BODY.size(2).bold()),
        Block::Text("一次性告知书".into(), Style::BODY.size(2).bold()),
        Block::Text("Notice of missing materials".into(), Style::BODY),
        Block::Gap,
        Block::Text(facts.notice_no.clone(), Style::BODY.size(2).bold()),
        Block::Text(format!("办理事项 Matter: {}", facts.matter_zh), left.bold()),
        Block::Text(
            "经审核，您的申请材料尚需补正。请补齐以下全部材料 Please bring:".into(),
            left,
        ),
    ]);
    for (i, m) in facts.missing.iter().enumerate() {
        blocks.push(Block::Text(format!("□ {}. {m}", i + 1), left));
    }
    let approx = if facts.provisional {
        "（暂按周一至周五计算）"
    } else {
        ""
    };
    blocks.extend([
        Block::Rule,
        Block::Text(
            format!("请于 {} 前补齐{approx} Bring by", facts.return_by),
            left.bold(),
        ),
        Block::Text(
            format!(
                "到 {} 号窗口办理，不再另行要求其他材料；办理时限自收到补正材料次日起计算。",
                facts.window
            ),
            left,
        ),
        Block::Text(
            format!(
                "经办人 Staff: {}  窗口 Window: {}",
                facts.staff, facts.window
            ),
            left,
        ),
        Block::Text(format!("告知时间 Date: {}", facts.given_local), left),
        Block::Text(format!("咨询电话 Phone: {}", station.duty_phone), left),
        Block::Qr(facts.notice_no.clone()),
    ]);
    Document {
        kind: "missing",
        blocks,
    }
}
