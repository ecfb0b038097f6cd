//! What the kiosk prints: queue tickets, complaint receipts, case notices and the
//! technician's test page, as layout documents.
//!
//! A [`Document`] is a list of blocks (text in a style, a rule, a QR code, the
//! stored logo, a gap) built from the catalog, the station's details and a
//! locale. It knows nothing of ESC/POS: [`Document::escpos`] lays it out for a
//! printer profile and encodes it, [`Document::text`] gives the same lines as the
//! virtual printer's text dump (so a test can compare the two), and
//! [`Document::preview`] draws the paper as a picture. Text is wrapped here, to
//! the profile's columns, so that all three agree line for line.

use drivers::escpos::{self, Align, Charset, Command, Encoded, LogoKey, Qr, QrEcc, Raster};
use drivers::profile::{Profile, TextEncoding};

use crate::config::StationInfo;
use crate::domain::TicketSlip;

/// Which language leads.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Locale {
    /// Chinese first, English beneath.
    Zh,
    /// English first, Chinese beneath.
    En,
}

/// How a block of text looks.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Style {
    /// Width and height multiplier, 1–8.
    pub size: u8,
    pub bold: bool,
    pub align: Align,
}

impl Style {
    const BODY: Style = Style {
        size: 1,
        bold: false,
        align: Align::Center,
    };

    fn size(self, size: u8) -> Self {
        Self { size, ..self }
    }

    fn bold(self) -> Self {
        Self { bold: true, ..self }
    }

    fn left(self) -> Self {
        Self {
            align: Align::Left,
            ..self
        }
    }
}

/// One block of a document.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Block {
    /// A paragraph, wrapped to the paper.
    Text(String, Style),
    /// A line of dashes across the paper.
    Rule,
    /// A QR code drawn by the printer.
    Qr(String),
    /// The logo stored in the printer, if one is.
    Logo,
    /// An empty line.
    Gap,
}

/// A printable document, independent of the wire format.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Document {
    /// `ticket`, `receipt`, `notice`, `test-page`: for logs and file names.
    pub kind: &'static str,
    pub blocks: Vec<Block>,
}

/// A logo kept in the printer's memory.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct StoredLogo {
    pub key: LogoKey,
    pub image: Raster,
}

impl StoredLogo {
    /// The key under which the kiosk stores its logo.
    pub const KEY: &'static str = "LG";

    /// The station logo shipped in `assets/logo.png`.
    pub fn built_in() -> Result<Self, String> {
        Self::from_png(include_bytes!("../../assets/logo.png"))
    }

    /// A logo from a PNG: dark pixels print. At most 576×512 dots. The
    /// size is checked from the header before anything is decoded, so a
    /// file that claims to be huge costs nothing.
    pub fn from_png(bytes: &[u8]) -> Result<Self, String> {
        // 576×512 dots of 8-bit RGBA, with room for the decoder's own rows.
        let limits = png::Limits {
            bytes: 4 * 1024 * 1024,
        };
        let mut decoder = png::Decoder::new_with_limits(std::io::Cursor::new(bytes), limits);
        decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
        let mut reader = decoder
            .read_info()
            .map_err(|e| format!("not a PNG image: {e}"))?;
        let too_large =
            |w, h| format!("the logo is {w}×{h} dots; at most 576×512 fits a printer's memory");
        let (w, h) = reader.info().size();
        if w > 576 || h > 512 {
            return Err(too_large(w as usize, h as usize));
        }
        let mut buf = vec![0; reader.output_buffer_size().unwrap_or(0)];
        let info = reader
            .next_frame(&mut buf)
            .map_err(|e| format!("cannot read the image: {e}"))?;
        let (w, h) = (info.width as usize, info.height as usize);
        if w > 576 || h > 512 {
            return Err(too_large(w, h));
        }
        let channels = info.color_type.samples();
        let row = w.div_ceil(8);
        let mut bits = vec![0u8; row * h];
        for y in 0..h {
            for x in 0..w {
                let px = &buf[y * info.line_size + x * channels..][..channels];
                let grey = if channels >= 3 {
                    (u32::from(px[0]) + u32::from(px[1]) + u32::from(px[2])) / 3
                } else {
                    u32::from(px[0])
                };
                let transparent = channels == 2 && px[1] < 128 || channels == 4 && px[3] < 128;
                if grey < 128 && !transparent {
                    bits[y * row + x / 8] |= 0x80 >> (x % 8);
                }
            }
        }
        let image = Raster::new(w as u16, h as u16, bits).map_err(|e| e.to_string())?;
        let key = LogoKey::new(Self::KEY).map_err(|e| e.to_string())?;
        Ok(Self { key, image })
    }

