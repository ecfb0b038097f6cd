//! What the dashboard reads from PostgreSQL. Dates travel as text
//! (`YYYY-MM-DD`) and times come back formatted in the district's zone.

use std::collections::BTreeMap;

use fleet::wire::Summary;
use tokio_postgres::Client;

/// A station's figures over some days, from its journal entries.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Figures {
    pub tickets: i64,
    pub served: i64,
    pub rated: i64,
    /// Levels 4 and 5.
    pub good: i64,
    /// Levels 1 and 2.
    pub bad: i64,
    pub rating: Option<f64>,
    /// Minutes from issue to first call, on average.
    pub wait: Option<f64>,
    pub complaints: i64,
    pub alarms: i64,
}

impl Figures {
    /// Satisfaction as the station's reports count it: levels 4 and 5 of all
    /// ratings.
    pub fn good_rate(&self) -> Option<f64> {
        (self.rated > 0).then(|| self.good as f64 / self.rated as f64)
    }
}

/// Figures by station for `from..=to` (one station, or all).
pub async fn figures(
    pg: &Client,
    from: &str,
    to: &str,
    station: Option<&str>,
) -> Result<BTreeMap<String, Figures>, tokio_postgres::Error> {
    let rows = pg
        .query(
            &format!(
                "SELECT station,
                    count(*) FILTER (WHERE kind = 'ticket_issued'),
                    count(*) FILTER (WHERE kind = 'ticket_completed'),
                    count(*) FILTER (WHERE kind = 'ticket_rated'),
                    count(*) FILTER (WHERE kind = 'ticket_rated' AND (body->>'level')::int >= 4),
                    count(*) FILTER (WHERE kind = 'ticket_rated' AND (body->>'level')::int <= {bad}),
                    avg((body->>'level')::float8) FILTER (WHERE kind = 'ticket_rated'),
                    count(*) FILTER (WHERE kind = 'case_opened' AND body->>'source' = 'complaint'),
                    count(*) FILTER (WHERE kind = 'alarm_raised')
                 FROM entries
                 WHERE day BETWEEN $1::text::date AND $2::text::date
                   AND ($3::text IS NULL OR station = $3)
                 GROUP BY station",
                bad = domain::BAD_RATING_MAX
            ),
            &[&from, &to, &station],
        )
        .await?;
    let mut out = BTreeMap::new();
    for r in rows {
        out.insert(
            r.get::<_, String>(0),
            Figures {
                tickets: r.get(1),
                served: r.get(2),
                rated: r.get(3),
                good: r.get(4),
                bad: r.get(5),
                rating: r.get(6),
                wait: None,
                complaints: r.get(7),
                alarms: r.get(8),
            },
        );
    }
    let waits = pg
        .query(
            "SELECT i.station, avg(extract(epoch FROM c.at - i.at) / 60)::float8
             FROM entries i
             JOIN entries c ON c.station = i.station AND c.incarnation = i.incarnation
                AND c.day = i.day AND c.ticket = i.ticket AND c.kind = 'ticket_called'
             WHERE i.kind = 'ticket_issued'
               AND i.day BETWEEN $1::text::date AND $2::text::date
               AND ($3::text IS NULL OR i.station = $3)
               AND NOT EXISTS (SELECT 1 FROM entries e WHERE e.station = c.station
                    AND e.incarnation = c.incarnation AND e.day = c.day
                    AND e.ticket = c.ticket AND e.kind = 'ticket_called' AND e.seq < c.seq)
             GROUP BY i.station",
            &[&from, &to, &station],
        )
        .await?;
    for r in waits {
        out.entry(r.get::<_, String>(0)).or_default().wait = r.get(1);
    }
    Ok(out)
}

/// A station as the overview lists it.
#[derive(Clone, Debug)]
pub struct StationRow {
    pub id: String,
    pub link: String,
    pub summary: Option<Summary>,
    /// When its status last came, in the district's zone.
    pub status_at: Option<String>,
    pub chain: String,
    pub chain_note: Option<String>,
    pub last_seq: i64,
    pub head_seq: i64,
    /// Seconds since its last batch committed.
    pub batch_age: Option<f64>,
    /// Reports not yet reviewed.
    pub open_reports: i64,
    /// Zones whose alarm is latched, from the priority messages and the
    /// status (the later of the two wins per zone).
    pub alarms: Vec<String>,
}

impl StationRow {
    /// Entries the station has that the district does not yet.
    pub fn lag(&self) -> i64 {
        let head = self
            .summary
            .as_ref()
            .map_or(self.head_seq, |s| s.head.max(self.head_seq));
        (head - self.last_seq).max(0)
    }
}

pub async fn stations(pg: &Client, tz: &str) -> Result<Vec<StationRow>, tokio_postgres::Error> {
    let rows = pg
        .query(
            "SELECT s.id, s.link, s.status,
                to_char(s.status_at AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI:SS'),
                s.chain, s.chain_note, s.last_seq, s.head_seq,
                extract(epoch FROM now() - s.batch_at)::float8,
                (SELECT count(*) FROM reports r WHERE r.station = s.id AND r.reviewed_at IS NULL)
             FROM stations s ORDER BY s.id",
            &[&tz],
        )
        .await?;
    let latched = latched_alarms(pg).await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let id: String = r.get(0);
            let summary: Option<Summary> = r
                .get::<_, Option<serde_json::Value>>(2)
                .and_then(|v| serde_json::from_value(v).ok());
            let alarms = latched.get(&id).cloned().unwrap_or_else(|| {
                summary
                    .as_ref()
                    .map(|s| s.alarms.clone())
                    .unwrap_or_default()
            });
            StationRow {
                id,
                link: r.get(1),
                summary,
                status_at: r.get(3),
                chain: r.get(4),
                chain_note: r.get(5),
                last_seq: r.get(6),
                head_seq: r.get(7),
                batch_age: r.get(8),
                open_reports: r.get(9),
                alarms,
            }
        })
        .collect())
}

