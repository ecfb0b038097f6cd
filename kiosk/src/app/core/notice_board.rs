//! The lobby's notice board (公示栏) as the station loop draws it: who is on
//! post at each window today, the receipt numbers whose results are ready
//! to collect (numbers only, never names), the notices the manager posted, the duty
//! roster for the coming week, last week's attendance in the form the
//! regulations post it (考勤制度 4: every Monday, for a week; leave without
//! its kind), the service commitments and the fee list — each a page of a
//! few lines, so that nothing on the panel needs scrolling.

use jiff::Timestamp;

use super::Core;
use crate::attendance::{Rules, Sheet};
use crate::domain::{Fee, StationView};
use crate::screen::BoardPage;

/// Lines on one page of the board: big type, no scrolling.
const LINES: usize = 5;

/// Windows on one page of staff on duty, each with the member's photo.
const WITH_PHOTOS: usize = 3;

/// The widest line, in half-width units (a Chinese character is two): what
/// 22-unit type fits across the narrowest panel (portrait, 480 units).
const WIDTH: usize = 36;

const WEEK_ZH: [&str; 7] = ["周一", "周二", "周三", "周四", "周五", "周六", "周日"];

impl Core {
    /// Reads last week's attendance for the board: at start, as a day
    /// opens, and when leave is entered or struck out.
    pub(super) async fn refresh_board(&mut self) {
        let now = self.clock.now();
        let calendar = self.station.calendar().clone();
        let hours = self.station.catalog().hours().clone();
        let settings = self.station.settings().clone();
        let today = settings.time_zone.to_datetime(now).date();
        let last_week = today.saturating_sub(jiff::Span::new().days(7));
        let read = self
            .writer
            .read(move |store| {
                let rules = Rules {
                    calendar: &calendar,
                    hours: &hours,
                    settings: &settings,
                };
                crate::attendance::week(store.connection(), store.path(), &rules, last_week, now)
            })
            .await;
        match read {
            Ok(Ok(sheet)) => self.board_sheet = Some(sheet),
            Ok(Err(e)) | Err(e) => {
                tracing::warn!("the notice board's attendance page cannot be read: {e}");
            }
        }
    }

    /// Lists the staff photos again (at start, and as members sign on: a
    /// photo put in place shows from its member's next sign-on).
    pub(super) fn refresh_photos(&mut self) {
        if let Some(dir) = &self.photos {
            self.photo_files = crate::photos::all(dir);
        }
    }

    /// The board's pages, from the station's view at `now`.
    pub(super) fn board_pages(&self, v: &StationView, now: Timestamp) -> Vec<BoardPage> {
        let mut pages = Vec::new();
        let mut add = |title: &str, lines: Vec<String>, photos: Option<Vec<String>>| {
            // Lines beside photos are one each (elided on the panel);
            // the rest are cut to fit.
            let (lines, photos, per_page) = match photos {
                Some(p) => (lines, p, WITH_PHOTOS),
                None => {
                    let cut: Vec<String> = lines.iter().flat_map(|l| wrap(l)).collect();
                    let none = vec![String::new(); cut.len()];
                    (cut, none, LINES)
                }
            };
            let n = lines.len().div_ceil(per_page).max(1);
            for i in 0..n {
                let range = i * per_page..((i + 1) * per_page).min(lines.len());
                pages.push(BoardPage {
                    title: if n > 1 {
                        format!("{title}（{}/{n}）", i + 1)
                    } else {
                        title.to_string()
                    },
                    lines: lines.get(range.clone()).unwrap_or_default().to_vec(),
                    photos: photos.get(range).unwrap_or_default().to_vec(),
                });
            }
        };
        let (on_post, photos) = self.on_post_lines(v);
        add("在岗人员 On duty", on_post, Some(photos));
        add("待领取 Ready to collect", pickup_lines(v), None);
        add("通知公告 Notices", notice_lines(v, &self.station), None);
        add("值班表 Duty roster", self.roster_lines(now), None);
        add(
            "考勤公示 Attendance",
            sheet_lines(self.board_sheet.as_ref()),
            None,
        );
        add("服务承诺 Our commitments", self.commitments(), None);
        add("收费标准 Fees", self.fee_lines(), None);
        pages
    }

    /// Each window and who is on post there (岗位牌), with the member's
    /// photo where one was put in the data folder (`kiosk staff photo`).
    fn on_post_lines(&self, v: &StationView) -> (Vec<String>, Vec<String>) {
        let photos = v
            .windows
            .iter()
            .map(|w| {
                w.member
                    .as_ref()
                    .and_then(|m| self.photo_files.get(&m.member))
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            })
            .collect();
        let lines = v
            .windows
            .iter()
            .map(|w| {
                let who = match &w.member {
                    Some(m) => format!(
                        "{}{} 工号 {}",
                        m.name,
                        m.post.zh().map(|p| format!("（{p}）")).unwrap_or_default(),
                        m.member
                    ),
                    None => "暂无人员上岗".to_string(),
                };
                let away = w
                    .away
                    .as_ref()
                    .map(|a| format!(" · {}", a.zh))
                    .unwrap_or_default();
                format!("{} 号窗口  {who}{away}", w.window)
            })
            .collect();
        (lines, photos)
    }