    /// The commands that store it in the printer's non-volatile memory (once;
    /// the flash wears).
    pub fn store(&self) -> Vec<Command> {
        vec![
            Command::Init,
            Command::StoreLogo {
                key: self.key,
                image: self.image.clone(),
            },
        ]
    }
}

/// A printer and what it holds: all a document needs to be laid out.
#[derive(Clone, Copy, Debug)]
pub struct Press<'a> {
    pub profile: &'a Profile,
    /// The logo stored in the printer, when tickets should show it.
    pub logo: Option<&'a StoredLogo>,
}

/// A laid-out line.
#[derive(Clone, PartialEq, Eq, Debug)]
enum Row {
    Text(String, Style),
    Qr(String),
    Logo,
    Blank,
}

/// QR module size in dots: about 25 mm for a short payload on either paper.
const QR_MODULE: u8 = 6;

/// The mark of a paper printed again (by staff, after a restart, or after
/// a delivery the printer never confirmed).
pub const REPRINT_MARK: &str = "补打 REPRINT";

impl Document {
    /// The same document marked 补打 REPRINT under its header, so that a
    /// second copy is never taken for a first. Marking twice changes nothing.
    pub fn reprinted(mut self) -> Self {
        let mark = Block::Text(REPRINT_MARK.into(), Style::BODY.size(2).bold());
        if !self.blocks.contains(&mark) {
            let after_header = self
                .blocks
                .iter()
                .position(|b| *b == Block::Rule)
                .map_or(0, |i| i + 1);
            self.blocks.insert(after_header, mark);
        }
        self
    }

    fn rows(&self, press: Press<'_>) -> Vec<Row> {
        let columns = usize::from(press.profile.columns);
        let mut rows = Vec::new();
        for block in &self.blocks {
            match block {
                Block::Text(text, style) => {
                    let width = columns / usize::from(style.size.max(1));
                    for line in wrap(text, width) {
                        rows.push(if line.is_empty() {
                            Row::Blank
                        } else {
                            Row::Text(line, *style)
                        });
                    }
                }
                Block::Rule => rows.push(Row::Text("-".repeat(columns), Style::BODY)),
                Block::Qr(data) => rows.push(Row::Qr(data.clone())),
                Block::Logo if press.logo.is_some() && press.profile.nv_logo => {
                    rows.push(Row::Logo)
                }
                Block::Logo => {}
                Block::Gap => rows.push(Row::Blank),
            }
        }
        rows
    }

