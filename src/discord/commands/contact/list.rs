//! `/contact list` (ten a page, sorted and filtered, with Previous/Next) and `/contact find`.

use poise::serenity_prelude as serenity;

use super::render::one_line;
use super::ContactComponent;
use crate::discord::interaction::Component;
use crate::discord::{author, reply, today_for, CommandError, Context, Data};
use crate::domain::contact::{ContactFilter, ContactSort, MetKind, Relationship, Tags, PAGE_SIZE};
use crate::domain::UserId;

/// How to order `/contact list`.
#[derive(Debug, Clone, Copy, poise::ChoiceParameter)]
pub enum SortChoice {
    #[name = "Name"]
    Name,
    #[name = "Recently used"]
    Recent,
    #[name = "Recently met"]
    Met,
    #[name = "Next follow-up"]
    NextFollowUp,
}

impl From<SortChoice> for ContactSort {
    fn from(s: SortChoice) -> ContactSort {
        match s {
            SortChoice::Name => ContactSort::Name,
            SortChoice::Recent => ContactSort::Recent,
            SortChoice::Met => ContactSort::Met,
            SortChoice::NextFollowUp => ContactSort::NextFollowUp,
        }
    }
}

pub(super) fn sort_code(sort: ContactSort) -> &'static str {
    match sort {
        ContactSort::Name => "n",
        ContactSort::Recent => "r",
        ContactSort::Met => "m",
        ContactSort::NextFollowUp => "f",
    }
}

pub(super) fn sort_from_code(code: &str) -> Option<ContactSort> {
    [
        ContactSort::Name,
        ContactSort::Recent,
        ContactSort::Met,
        ContactSort::NextFollowUp,
    ]
    .into_iter()
    .find(|s| sort_code(*s) == code)
}

/// One page of the list, with Previous/Next buttons that carry the filter.
pub(super) async fn list_page(
    data: &Data,
    owner: UserId,
    filter: &ContactFilter,
    sort: ContactSort,
    page: u32,
) -> Result<(String, Vec<serenity::CreateActionRow>), CommandError> {
    let today = today_for(data, owner).await;
    let result = data
        .store
        .list_contacts(owner, filter, sort, page, PAGE_SIZE)
        .await?;
    if result.total == 0 {
        let text = if *filter == ContactFilter::default() {
            "Your contact list is empty. Add someone with `/contact add` or `/contact quick`."
        } else {
            "No contacts match that filter."
        };
        return Ok((text.to_owned(), Vec::new()));
    }
    let pages = result.total.div_ceil(PAGE_SIZE);
    let page = page.min(pages - 1);
    let mut text = format!(
        "**Your contacts** — page {} of {pages} · {} in all",
        page + 1,
        result.total
    );
    for c in &result.contacts {
        text.push_str(&format!("\n• {}", one_line(c, today)));
    }
    let button = |label: &str, page: u32, disabled: bool| {
        let to = ContactComponent::ListPage {
            page,
            sort,
            filter: filter.clone(),
        };
        serenity::CreateButton::new(to.custom_id(owner))
            .label(label)
            .style(serenity::ButtonStyle::Secondary)
            .disabled(disabled)
    };
    let rows = if pages > 1 {
        vec![serenity::CreateActionRow::Buttons(vec![
            button("◀ Previous", page.saturating_sub(1), page == 0),
            button("Next ▶", page + 1, page + 1 >= pages),
        ])]
    } else {
        Vec::new()
    };
    Ok((text, rows))
}

/// List your contacts, 10 a page, sorted and filtered as you like
#[poise::command(slash_command)]
pub(super) async fn list(
    ctx: Context<'_>,
    #[description = "Order (default: name)"] sort: Option<SortChoice>,
    #[description = "Only contacts with this tag"]
    #[max_length = 30]
    tag: Option<String>,
    #[description = "Only this relationship"] relationship: Option<Relationship>,
    #[rename = "how-met"]
    #[description = "Only contacts met this way"]
    how_met: Option<MetKind>,
) -> Result<(), CommandError> {
    let tag = match tag {
        Some(t) => {
            let mut tags = Tags::parse(&t)?.into_vec();
            if tags.len() > 1 {
                return Err(CommandError::User("Filter by one tag at a time.".into()));
            }
            tags.pop()
        }
        None => None,
    };
    let filter = ContactFilter {
        tag,
        relationship,
        met_kind: how_met,
    };
    let sort = sort.map_or(ContactSort::Name, ContactSort::from);
    let (text, rows) = list_page(ctx.data(), author(ctx), &filter, sort, 0).await?;
    reply::send(ctx, reply::ephemeral(text).components(rows)).await?;
    Ok(())
}

/// Search your contacts' names, places, notes, tags and emails
#[poise::command(slash_command)]
pub(super) async fn find(
    ctx: Context<'_>,
    #[description = "Text to look for"]
    #[min_length = 2]
    #[max_length = 100]
    text: String,
) -> Result<(), CommandError> {
    let owner = author(ctx);
    let needle = text.trim();
    if needle.chars().count() < 2 {
        return Err(CommandError::User(
            "Type at least two letters to search for.".into(),
        ));
    }
    let today = today_for(ctx.data(), owner).await;
    let hits = ctx.data().store.find_contacts(owner, needle, 11).await?;
    let shown = if hits.is_empty() {
        format!("No contact mentions “{}”.", reply::escape(needle))
    } else {
        let mut out = format!("**Contacts mentioning “{}”**", reply::escape(needle));
        for c in hits.iter().take(10) {
            out.push_str(&format!("\n• {}", one_line(c, today)));
        }
        if hits.len() > 10 {
            out.push_str("\n…and more: add words to narrow it down.");
        }
        out
    };
    reply::send(ctx, reply::ephemeral(shown)).await?;
    Ok(())
}
