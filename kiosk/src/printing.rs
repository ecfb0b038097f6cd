//! What a queue ticket says on paper, as ESC/POS commands.
//!
//! The full document model (layouts rendered to ESC/POS, PNG and text; QR codes;
//! stored logos; printer profiles) comes with the printer issue; this is the
//! ticket the station prints today, kept to a few hundred bytes so it leaves a
//! 9600-baud printer in a fraction of a second.

use drivers::escpos::{Align, Command, Cut};

use crate::config::StationInfo;
use crate::domain::TicketSlip;

/// A line of dashes as wide as 58 mm paper in the normal font.
const RULE: &str = "--------------------------------";

/// The commands of one queue ticket.
pub fn ticket(slip: &TicketSlip, station: &StationInfo) -> Vec<Command> {
    let text = |s: &str| Command::Text(format!("{s}\n"));
    let mut job = vec![
        Command::Init,
        Command::ChineseMode(true),
        Command::Align(Align::Center),
        Command::Bold(true),
        text(&station.name_zh),
        Command::Bold(false),
        text(&station.name_en),
        text(RULE),
        Command::Size {
            width: 2,
            height: 2,
        },
        text(&slip.category_zh),
        Command::Size {
            width: 1,
            height: 1,
        },
        text(&slip.category_en),
        Command::Size {
            width: 4,
            height: 4,
        },
        Command::Bold(true),
        text(&slip.code.to_string()),
        Command::Bold(false),
    ];
    if slip.priority {
        job.extend([
            Command::Size {
                width: 2,
                height: 2,
            },
            text("优先 PRIORITY"),
        ]);
    }
    job.push(Command::Size {
        width: 1,
        height: 1,
    });
    let (zh, en) = match (slip.ahead, slip.wait_minutes) {
        (0, _) => (
            "前面没有人，请留意叫号".to_string(),
            "You are next".to_string(),
        ),
        (n, Some(m)) => (
            format!("前面还有 {n} 人，约 {m} 分钟"),
            format!("{n} ahead, about {m} min"),
        ),
        (n, None) => (format!("前面还有 {n} 人"), format!("{n} ahead of you")),
    };
    job.extend([
        text(&zh),
        text(&en),
        text(&slip.issued_local),
        text(RULE),
        text(&format!(
            "投诉电话 Complaints {}",
            station.complaint_hotline
        )),
        Command::Feed(3),
        Command::Cut(Cut::Partial),
    ]);
    job
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::CategoryId;
    use drivers::escpos::encode;

    fn slip(priority: bool, ahead: u32, wait: Option<u32>) -> TicketSlip {
        TicketSlip {
            code: "A012".parse().unwrap(),
            category: CategoryId::new('A').unwrap(),
            category_zh: "社保医保".into(),
            category_en: "Social & Medical Insurance".into(),
            priority,
            ahead,
            wait_minutes: wait,
            issued_at: "2026-11-30T01:05:00Z".parse().unwrap(),
            issued_local: "2026-11-30 09:05".into(),
        }
    }

    fn station() -> StationInfo {
        StationInfo {
            name_zh: "龙坡村便民服务站".into(),
            name_en: "Longpo Village Service Station".into(),
            duty_phone: "0898-88880000".into(),
            complaint_hotline: "12345".into(),
        }
    }

    #[test]
    fn a_ticket_is_small_chinese_and_ends_with_a_cut() {
        let bytes = encode(&ticket(&slip(true, 3, Some(8)), &station()));
        assert!(bytes.replaced.is_empty(), "{:?}", bytes.replaced);
        assert!(
            bytes.bytes.len() < 1024,
            "a text ticket stays under 1 KB: {}",
            bytes.bytes.len()
        );
        assert!(
            bytes.bytes.starts_with(b"\x1b@\x1c&"),
            "init, then Chinese mode"
        );
        assert!(bytes.bytes.ends_with(b"\x1dVB\x03"), "partial cut");
        let window = |needle: &[u8]| bytes.bytes.windows(needle.len()).any(|w| w == needle);
        assert!(
            window(b"\x1d!\x33\x1bE\x01A012\n"),
            "the number in 4x4 bold"
        );
        assert!(window(&[0xc9, 0xe7, 0xb1, 0xa3]), "社保 in GB18030");
    }

    #[test]
    fn the_virtual_printer_reads_back_what_the_encoder_wrote() {
        // Two independent implementations checking each other.
        use board::sim::decode::Decoder;
        use drivers::escpos::{LogoKey, Qr, QrEcc, Raster};
        let mut job = ticket(&slip(false, 2, Some(6)), &station());
        let key = LogoKey::new("LG").unwrap();
        let logo = Raster::new(16, 2, vec![0xf0, 0x0f, 0x0f, 0xf0]).unwrap();
        job.splice(
            2..2,
            [
                Command::StoreLogo {
                    key,
                    image: logo.clone(),
                },
                Command::PrintLogo(key),
                Command::Raster(logo),
                Command::Qr(Qr::new("A012 2026-11-30", 6, QrEcc::M).unwrap()),
                Command::LineSpacing(Some(30)),
            ],
        );
        let pages = Decoder::default().feed(&encode(&job).bytes);
        assert_eq!(pages.len(), 1);
        let page = &pages[0];
        for token in [
            "<init><chinese on><store logo LG 16x2><logo LG><raster 16x2>",
            "<qr \"A012 2026-11-30\">",
            "<line spacing 30>",
            "<size 4x4><bold on>A012\n",
            "<cut partial>",
        ] {
            assert!(
                page.dump.contains(token),
                "{token} missing from {}",
                page.dump
            );
        }
        let lines: Vec<String> = page
            .lines
            .iter()
            .map(|l| l.text())
            .filter(|t| !t.is_empty())
            .collect();
        assert!(lines.contains(&"[qr A012 2026-11-30]".to_string()));
        assert!(lines.contains(&"社保医保".to_string()));
        assert!(lines.contains(&"前面还有 2 人，约 6 分钟".to_string()));
        assert!(
            !page.dump.contains("<ESC") && !page.dump.contains("<GS"),
            "no unknown command: {}",
            page.dump
        );
    }

    #[test]
    fn the_wait_line_reads_naturally() {
        let lines = |s: TicketSlip| -> Vec<String> {
            ticket(&s, &station())
                .into_iter()
                .filter_map(|c| match c {
                    Command::Text(t) => Some(t.trim_end().to_string()),
                    _ => None,
                })
                .collect()
        };
        assert!(lines(slip(false, 0, Some(0))).contains(&"前面没有人，请留意叫号".to_string()));
        assert!(lines(slip(false, 3, Some(8))).contains(&"前面还有 3 人，约 8 分钟".to_string()));
        assert!(lines(slip(false, 3, None)).contains(&"3 ahead of you".to_string()));
        assert!(
            !lines(slip(false, 3, None))
                .iter()
                .any(|l| l.contains("优先"))
        );
    }
}