    /// The ESC/POS job for a printer, with the characters it had to replace.
    pub fn escpos(&self, press: Press<'_>) -> Encoded {
        let profile = press.profile;
        let mut job = vec![Command::Init, Command::CodePage(profile.code_page)];
        let charset = match profile.encoding {
            TextEncoding::Gb18030 => {
                job.push(Command::ChineseMode(true));
                Charset::Gb18030
            }
            TextEncoding::Ascii => Charset::Ascii,
        };
        // Only changes are sent: a ticket stays a few hundred bytes.
        let (mut align, mut size, mut bold) = (Align::Left, 1, false);
        let mut set_align = |job: &mut Vec<Command>, a: Align| {
            if a != align {
                job.push(Command::Align(a));
                align = a;
            }
        };
        for row in self.rows(press) {
            match row {
                Row::Text(text, style) => {
                    set_align(&mut job, style.align);
                    if style.size != size {
                        job.push(Command::Size {
                            width: style.size,
                            height: style.size,
                        });
                        size = style.size;
                    }
                    if style.bold != bold {
                        job.push(Command::Bold(style.bold));
                        bold = style.bold;
                    }
                    job.push(Command::Text(format!("{text}\n")));
                }
                Row::Qr(data) => {
                    set_align(&mut job, Align::Center);
                    match Qr::new(data.as_bytes(), QR_MODULE, QrEcc::M) {
                        Ok(qr) if profile.qr => job.push(Command::Qr(qr)),
                        _ => job.push(Command::Text(format!("{data}\n"))),
                    }
                }
                Row::Logo => {
                    if let Some(logo) = press.logo {
                        set_align(&mut job, Align::Center);
                        job.push(Command::PrintLogo(logo.key));
                    }
                }
                Row::Blank => job.push(Command::LineFeed),
            }
        }
        match profile.ticket_cut() {
            Some(cut) => job.extend([Command::Feed(3), Command::Cut(cut)]),
            // No cutter: feed past the tear bar.
            None => job.push(Command::Feed(5)),
        }
        escpos::encode_for(&job, charset)
    }

    /// The paper as text, line for line as the virtual printer's `.txt` dump:
    /// blank lines left out, pictures as `[qr DATA]` and `[logo KEY WxH]`, the
    /// cut as `[cut partial]`.
    pub fn text(&self, press: Press<'_>) -> String {
        let mut out = String::new();
        for row in self.rows(press) {
            match row {
                Row::Text(text, _) => out.push_str(&format!("{text}\n")),
                Row::Qr(data) if press.profile.qr => out.push_str(&format!("[qr {data}]\n")),
                Row::Qr(data) => out.push_str(&format!("{data}\n")),
                Row::Logo => {
                    if let Some(logo) = press.logo {
                        out.push_str(&format!(
                            "[logo {} {}x{}]\n",
                            StoredLogo::KEY,
                            logo.image.width(),
                            logo.image.height()
                        ));
                    }
                }
                Row::Blank => {}
            }
        }
        match press.profile.ticket_cut() {
            Some(escpos::Cut::Partial) => out.push_str("[cut partial]\n"),
            Some(escpos::Cut::Full) => out.push_str("[cut full]\n"),
            None => {}
        }
        out
    }

    /// A picture of the paper, drawn without going through ESC/POS.
    pub fn preview(&self, press: Press<'_>) -> std::io::Result<board::sim::render::Paper> {
        use board::sim::decode::{Align as A, Bitmap, Line, Span};
        let align = |a: Align| match a {
            Align::Left => A::Left,
            Align::Center => A::Center,
            Align::Right => A::Right,
        };
        let mut lines = Vec::new();
        for row in self.rows(press) {
            let line = match row {
                Row::Text(text, style) => Line {
                    align: align(style.align),
                    spans: vec![Span {
                        text,
                        size: (style.size, style.size),
                        bold: style.bold,
                    }],
                    image: None,
                    dots: text_dots(style.size),
                },
                Row::Qr(data) => {
                    match board::sim::decode::qr(data.as_bytes(), QR_MODULE.into(), 49) {
                        Some(image) => Line {
                            align: A::Center,
                            spans: vec![],
                            dots: image.height as u32,
                            image: Some(image),
                        },
                        None => continue,
                    }
                }
                Row::Logo => match press.logo {
                    Some(logo) => {
                        let image = Bitmap::from_rows(
                            usize::from(logo.image.width()),
                            usize::from(logo.image.height()),
                            logo.image.bits(),
                        );
                        Line {
                            align: A::Center,
                            spans: vec![],
                            dots: image.height as u32,
                            image: Some(image),
                        }
                    }
                    None => continue,
                },
                Row::Blank => Line {
                    dots: LINE_DOTS,
                    ..Line::default()
                },
            };
            lines.push(line);
        }
        board::sim::render::draw(&lines, usize::from(press.profile.width_dots))
    }