/// Latched alarms by station, from the latest priority message per zone;
/// a station none of whose zones has one is absent (its status says).
async fn latched_alarms(
    pg: &Client,
) -> Result<BTreeMap<String, Vec<String>>, tokio_postgres::Error> {
    let rows = pg
        .query(
            "SELECT DISTINCT ON (station, body->>'zone') station, body->>'zone', kind
             FROM priority WHERE kind LIKE 'alarm_%'
             ORDER BY station, body->>'zone', at DESC, seq DESC",
            &[],
        )
        .await?;
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for r in rows {
        let list = out.entry(r.get(0)).or_default();
        if r.get::<_, String>(2) != "alarm_reset" {
            list.push(r.get::<_, Option<String>>(1).unwrap_or_default());
        }
    }
    Ok(out)
}

/// An alarm or bad rating as it came.
#[derive(Clone, Debug)]
pub struct PriorityRow {
    pub station: String,
    pub at: String,
    pub kind: String,
    pub body: serde_json::Value,
}

pub async fn recent_priority(
    pg: &Client,
    tz: &str,
    limit: i64,
) -> Result<Vec<PriorityRow>, tokio_postgres::Error> {
    Ok(pg
        .query(
            "SELECT station, to_char(at AT TIME ZONE $1, 'MM-DD HH24:MI:SS'), kind, body
             FROM priority ORDER BY received DESC, seq DESC LIMIT $2",
            &[&tz, &limit],
        )
        .await?
        .into_iter()
        .map(|r| PriorityRow {
            station: r.get(0),
            at: r.get(1),
            kind: r.get(2),
            body: r.get(3),
        })
        .collect())
}

/// One journal entry as the station's day lists it.
#[derive(Clone, Debug)]
pub struct EntryRow {
    pub seq: i64,
    pub incarnation: i32,
    pub at: String,
    pub kind: String,
    pub ticket: Option<String>,
    pub window: Option<i16>,
    pub body: serde_json::Value,
}

pub async fn day_entries(
    pg: &Client,
    station: &str,
    day: &str,
    tz: &str,
) -> Result<Vec<EntryRow>, tokio_postgres::Error> {
    Ok(pg
        .query(
            "SELECT seq, incarnation, to_char(at AT TIME ZONE $3, 'HH24:MI:SS'), kind, ticket,
                window_no, body
             FROM entries WHERE station = $1 AND day = $2::text::date
             ORDER BY incarnation, seq LIMIT 5000",
            &[&station, &day, &tz],
        )
        .await?
        .into_iter()
        .map(|r| EntryRow {
            seq: r.get(0),
            incarnation: r.get(1),
            at: r.get(2),
            kind: r.get(3),
            ticket: r.get(4),
            window: r.get(5),
            body: r.get(6),
        })
        .collect())
}

/// Tickets per day across the district, for the month's chart.
pub async fn tickets_by_day(
    pg: &Client,
    from: &str,
    to: &str,
) -> Result<Vec<(String, i64)>, tokio_postgres::Error> {
    Ok(pg
        .query(
            "SELECT to_char(day, 'YYYY-MM-DD'), count(*) FROM entries
             WHERE kind = 'ticket_issued' AND day BETWEEN $1::text::date AND $2::text::date
             GROUP BY day ORDER BY day",
            &[&from, &to],
        )
        .await?
        .into_iter()
        .map(|r| (r.get(0), r.get(1)))
        .collect())
}

/// A chain report for a supervisor.
#[derive(Clone, Debug)]
pub struct ReportRow {
    pub id: i64,
    pub station: String,
    pub at: String,
    pub kind: String,
    pub seq: Option<i64>,
    pub message: String,
    pub reviewed: Option<String>,
}

pub async fn reports(
    pg: &Client,
    tz: &str,
    station: Option<&str>,
) -> Result<Vec<ReportRow>, tokio_postgres::Error> {
    Ok(pg
        .query(
            "SELECT id, station, to_char(at AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI:SS'), kind, seq,
                message,
                CASE WHEN reviewed_at IS NULL THEN NULL
                     ELSE reviewed_by || ' ' || to_char(reviewed_at AT TIME ZONE $1, 'YYYY-MM-DD HH24:MI') END
             FROM reports WHERE ($2::text IS NULL OR station = $2)
             ORDER BY reviewed_at IS NOT NULL, at DESC LIMIT 500",
            &[&tz, &station],
        )
        .await?
        .into_iter()
        .map(|r| ReportRow {
            id: r.get(0),
            station: r.get(1),
            at: r.get(2),
            kind: r.get(3),
            seq: r.get(4),
            message: r.get(5),
            reviewed: r.get(6),
        })
        .collect())
}

/// A supervisor marks a report reviewed; whether it was open.
pub async fn review(pg: &Client, id: i64, by: &str) -> Result<bool, tokio_postgres::Error> {
    Ok(pg
        .execute(
            "UPDATE reports SET reviewed_by = $2, reviewed_at = now()
             WHERE id = $1 AND reviewed_at IS NULL",
            &[&id, &by],
        )
        .await?
        == 1)
}
