//! The pages of the scripts for the loudspeakers (issue 26): `/truyen-thanh/` (the scripts by
//! week, `bulletins.html`) and each week's printable programme
//! `/truyen-thanh/<năm>-tuan-<nn>/` (`bulletin_week.html`), and the link from a page to its
//! script (`page.bulletin`).
//!
//! Takes the [`Env`] (its scripts and weeks, made by `crate::bulletin`); gives template calls.
//! A theme without these templates has no such pages (the scripts are still written).

use super::call::TemplateCall;
use super::context::{BulletinLinkView, BulletinPartView, BulletinScriptView, BulletinWeekView, LinkView};
use super::env::Env;
use crate::bulletin::script::airtime_label;
use crate::bulletin::weeks::Week;
use crate::bulletin::{PATH, SSML_FILE, TEXT_FILE};
use crate::content::{DocId, output_file};
use crate::diagnostics::Diagnostic;
use crate::fingerprint::Printed;

/// Whether the site has the list (the theme has `bulletins.html` and there are scripts), and
/// how many programmes it has (with `bulletin_week.html`: one per week).
pub fn planned(env: &Env<'_>) -> (bool, usize) {
    if env.bulletins.is_empty() {
        return (false, 0);
    }
    let weeks = if env.templates.has("bulletin_week.html") { env.bulletin_weeks.len() } else { 0 };
    (env.templates.has("bulletins.html"), weeks)
}

/// Page `i`'s own script, as `page.bulletin`.
pub fn link(env: &Env<'_>, i: DocId) -> Option<BulletinLinkView> {
    let s = env.bulletins.of_page(i)?;
    Some(BulletinLinkView {
        text: env.config.url(&format!("{}{TEXT_FILE}", s.path)),
        ssml: env.config.url(&format!("{}{SSML_FILE}", s.path)),
        airtime: airtime_label(s.seconds),
        seconds: s.seconds,
    })
}

/// `/truyen-thanh/`: every week with its scripts (without their text).
pub fn prepare_list<'a>(env: &'a Env<'_>) -> Result<TemplateCall<'a>, Diagnostic> {
    let weeks: Vec<BulletinWeekView<'a>> =
        env.bulletin_weeks.iter().map(|w| week_view(env, w, false)).collect();
    Ok(TemplateCall::new(output_file(PATH), "bulletins.html", "loa.yaml").with("weeks", weeks))
}

/// The programme of week `k`: its scripts in order, each with its text and the time it starts.
pub fn prepare_week<'a>(env: &'a Env<'_>, k: usize) -> Result<TemplateCall<'a>, Diagnostic> {
    let w = &env.bulletin_weeks[k];
    let view = week_view(env, w, true);
    let newer = k.checked_sub(1).map(|n| week_link(env, &env.bulletin_weeks[n]));
    let older = env.bulletin_weeks.get(k + 1).map(|w| week_link(env, w));
    Ok(TemplateCall::new(output_file(&w.path()), "bulletin_week.html", "loa.yaml")
        .with("week", view)
        .with("newer", newer)
        .with("older", older)
        .with("list_url", env.config.url(PATH)))
}

/// The label and URL of week `w`'s programme (a neighbour's link).
fn week_link(env: &Env<'_>, w: &Week) -> LinkView {
    LinkView { title: week_label(w), url: env.config.url(&w.path()) }
}

/// `Tuần 37 năm 2022`.
fn week_label(w: &Week) -> String {
    format!("Tuần {} năm {}", w.week, w.year)
}

fn week_view<'a>(env: &'a Env<'_>, w: &Week, text: bool) -> BulletinWeekView<'a> {
    let mut start = 0;
    let scripts = w
        .scripts
        .iter()
        .map(|&k| {
            let s = env.bulletins.get(k);
            let view = BulletinScriptView {
                title: &s.title,
                url: env.config.url(&s.path),
                text_url: env.config.url(&format!("{}{TEXT_FILE}", s.path)),
                ssml_url: env.config.url(&format!("{}{SSML_FILE}", s.path)),
                date: s.date.map(|d| d.fmt_short()).unwrap_or_default(),
                airtime: airtime_label(s.seconds),
                seconds: s.seconds,
                starts: clock(start),
                spoken_title: if text { &s.spoken.title } else { "" },
                parts: if text {
                    Printed {
                        print: s.parts_print(),
                        value: s
                            .spoken
                            .parts
                            .iter()
                            .map(|p| BulletinPartView { transition: p.transition, text: &p.text })
                            .collect(),
                    }
                } else {
                    Printed { print: 0, value: Vec::new() }
                },
            };
            start += s.seconds;
            view
        })
        .collect();
    let ((y1, m1, d1), (y2, m2, d2)) = w.days;
    BulletinWeekView {
        year: w.year,
        week: w.week,
        label: week_label(w),
        from: format!("{d1}/{m1}/{y1}"),
        to: format!("{d2}/{m2}/{y2}"),
        url: env.config.url(&w.path()),
        total: airtime_label(start),
        total_seconds: start,
        scripts,
    }
}

/// Minutes and seconds from the start of a programme: `00:00`, `02:35`, `61:05`.
fn clock(seconds: u64) -> String {
    format!("{:02}:{:02}", seconds / 60, seconds % 60)
}

#[cfg(test)]
mod tests {
    #[test]
    fn clock() {
        assert_eq!(super::clock(0), "00:00");
        assert_eq!(super::clock(155), "02:35");
        assert_eq!(super::clock(3665), "61:05");
    }
}
