//! The contact area's buttons and forms: typed, with their encoding beside them, and handled
//! here.

use poise::serenity_prelude as serenity;

use super::edit::{details_modal, details_patch, untouched_prefills, value_of, F_CALLBACK};
use super::edit::{F_HANDLE, F_INSTITUTION, F_NAME, F_WHERE};
use super::list::{list_page, sort_code, sort_from_code};
use super::render::{added_text, card, card_buttons, history};
use super::NOT_FOUND;
use crate::actions::ActionError;
use crate::discord::interaction::{form_values, Args, Component, Incoming, STALE_BUTTON};
use crate::discord::{today_for, CommandError, Data};
use crate::domain::contact::{
    ContactFilter, ContactId, ContactName, ContactSort, MetKind, NewContact, Relationship, Text,
    WhereMet,
};
use crate::domain::UserId;

/// The contact area's components.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContactComponent {
    /// Button: open the long-fields form of a contact.
    Details {
        contact: ContactId,
    },
    /// Form: the long fields of a contact submitted. `opened_at` is the contact's version when
    /// the form was opened (absent in forms opened by earlier releases).
    DetailsForm {
        contact: ContactId,
        opened_at: Option<i64>,
    },
    DeleteConfirm {
        contact: ContactId,
    },
    DeleteCancel {
        contact: ContactId,
    },
    /// Button: another page of `/contact list`, with its order and filter.
    ListPage {
        page: u32,
        sort: ContactSort,
        filter: ContactFilter,
    },
    /// Button: show one contact (from a list of namesakes).
    Show {
        contact: ContactId,
    },
    /// Form: a new contact from a member's profile ("Add as contact").
    NewContactForm,
}

impl Component for ContactComponent {
    fn to_parts(&self) -> (&'static str, Vec<String>) {
        let id = |c: &ContactId| vec![c.to_string()];
        match self {
            ContactComponent::Details { contact } => ("c-details", id(contact)),
            ContactComponent::DetailsForm { contact, opened_at } => {
                let mut args = id(contact);
                args.extend(opened_at.map(|at| at.to_string()));
                ("c-details-form", args)
            }
            ContactComponent::DeleteConfirm { contact } => ("c-delete-yes", id(contact)),
            ContactComponent::DeleteCancel { contact } => ("c-delete-no", id(contact)),
            ContactComponent::Show { contact } => ("c-show", id(contact)),
            ContactComponent::NewContactForm => ("c-new-form", Vec::new()),
            ContactComponent::ListPage { page, sort, filter } => (
                "c-page",
                vec![
                    page.to_string(),
                    sort_code(*sort).to_owned(),
                    filter.relationship.map_or("", |r| r.code()).to_owned(),
                    filter.met_kind.map_or("", |k| k.code()).to_owned(),
                    filter.tag.clone().unwrap_or_default(),
                ],
            ),
        }
    }

    fn from_parts(code: &str, args: &mut Args<'_>) -> Option<Self> {
        let mut contact = || args.parse().map(ContactId);
        Some(match code {
            "c-details" => ContactComponent::Details {
                contact: contact()?,
            },
            "c-details-form" => {
                let contact = contact()?;
                let opened_at = match args.text() {
                    None => None,
                    Some(at) => Some(at.parse().ok()?),
                };
                ContactComponent::DetailsForm { contact, opened_at }
            }
            "c-delete-yes" => ContactComponent::DeleteConfirm {
                contact: contact()?,
            },
            "c-delete-no" => ContactComponent::DeleteCancel {
                contact: contact()?,
            },
            "c-show" => ContactComponent::Show {
                contact: contact()?,
            },
            "c-new-form" => ContactComponent::NewContactForm,
            "c-page" => {
                let page = args.parse()?;
                let sort = sort_from_code(args.text()?)?;
                let code_or_none = |text: &str| (!text.is_empty()).then(|| text.to_owned());
                let relationship = match code_or_none(args.text()?) {
                    Some(c) => Some(Relationship::from_code(&c)?),
                    None => None,
                };
                let met_kind = match code_or_none(args.text()?) {
                    Some(c) => Some(MetKind::from_code(&c)?),
                    None => None,
                };
                let tag = code_or_none(args.text()?);
                ContactComponent::ListPage {
                    page,
                    sort,
                    filter: ContactFilter {
                        tag,
                        relationship,
                        met_kind,
                    },
                }
            }
            _ => return None,
        })
    }
}

