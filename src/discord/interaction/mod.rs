//! The toolkit every area's buttons, selects and forms are built with: the custom id codec,
//! the incoming click or form, and form helpers. It imports no command module; each area owns
//! a typed enum of its components (named fields, encode and decode side by side), and
//! `discord::router` routes them with one exhaustive match.

mod defer;
mod forms;
mod incoming;

pub use defer::{defer_now, defer_when_slow, is_deferring, mark_answering};
pub use forms::{form_values, kept_or_typed, open_modal, text_input};
pub use incoming::{Incoming, Origin};

use crate::domain::UserId;

/// The row id an autocomplete suggestion carries as its value ("#42"); `None` for typed text.
/// Untrusted: every caller checks the row against the member (or server) it came from.
pub fn picked_id(value: &str) -> Option<i64> {
    value.trim().strip_prefix('#')?.parse().ok()
}

/// Whether a message carries a button with `custom_id` (how a post whose message id was never
/// recorded is found again).
pub fn message_carries(message: &poise::serenity_prelude::Message, custom_id: &str) -> bool {
    use poise::serenity_prelude::{ActionRowComponent, ButtonKind};
    message
        .components
        .iter()
        .flat_map(|row| row.components.iter())
        .any(|c| match c {
            ActionRowComponent::Button(b) => matches!(
                &b.data,
                ButtonKind::NonLink { custom_id: id, .. } if id == custom_id
            ),
            _ => false,
        })
}

/// Discord's limit on a custom id.
pub const MAX_CUSTOM_ID: usize = 100;

pub const STALE_BUTTON: &str = "This button is no longer active. Run the command again.";
pub const STALE_FORM: &str =
    "This form is no longer active and nothing was saved. Run the command again.";
pub const NOT_YOURS: &str =
    "This button belongs to someone else's command. Run the command yourself to get your own.";

/// One area's components (contacts, notes, nudges, stories, me…). A custom id reads
/// `emig:<code>:<owner>[:<arg>…]`; public components carry owner 0.
pub trait Component: Sized {
    /// This variant's code (unique across all areas) and its arguments, in order.
    fn to_parts(&self) -> (&'static str, Vec<String>);

    /// The variant `code` names, read from its arguments; `None` when the code is not this
    /// area's or the arguments are malformed.
    fn from_parts(code: &str, args: &mut Args<'_>) -> Option<Self>;

    /// Why anyone where it was posted may use this component; `None` (the default) when
    /// only the member it was made for may. A public component's handler checks the click
    /// against the guild, channel and message it came from.
    fn public_because(&self) -> Option<&'static str> {
        None
    }

    /// The custom id for `owner`'s copy of this component (public ones carry no owner).
    fn custom_id(&self, owner: UserId) -> String {
        let (code, args) = self.to_parts();
        let owner = if self.public_because().is_some() {
            0
        } else {
            owner.get()
        };
        let mut id = format!("emig:{code}:{owner}");
        for arg in args {
            id.push(':');
            id.push_str(&arg.replace(':', ""));
        }
        // Arguments are ids and short codes; a long filter tag is the only text, and a cut
        // one still decodes (to a filter that matches less).
        id.chars().take(MAX_CUSTOM_ID).collect()
    }
}

/// A custom id of ours, split but not yet typed: untrusted until an area decodes it and the
/// router checks who may use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawId<'a> {
    pub code: &'a str,
    /// The member it was made for; 0 on public components.
    pub owner: u64,
    args: &'a str,
}

impl<'a> RawId<'a> {
    pub fn parse(id: &'a str) -> Option<RawId<'a>> {
        let rest = id.strip_prefix("emig:")?;
        let (code, rest) = rest.split_once(':')?;
        let (owner, args) = match rest.split_once(':') {
            Some((owner, args)) => (owner, args),
            None => (rest, ""),
        };
        Some(RawId {
            code,
            owner: owner.parse().ok()?,
            args,
        })
    }

    /// The arguments, to be read in order.
    pub fn args(&self) -> Args<'a> {
        Args {
            parts: if self.args.is_empty() {
                Vec::new()
            } else {
                self.args.split(':').collect()
            },
            next: 0,
        }
    }
}

/// A custom id's arguments, read in order and parsed as they are read.
#[derive(Debug, Clone)]
pub struct Args<'a> {
    parts: Vec<&'a str>,
    next: usize,
}

impl<'a> Args<'a> {
    /// The next argument as text; `None` when there is none.
    pub fn text(&mut self) -> Option<&'a str> {
        let part = self.parts.get(self.next).copied();
        self.next += 1;
        part
    }

    /// The next argument parsed as `T`; `None` when missing or malformed.
    pub fn parse<T: std::str::FromStr>(&mut self) -> Option<T> {
        self.text()?.parse().ok()
    }

    /// True when every argument was read (an id with extra parts is not ours).
    pub fn done(&self) -> bool {
        self.next >= self.parts.len()
    }
}

/// Decodes `id` as one of area `C`'s components: the code must be the area's and every
/// argument well formed.
pub fn decode<C: Component>(raw: &RawId<'_>) -> Option<C> {
    let mut args = raw.args();
    let component = C::from_parts(raw.code, &mut args)?;
    args.done().then_some(component)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_ids_split_into_code_owner_and_arguments() {
        let raw = RawId::parse("emig:c-page:42:3:n::").expect("ours");
        assert_eq!(raw.code, "c-page");
        assert_eq!(raw.owner, 42);
        let mut args = raw.args();
        assert_eq!(args.parse::<u32>(), Some(3));
        assert_eq!(args.text(), Some("n"));
        assert_eq!(args.text(), Some(""));
        assert_eq!(args.text(), Some(""));
        assert!(args.done());
        assert_eq!(RawId::parse("emig:me-delete-yes:abc"), None);
        assert_eq!(RawId::parse("other:x:1"), None);
        assert!(RawId::parse("emig:me-delete-yes:7")
            .expect("no args")
            .args()
            .done());
    }
}
