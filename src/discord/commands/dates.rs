//! Date options: autocomplete that previews what a typed date means ("Sun 22 Nov 2026 — 3 days
//! ago"), shared by every command with a date.

use poise::serenity_prelude as serenity;

use crate::discord::{author, reply, today_for, Context};
use crate::domain::when::{self, Direction};

async fn date_choices(
    ctx: Context<'_>,
    partial: &str,
    direction: Direction,
) -> serenity::CreateAutocompleteResponse {
    let today = today_for(ctx.data(), author(ctx)).await;
    let typed = partial.trim();
    let candidates: Vec<String> = if typed.is_empty() {
        match direction {
            Direction::Past => vec![
                "today".into(),
                "yesterday".into(),
                "3 days ago".into(),
                "last friday".into(),
            ],
            _ => vec![
                "today".into(),
                "tomorrow".into(),
                "in 1 week".into(),
                "in 1 month".into(),
            ],
        }
    } else {
        vec![typed.to_owned()]
    };
    let choices = candidates
        .into_iter()
        .map(|text| match when::parse_date(&text, today, direction) {
            Ok(date) => {
                serenity::AutocompleteChoice::new(when::preview(date, today), date.to_string())
            }
            // Show why, and keep the text so submitting it gives the full message.
            Err(e) => serenity::AutocompleteChoice::new(
                reply::truncate(&e.to_string(), 100),
                reply::truncate(&text, 100),
            ),
        })
        .collect();
    serenity::CreateAutocompleteResponse::new().set_choices(choices)
}

pub(crate) async fn autocomplete_past_date(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    date_choices(ctx, partial, Direction::Past).await
}

pub(crate) async fn autocomplete_any_date(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    date_choices(ctx, partial, Direction::Any).await
}

pub(crate) async fn autocomplete_future_date(
    ctx: Context<'_>,
    partial: &str,
) -> serenity::CreateAutocompleteResponse {
    date_choices(ctx, partial, Direction::Future).await
}