    /// Paper the document takes, in dots, for the printer's time bound.
    pub fn paper_dots(&self, press: Press<'_>) -> u32 {
        let rows: u32 = self
            .rows(press)
            .iter()
            .map(|row| match row {
                Row::Text(_, style) => text_dots(style.size),
                Row::Qr(_) => 200,
                Row::Logo => press.logo.map_or(0, |l| u32::from(l.image.height())),
                Row::Blank => LINE_DOTS,
            })
            .sum();
        // The feed before the cut.
        rows + 3 * LINE_DOTS
    }
}

/// A line's height at the default line spacing (1/6 inch at 180 dpi).
const LINE_DOTS: u32 = 30;

/// A text line's height: the 24-dot cell times its size, and the spacing's gap.
fn text_dots(size: u8) -> u32 {
    24 * u32::from(size) + (LINE_DOTS - 24)
}

/// Splits a paragraph into lines of at most `columns` columns (a Chinese
/// character takes two), breaking between ASCII words where it can and between
/// any two Chinese characters.
fn wrap(text: &str, columns: usize) -> Vec<String> {
    let width = |c: char| if c.is_ascii() { 1 } else { 2 };
    let columns = columns.max(2);
    let mut lines = Vec::new();
    for paragraph in text.split('\n') {
        let mut line = String::new();
        let mut used = 0;
        for token in tokens(paragraph) {
            if token == " " {
                if used > 0 && used < columns {
                    line.push(' ');
                    used += 1;
                }
                continue;
            }
            let w: usize = token.chars().map(width).sum();
            if used + w > columns && used > 0 {
                lines.push(line.trim_end().to_string());
                line.clear();
                used = 0;
            }
            for c in token.chars() {
                if used + width(c) > columns {
                    lines.push(std::mem::take(&mut line));
                    used = 0;
                }
                line.push(c);
                used += width(c);
            }
        }
        lines.push(line.trim_end().to_string());
    }
    lines
}

/// ASCII words, single spaces, and single other characters.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut word = None;
    for (i, c) in text.char_indices() {
        if c.is_ascii() && c != ' ' {
            word.get_or_insert(i);
            continue;
        }
        if let Some(start) = word.take() {
            out.push(&text[start..i]);
        }
        out.push(&text[i..i + c.len_utf8()]);
    }
    if let Some(start) = word {
        out.push(&text[start..]);
    }
    out
}

/// Two lines, the locale's language first.
fn both(locale: Locale, zh: &str, en: &str) -> [String; 2] {
    match locale {
        Locale::Zh => [zh.to_string(), en.to_string()],
        Locale::En => [en.to_string(), zh.to_string()],
    }
}

fn header(station: &StationInfo, locale: Locale) -> Vec<Block> {
    let [first, second] = both(locale, &station.name_zh, &station.name_en);
    vec![
        Block::Logo,
        Block::Text(first, Style::BODY.bold()),
        Block::Text(second, Style::BODY),
        Block::Rule,
    ]
}