#[cfg(test)]
pub fn contact_examples() -> Vec<ContactComponent> {
    let contact = ContactId(i64::MAX);
    vec![
        ContactComponent::Details { contact },
        ContactComponent::DetailsForm {
            contact,
            opened_at: Some(i64::MAX),
        },
        ContactComponent::DetailsForm {
            contact,
            opened_at: None,
        },
        ContactComponent::DeleteConfirm { contact },
        ContactComponent::DeleteCancel { contact },
        ContactComponent::Show { contact },
        ContactComponent::NewContactForm,
        ContactComponent::ListPage {
            page: u32::MAX,
            sort: ContactSort::NextFollowUp,
            filter: ContactFilter {
                tag: Some("a".repeat(30)),
                relationship: Some(Relationship::Sponsor),
                met_kind: Some(MetKind::ResidencyFair),
            },
        },
        ContactComponent::ListPage {
            page: 0,
            sort: ContactSort::Name,
            filter: ContactFilter::default(),
        },
    ]
}

fn not_found() -> CommandError {
    CommandError::User(NOT_FOUND.into())
}

/// The submitted form, when the id that came is a form's (a click with a form's id is stale).
pub(super) fn form<'a>(
    incoming: &'a Incoming<'_>,
) -> Result<&'a serenity::ModalInteraction, CommandError> {
    incoming
        .as_form()
        .ok_or_else(|| CommandError::User(STALE_BUTTON.into()))
}

/// Buttons and forms of the contact area.
pub async fn on_contact_component(
    ctx: &serenity::Context,
    data: &Data,
    incoming: &Incoming<'_>,
    owner: UserId,
    component: ContactComponent,
) -> Result<(), CommandError> {
    let now = data.clock.now();
    match component {
        ContactComponent::Details { contact } => {
            let c = data
                .store
                .contact(owner, contact)
                .await?
                .ok_or_else(not_found)?;
            incoming.open_form(ctx, details_modal(owner, &c)).await
        }
        ContactComponent::DetailsForm { contact, opened_at } => {
            let values = form_values(form(incoming)?);
            let edited = data
                .actions
                .edit_contact(owner, contact, opened_at, |stored| {
                    details_patch(&untouched_prefills(stored, values))
                        .map_err(|e| ActionError::Refused(e.to_string()))
                })
                .await?;
            let text = format!("Details saved.\n\n{}", card(&edited));
            incoming.say_pages(ctx, &text, Vec::new()).await
        }
        ContactComponent::DeleteConfirm { contact } => {
            let text = if data.store.delete_contact(owner, contact).await? {
                "Deleted, with everything logged with them."
            } else {
                "That contact no longer exists."
            };
            incoming.update(ctx, text, Vec::new()).await
        }
        ContactComponent::DeleteCancel { .. } => {
            incoming
                .update(ctx, "Kept. Nothing was deleted.", Vec::new())
                .await
        }
        ContactComponent::ListPage { page, sort, filter } => {
            let (text, rows) = list_page(data, owner, &filter, sort, page).await?;
            incoming.update(ctx, text, rows).await
        }
        ContactComponent::Show { contact } => {
            let c = data
                .store
                .contact(owner, contact)
                .await?
                .ok_or_else(not_found)?;
            data.store.touch_contact(owner, contact, now).await?;
            let items = data.store.interactions(owner, contact).await?;
            let text = format!("{}{}", card(&c), history(&items));
            incoming
                .say_pages(ctx, &text, card_buttons(owner, contact))
                .await
        }
        ContactComponent::NewContactForm => {
            let values = form_values(form(incoming)?);
            let name = ContactName::parse(value_of(&values, F_NAME).unwrap_or(""))?;
            let today = today_for(data, owner).await;
            let mut new = NewContact::named(name, today);
            new.handle = Text::parse_optional(value_of(&values, F_HANDLE))?;
            new.institution = Text::parse_optional(value_of(&values, F_INSTITUTION))?;
            new.met.label = Text::<WhereMet>::parse_optional(value_of(&values, F_WHERE))?
                .map(Text::into_string);
            new.callback = Text::parse_optional(value_of(&values, F_CALLBACK))?;
            let added = data.actions.add_contact(owner, new, today).await?;
            let text = added_text("Saved to your contacts.", &added, None);
            incoming
                .say_pages(ctx, &text, card_buttons(owner, added.contact.id))
                .await
        }
    }
}
