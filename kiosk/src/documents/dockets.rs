//! The papers of a docket: the receipt (受理回执) a citizen takes away from
//! a matter accepted but not finished at the counter — its number and lookup
//! code, the materials received and counted, the promised date, where to
//! collect — and the commission (代办委托书) a citizen signs when the
//! station's 代办员 carries the matter for them.

use super::{Block, Document, Style, header};
use crate::config::StationInfo;
use crate::domain::{Docket, DocketKind, Principal};

/// What a docket's papers say beside the docket itself.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct DocketFacts {
    /// Who accepted it, `王芳 (0101)`.
    pub staff: String,
    /// When it was accepted, `2026-11-30 09:05`.
    pub accepted_local: String,
}

/// What the receipt's QR code holds: the number and the lookup code, which
/// the kiosk's scanner reads back (`SL2026-00012/4821`).
pub fn receipt_code(d: &Docket) -> String {
    format!("{}/{}", d.no, d.code)
}

/// The materials handed over, numbered, each with its count.
fn materials(d: &Docket) -> impl Iterator<Item = Block> + '_ {
    d.materials.iter().enumerate().map(|(i, m)| {
        Block::Text(
            format!("{}. {} × {}", i + 1, m.name, m.count),
            Style::BODY.left(),
        )
    })
}

/// The receipt the citizen keeps until the result is collected.
pub fn docket_receipt(d: &Docket, facts: &DocketFacts, station: &StationInfo) -> Document {
    let mut blocks = header(station, super::Locale::Zh);
    let left = Style::BODY.left();
    let title = match d.kind {
        DocketKind::Promised => "受理回执",
        DocketKind::Proxy => "代办受理回执",
    };
    blocks.extend([
        Block::Text(title.into(), Style::BODY.size(2).bold()),
        Block::Text("Receipt".into(), Style::BODY),
        Block::Gap,
        Block::Text(d.no.to_string(), Style::BODY.size(2).bold()),
        Block::Text(format!("查询码 Code: {}", d.code), Style::BODY.bold()),
        Block::Text(format!("办理事项 Matter: {}", d.matter.zh), left.bold()),
        Block::Text("收到材料 Materials received:".into(), left),
    ]);
    blocks.extend(materials(d));
    let approx = if d.promised.provisional {
        "（暂按周一至周五计算 provisional）"
    } else {
        ""
    };
    blocks.extend([
        Block::Text(format!("共 {} 份 pieces in all", d.pieces()), left),
        Block::Rule,
        Block::Text(
            format!(
                "承诺办结 Ready by: {} ({} 个工作日 working days){approx}",
                d.promised.date, d.working_days
            ),
            left.bold(),
        ),
        Block::Text(
            format!(
                "办结后凭本回执到 {} 号窗口领取；大厅公示栏可查回执号。Collect at window {} with this receipt.",
                d.window, d.window
            ),
            left,
        ),
        Block::Text(format!("经办人 Staff: {}", facts.staff), left),
        Block::Text(format!("受理时间 Accepted: {}", facts.accepted_local), left),
        Block::Text(
            format!(
                "咨询电话 Phone: {} · 投诉电话 Complaints: {}",
                station.duty_phone, station.complaint_hotline
            ),
            left,
        ),
        Block::Qr(receipt_code(d)),
    ]);
    Document {
        kind: "docket-receipt",
        blocks,
    }
}

/// The commission the citizen signs: their name and ID number in full (it
/// stays in the docket's paper file), the matter, the materials handed
/// over, and lines for both signatures.
pub fn docket_commission(
    d: &Docket,
    principal: &Principal,
    facts: &DocketFacts,
    station: &StationInfo,
) -> Document {
    let mut blocks = header(station, super::Locale::Zh);
    let left = Style::BODY.left();
    blocks.extend([
        Block::Text("代办委托书".into(), Style::BODY.size(2).bold()),
        Block::Text("Commission to the proxy clerk".into(), Style::BODY),
        Block::Gap,
        Block::Text(format!("回执号 Receipt: {}", d.no), Style::BODY.bold()),
        Block::Text(format!("委托人 Citizen: {}", principal.name()), left),
        Block::Text(format!("身份证号 ID: {}", principal.id_number()), left),
        Block::Text(format!("委托事项 Matter: {}", d.matter.zh), left.bold()),
        Block::Text(
            format!(
                "本人自愿委托便民服务站代办员代为办理上述事项，并交付以下材料共 {} 份：",
                d.pieces()
            ),
            left,
        ),
    ]);
    blocks.extend(materials(d));
    blocks.extend([
        Block::Text(
            format!(
                "承诺办结 Ready by: {}；结果由代办员送回本站并通知本人领取。",
                d.promised.date
            ),
            left,
        ),
        Block::Rule,
        Block::Text("委托人签名 Citizen: ____________".into(), left),
        Block::Text(
            format!("代办员 Clerk: {}  签名 ________", facts.staff),
            left,
        ),
        Block::Text(format!("日期 Date: {}", facts.accepted_local), left),
    ]);
    Document {
        kind: "docket-commission",
        blocks,
    }
}