/// A queue ticket. Its QR code holds the day and the number, nothing about the
/// person.
pub fn ticket(slip: &TicketSlip, station: &StationInfo, locale: Locale) -> Document {
    let mut blocks = header(station, locale);
    let [cat1, cat2] = both(locale, &slip.category_zh, &slip.category_en);
    blocks.extend([
        Block::Text(cat1, Style::BODY.size(2)),
        Block::Text(cat2, Style::BODY),
        Block::Text(slip.code.to_string(), Style::BODY.size(4).bold()),
    ]);
    if slip.priority {
        blocks.push(Block::Text("优先 PRIORITY".into(), Style::BODY.size(2)));
    }
    if let Some(m) = &slip.matter {
        let label = match locale {
            Locale::Zh => "办理事项",
            Locale::En => "Matter",
        };
        blocks.push(Block::Text(
            format!("{label}: {}", m.name(locale == Locale::En)),
            Style::BODY.bold(),
        ));
    }
    // Every window of the category was away when it was taken: say so,
    // and when they are back or where to go.
    if let Some(a) = &slip.away {
        let [first, second] = both(locale, &a.zh, &a.en);
        blocks.push(Block::Text(first, Style::BODY.bold()));
        blocks.push(Block::Text(second, Style::BODY));
    }
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
    let [wait1, wait2] = both(locale, &zh, &en);
    blocks.extend([
        Block::Text(wait1, Style::BODY),
        Block::Text(wait2, Style::BODY),
        Block::Text(slip.issued_local.clone(), Style::BODY),
    ]);
    let day = slip.issued_local.split(' ').next().unwrap_or_default();
    blocks.extend([
        Block::Qr(format!("{day} {}", slip.code)),
        Block::Rule,
        Block::Text(
            format!("投诉电话 Complaints {}", station.complaint_hotline),
            Style::BODY,
        ),
    ]);
    let document = Document {
        kind: "ticket",
        blocks,
    };
    if slip.reprint {
        document.reprinted()
    } else {
        document
    }
}

/// What a complaint receipt says (the complaint box fills it in).
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ReceiptFacts {
    pub case_no: String,
    /// `2026-11-30 09:05`.
    pub filed_local: String,
    pub topic_zh: String,
    pub topic_en: String,
    /// The window complained about, if the citizen named one.
    pub window: Option<u8>,
    /// The promised answer date, `2026-12-07`.
    pub answer_by: String,
    pub working_days: u32,
    /// The answer date counts on a year without an official holiday list.
    pub provisional: bool,
}

/// The receipt a citizen takes home after filing a complaint.
pub fn complaint_receipt(facts: &ReceiptFacts, station: &StationInfo, locale: Locale) -> Document {
    let mut blocks = header(station, locale);
    let [title1, title2] = both(locale, "投诉受理回执", "Complaint receipt");
    blocks.extend([
        Block::Text(title1, Style::BODY.size(2).bold()),
        Block::Text(title2, Style::BODY),
        Block::Gap,
        Block::Text(facts.case_no.clone(), Style::BODY.size(2).bold()),
    ]);
    let left = Style::BODY.left();
    let window = facts.window.map_or_else(
        || "未指明 not named".to_string(),
        |w| format!("{w} 号窗口 window {w}"),
    );
    let approx = if facts.provisional {
        "（暂按周一至周五计算 provisional）"
    } else {
        ""
    };
    blocks.extend([
        Block::Text(format!("受理时间 Filed: {}", facts.filed_local), left),
        Block::Text(
            format!("事项 About: {} {}", facts.topic_zh, facts.topic_en),
            left,
        ),
        Block::Text(format!("窗口 Window: {window}"), left),
        Block::Text(
            format!(
                "答复期限 Answer by: {} ({} 个工作日 working days){approx}",
                facts.answer_by, facts.working_days
            ),
            left,
        ),
        Block::Rule,
        Block::Text(
            format!(
                "凭此号查询办理进度 Quote this number to follow up: 服务站电话 {} / 投诉电话 {}",
                station.duty_phone, station.complaint_hotline
            ),
            left,
        ),
        Block::Qr(facts.case_no.clone()),
    ]);
    Document {
        kind: "receipt",
        blocks,
    }
}

/// What a case notice says: the written notice of an extended deadline.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct NoticeFacts {
    pub case_no: String,
    pub reason: String,
    pub old_deadline: String,
    pub new_deadline: String,
    /// `2026-12-03 10:00`.
    pub issued_local: String,
    /// The station manager who approved it.
    pub manager: String,
}