    /// The roster from today for a week.
    fn roster_lines(&self, now: Timestamp) -> Vec<String> {
        let today = self.station.business_day(now);
        (0..7)
            .map(|i| {
                let d = today.saturating_add(jiff::Span::new().days(i));
                let day = format!(
                    "{} {}",
                    d.strftime("%m-%d"),
                    WEEK_ZH[d.weekday().to_monday_zero_offset() as usize]
                );
                let holiday = self
                    .station
                    .calendar()
                    .holiday(d)
                    .map(|h| format!("（{h}）"))
                    .unwrap_or_default();
                match self.station.duty_on(d) {
                    Some(duty) => format!(
                        "{day}{holiday}  值班 {} {}{}",
                        duty.member.name,
                        duty.phone,
                        duty.leader
                            .as_ref()
                            .map(|l| format!("  带班 {}", l.name))
                            .unwrap_or_default()
                    ),
                    None => format!("{day}{holiday}  未排班"),
                }
            })
            .collect()
    }

    /// The regulations' commitments, in the station's words.
    fn commitments(&self) -> Vec<String> {
        vec![
            "首问负责：第一位接待您的工作人员负责到底".into(),
            "一次性告知：所需材料一次说清，书面告知".into(),
            "限时办结：承诺时限内办结并答复".into(),
            "服务公开：办事依据、程序、收费标准公开".into(),
            "廉洁自律：不吃拿卡要，不损害群众利益".into(),
            format!(
                "接受监督：投诉电话 {}，五个工作日内答复",
                self.info.complaint_hotline
            ),
        ]
    }

    /// The matters that cost something, from the catalog in force.
    fn fee_lines(&self) -> Vec<String> {
        let matters = self.matters.current();
        let mut lines: Vec<String> = matters
            .matters
            .iter()
            .filter_map(|m| match &m.fee {
                Fee::Charged { amount, .. } => Some(format!("{}：{amount}", m.name.zh)),
                Fee::Free => None,
            })
            .collect();
        lines.push("其余事项一律不收费".into());
        lines
    }
}

/// The posted notices, each with when it ends.
/// The receipt numbers whose results are back, two to a line, and how to
/// look one up; a line saying so when none is.
fn pickup_lines(v: &StationView) -> Vec<String> {
    let mut lines = vec!["凭回执到窗口领取，点“查回执”查进度".to_string()];
    if v.ready.is_empty() {
        lines.push("暂无待领取的办理结果".to_string());
    }
    for pair in v.ready.chunks(2) {
        lines.push(
            pair.iter()
                .map(|n| n.to_string())
                .collect::<Vec<_>>()
                .join("  "),
        );
    }
    lines
}

fn notice_lines(v: &StationView, station: &crate::domain::Station) -> Vec<String> {
    if v.notices.is_empty() {
        return vec!["暂无通知".into()];
    }
    let mut lines = Vec::new();
    for (_, n) in &v.notices {
        let until = station.local(n.until);
        lines.push(format!("【{}】", n.title));
        if !n.text.is_empty() {
            lines.push(n.text.clone());
        }
        lines.push(format!("至 {} 止", until.get(5..).unwrap_or(&until)));
    }
    lines
}

/// Last week's sheet as the notice board posts it: each member's counts.
fn sheet_lines(sheet: Option<&Sheet>) -> Vec<String> {
    let Some(sheet) = sheet else {
        return vec!["考勤暂无法读取 Attendance not available".into()];
    };
    let mut lines = vec![format!(
        "{} 至 {}（公示一周）",
        sheet.monday.strftime("%m-%d"),
        sheet.until.strftime("%m-%d")
    )];
    for m in &sheet.members {
        let t = &m.totals;
        lines.push(format!(
            "{}：出勤 {} 迟到 {} 早退 {} 缺席 {} 旷工 {} 请假 {} 值班 {}",
            m.name, t.present, t.late, t.early, t.absent, t.unapproved, t.leave, t.duty
        ));
    }
    lines
}

/// A line cut into pieces of at most [`WIDTH`] half-width units, the
/// pieces after the first indented.
fn wrap(line: &str) -> Vec<String> {
    let width = |c: char| if c.is_ascii() { 1 } else { 2 };
    let mut out = Vec::new();
    let mut piece = String::new();
    let mut used = 0;
    // A number or a word is not cut: the run of letters, digits, `:` and
    // `-` at the end of a full piece moves to the next (unless it fills it).
    let joined = |c: char| c.is_ascii_alphanumeric() || matches!(c, ':' | '-' | '.');
    for c in line.chars() {
        if used + width(c) > WIDTH {
            let mut carry = String::new();
            if joined(c) {
                let run: String = piece.chars().rev().take_while(|c| joined(*c)).collect();
                if run.len() < piece.chars().count() && run.len() < WIDTH / 2 {
                    carry = run.chars().rev().collect();
                    piece.truncate(piece.len() - carry.len());
                }
            }
            out.push(std::mem::take(&mut piece));
            piece.push('　');
            piece.push_str(&carry);
            used = 2 + carry.len();
        }
        piece.push(c);
        used += width(c);
    }
    out.push(piece);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lines_are_cut_to_the_width_and_short_ones_kept() {
        assert_eq!(wrap("1 号窗口  王芳"), ["1 号窗口  王芳"]);
        let long =
            "【台风停止办公】受台风影响，今天下午暂停对外办公，急事请拨值班电话 13800138000。";
        let pieces = wrap(long);
        assert!(pieces.len() > 1);
        for p in &pieces {
            let w: usize = p.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
            assert!(w <= WIDTH, "{p} is {w} wide");
        }
        let joined: String = pieces.concat().replace('　', "");
        assert_eq!(joined, long.replace('　', ""), "nothing lost");
        // A number stays whole.
        let pieces = wrap("值班电话值班电话值班电话值班电话 0898-88880000");
        assert_eq!(pieces.len(), 2, "{pieces:?}");
        assert!(pieces[1].ends_with("0898-88880000"), "{pieces:?}");
    }
}