/// The written notice that a case's deadline was extended.
pub fn case_notice(facts: &NoticeFacts, station: &StationInfo, locale: Locale) -> Document {
    let mut blocks = header(station, locale);
    let [title1, title2] = both(locale, "延期办理告知书", "Notice of extension");
    let left = Style::BODY.left();
    blocks.extend([
        Block::Text(title1, Style::BODY.size(2).bold()),
        Block::Text(title2, Style::BODY),
        Block::Gap,
        Block::Text(format!("案件编号 Case: {}", facts.case_no), left.bold()),
        Block::Text(format!("原答复期限 Was due: {}", facts.old_deadline), left),
        Block::Text(format!("延至 Now due: {}", facts.new_deadline), left.bold()),
        Block::Text(format!("延期理由 Reason: {}", facts.reason), left),
        Block::Text(format!("批准 Approved by: {}", facts.manager), left),
        Block::Text(format!("日期 Date: {}", facts.issued_local), left),
        Block::Rule,
        Block::Text(
            format!(
                "如有异议请致电 Questions: {} / {}",
                station.duty_phone, station.complaint_hotline
            ),
            left,
        ),
    ]);
    Document {
        kind: "notice",
        blocks,
    }
}

/// What the closing slip (日结单) of a business day says.
#[derive(Clone, PartialEq, Debug)]
pub struct DaySlipFacts {
    pub day: String,
    pub issued: u32,
    pub served: u32,
    pub no_show: u32,
    pub unserved: u32,
    pub back_entered: u32,
    /// Matters recorded at the windows (办件), and the written notices of
    /// missing materials among them.
    pub matters: u32,
    pub notices: u32,
    pub ratings: u32,
    /// Share of ratings 4 and 5, in percent.
    pub satisfaction: Option<f64>,
    pub cases_opened: u32,
    pub complaints: u32,
    /// The journal's head when the slip was printed: `SEQ:HASH`.
    pub anchor: Option<String>,
    /// `2026-11-30 18:00`.
    pub printed_local: String,
}

/// The closing slip printed when the business day closes: the day's figures
/// for the station's records (按时报送) and the journal's head, an anchor
/// kept on paper that `kiosk verify-log --anchor` checks the journal against.
pub fn day_slip(facts: &DaySlipFacts, station: &StationInfo) -> Document {
    let mut blocks = header(station, Locale::Zh);
    let left = Style::BODY.left();
    let satisfaction = facts
        .satisfaction
        .map_or_else(|| "—".to_string(), |s| format!("{s:.0} %"));
    blocks.extend([
        Block::Text("日结单".into(), Style::BODY.size(2).bold()),
        Block::Text("Day closing slip".into(), Style::BODY),
        Block::Text(facts.day.clone(), Style::BODY.size(2)),
        Block::Gap,
        Block::Text(format!("取号 Tickets: {}", facts.issued), left),
        Block::Text(format!("接待完毕 Served: {}", facts.served), left),
        Block::Text(format!("过号 No-show: {}", facts.no_show), left),
        Block::Text(format!("未接待 Unserved: {}", facts.unserved), left),
        Block::Text(
            format!(
                "办件 Matters: {} (补正告知 notices {})",
                facts.matters, facts.notices
            ),
            left,
        ),
        Block::Text(format!("补录 Back-entered: {}", facts.back_entered), left),
        Block::Text(format!("评价 Ratings: {}", facts.ratings), left),
        Block::Text(format!("满意率 Satisfied: {satisfaction}"), left),
        Block::Text(format!("新案件 Cases: {}", facts.cases_opened), left),
        Block::Text(format!("其中投诉 Complaints: {}", facts.complaints), left),
        Block::Rule,
    ]);
    match &facts.anchor {
        Some(anchor) => blocks.extend([
            Block::Text("记录校验码 Journal anchor".into(), left.bold()),
            Block::Text(anchor.clone(), left.bold()),
            Block::Text("核对 Check: kiosk verify-log".into(), left),
            Block::Text(format!("--anchor {anchor}"), left),
        ]),
        None => blocks.push(Block::Text("记录为空 The journal is empty".into(), left)),
    }
    blocks.extend([
        Block::Gap,
        Block::Text("签名存档 Sign and file:".into(), left),
        Block::Gap,
        Block::Text("________________".into(), left),
        Block::Text(format!("打印 Printed: {}", facts.printed_local), left),
    ]);
    Document {
        kind: "day-slip",
        blocks,
    }
}

/// The technician's test page: every size, bold, alignment, the QR code, the
/// logo by reference, the profile's facts, and a cut.
pub fn test_page(press: Press<'_>, station: &StationInfo) -> Document {
    let p = press.profile;
    let mut blocks = header(station, Locale::Zh);
    blocks.push(Block::Text(
        "打印机测试页 Printer test page".into(),
        Style::BODY.bold(),
    ));
    // Every size the printer has (GS ! 1–8), short enough for 58 mm paper.
    for size in 1..=8 {
        blocks.push(Block::Text(format!("{size}号"), Style::BODY.size(size)));
    }
    blocks.extend([
        Block::Text("粗体 Bold".into(), Style::BODY.bold()),
        Block::Text("左 Left".into(), Style::BODY.left()),
        Block::Text(
            "右 Right".into(),
            Style {
                align: Align::Right,
                ..Style::BODY
            },
        ),
        Block::Qr("kiosk printer test".into()),
        Block::Rule,
        Block::Text(format!("{} ({})", p.name, p.id), Style::BODY.left()),
        Block::Text(
            format!(
                "{} dots, {} columns, {} mm/s, buffer {} B",
                p.width_dots, p.columns, p.speed_mm_s, p.receive_buffer
            ),
            Style::BODY.left(),
        ),
        Block::Text(
            if press.logo.is_some() {
                "logo LG printed from the printer's memory"
            } else {
                "no logo stored: kiosk printer store-logo"
            }
            .into(),
            Style::BODY.left(),
        ),
    ]);
    Document {
        kind: "test-page",
        blocks,
    }
}

/// One of each document with made-up facts, for previews and benchmarks.
pub fn samples(press: Press<'_>, station: &StationInfo) -> Vec<(&'static str, Document)> {
    let slip = |priority: bool, ahead: u32| TicketSlip {
        away: None,
        code: crate::domain::TicketCode {
            category: crate::domain::CategoryId::new('A').expect("A is a category letter"),
            number: 12,
        },
        category: crate::domain::CategoryId::new('A').expect("A is a category letter"),
        category_zh: "社保医保".into(),
        category_en: "Social & Medical Insurance".into(),
        priority,
        ahead,
        wait_minutes: Some(ahead * 4),
        issued_at: jiff::Timestamp::UNIX_EPOCH,
        issued_local: "2026-11-30 09:05".into(),
        reprint: false,
        matter: None,
    };
    let mut for_matter = slip(false, 4);
    let mut out = vec![
        ("ticket-zh", ticket(&slip(false, 3), station, Locale::Zh)),
        ("ticket-en", ticket(&slip(true, 1), station, Locale::En)),
        (
            "receipt",
            complaint_receipt(&sample_receipt(), station, Locale::Zh),
        ),
        ("notice", case_notice(&sample_notice(), station, Locale::Zh)),
        ("day-slip", day_slip(&sample_day_slip(), station)),
        (
            "ticket-reprint",
            ticket(&slip(false, 2), station, Locale::Zh).reprinted(),
        ),
        ("test-page", test_page(press, station)),
    ];
    // The sample catalog's matter with the most materials.
    let sample = crate::config::parse_catalog("catalog.toml", crate::config::DEFAULT_CATALOG)
        .ok()
        .and_then(|c| {
            crate::config::parse_matters("matters.toml", crate::config::SAMPLE_MATTERS, &c, 0).ok()
        });
    if let Some(m) = sample.and_then(|s| s.matters.into_iter().max_by_key(|m| m.materials.len())) {
        for_matter.matter = Some(m.reference(0));
        out.push(("ticket-matter", ticket(&for_matter, station, Locale::Zh)));
        out.push(("guide", guide_notice(&m, station, Locale::Zh, "2026-11-30")));
        out.push((
            "guide-en",
            guide_notice(&m, station, Locale::En, "2026-11-30"),
        ));
        let facts = MissingFacts {
            notice_no: "BZ20261130-004".into(),
            matter_zh: m.name.zh.clone(),
            missing: m
                .materials
                .iter()
                .take(3)
                .map(|x| x.name.zh.clone())
                .collect(),
            return_by: "2026-12-14".into(),
            provisional: false,
            window: 2,
            staff: "李敏 (102)".into(),
            given_local: "2026-11-30 10:12".into(),
        };
        out.push(("missing", missing_notice(&facts, station)));
        let docket = sample_docket(&m);
        let facts = DocketFacts {
            staff: "李敏 (102)".into(),
            accepted_local: "2026-11-30 10:12".into(),
        };
        out.push(("docket", docket_receipt(&docket, &facts, station)));
        if let Ok(p) = crate::domain::Principal::new("王小明", "11010519491231002X") {
            out.push((
                "commission",
                docket_commission(&docket, &p, &facts, station),
            ));
        }
    }
    out
}

/// A proxy docket of `m` with every one of its materials received, made up.
fn sample_docket(m: &crate::domain::Matter) -> crate::domain::Docket {
    use crate::domain::{
        Actor, Deadline, Docket, DocketKind, DocketStage, DocketStep, LookupCode, Received,
    };
    let day = jiff::civil::date(2026, 11, 30);
    Docket {
        no: crate::domain::DocketNo {
            year: 2026,
            seq: 12,
        },
        code: LookupCode::from_random(3821),
        kind: DocketKind::Proxy,
        matter: m.reference(0),
        day,
        window: crate::domain::WindowNo::new(2).expect("2 is a window"),
        staff: None,
        ticket: None,
        materials: m
            .materials
            .iter()
            .map(|x| Received {
                name: format!("{}（{}）", x.name.zh, x.form.zh()),
                count: x.copies,
            })
            .collect(),
        working_days: 10,
        promised: Deadline {
            date: jiff::civil::date(2026, 12, 14),
            provisional: false,
        },
        principal: true,
        history: vec![DocketStep {
            stage: DocketStage::Accepted,
            at: jiff::Timestamp::UNIX_EPOCH,
            at_day: day,
            by: Actor::Staff { id: "102".into() },
            note: String::new(),
            office: None,
            notified: None,
            window: None,
        }],
        rating: None,
    }
}

/// A closing slip's facts, made up.
fn sample_day_slip() -> DaySlipFacts {
    DaySlipFacts {
        day: "2026-11-30".into(),
        issued: 86,
        served: 79,
        no_show: 4,
        unserved: 3,
        back_entered: 2,
        matters: 64,
        notices: 5,
        ratings: 61,
        satisfaction: Some(93.4),
        cases_opened: 2,
        complaints: 1,
        anchor: Some("1842:9f86d081884c7d65".into()),
        printed_local: "2026-11-30 18:00".into(),
    }
}

/// A complaint receipt's facts, made up.
fn sample_receipt() -> ReceiptFacts {
    ReceiptFacts {
        case_no: "TS-20261130-003".into(),
        filed_local: "2026-11-30 09:05".into(),
        topic_zh: "办事效率".into(),
        topic_en: "Speed of service".into(),
        window: Some(2),
        answer_by: "2026-12-07".into(),
        working_days: 5,
        provisional: false,
    }
}

/// An extension notice's facts, made up.
fn sample_notice() -> NoticeFacts {
    NoticeFacts {
        case_no: "TS-20261130-003".into(),
        reason: "需要县医保局核实缴费记录 Records to be checked with the county insurance office"
            .into(),
        old_deadline: "2026-12-07".into(),
        new_deadline: "2026-12-21".into(),
        issued_local: "2026-12-03 10:00".into(),
        manager: "站长 王丽".into(),
    }
}

pub mod case_file;
mod dockets;
mod matters;
pub use dockets::{DocketFacts, docket_commission, docket_receipt, receipt_code};
pub use matters::{MissingFacts, guide_notice, missing_notice};

#[cfg(test)]
mod tests;
